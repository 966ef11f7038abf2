"""Tender forms: shape only; deadlines, budgets and eligibility live in services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from hub.categories import SERVICE_CATEGORY_LABELS, ServiceCategory
from hub.web.fields import LocalDateTimeField, MoneyField, SelectField, required_text

_TEXT = Length(max=4000, message=_l("At most %(max)d characters."))


def _amount(message: Any, *, required: bool = True) -> Any:
    """A MoneyField's check: typed well (its own message), present, above zero."""

    def check(form: FlaskForm, field: Field) -> None:
        if field.process_errors:
            raise StopValidation()  # "Enter an amount in yuan…" is already there
        if field.data is None:
            if required:
                raise StopValidation(message)
            raise StopValidation()
        if field.data <= 0:
            raise StopValidation(_l("Enter an amount of more than ¥0.00."))

    return check


def _ends_after_start(form: FlaskForm, field: DateField) -> None:
    start = form.period_start.data
    if start and field.data and field.data < start:
        raise ValidationError(_l("The end date must not be before the start date."))


def _period_fields() -> tuple[DateField, DateField]:
    return (
        DateField(
            _l("Service starts on"),
            validators=[DataRequired(message=_l("Choose a start date."))],
        ),
        DateField(
            _l("Service ends on"),
            validators=[
                DataRequired(message=_l("Choose an end date.")),
                _ends_after_start,
            ],
        ),
    )


class TenderForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Give the purchase need a title.")),
            Length(max=120, message=_l("At most %(max)d characters.")),
        ],
        description=_l(
            "For example: 锁三社区 home visits to older people living alone"
        ),
    )
    category = SelectField(
        _l("Service category"),
        choices=[
            SelectChoice(c.value, SERVICE_CATEGORY_LABELS[c]) for c in ServiceCategory
        ],
        invalid_choice_message=_l("Choose a service category."),
    )
    community_id = SelectField(
        _l("Community"),
        coerce=int,
        invalid_choice_message=_l("Choose the community."),
    )
    budget = MoneyField(
        _l("Budget in yuan"),
        validators=[_amount(_l("Enter the budget."))],
        description=_l("The most the street will pay, such as 80,000.00."),
    )
    period_start, period_end = _period_fields()
    deadline = LocalDateTimeField(
        _l("Proposals accepted until"),
        validators=[DataRequired(message=_l("Choose the date and time."))],
        description=_l("Beijing time. Proposals are compared after this moment."),
    )
    description = TextAreaField(
        _l("What the service should achieve"),
        validators=[Optional(), _TEXT],
        description=_l("Who is served, how often, what the street expects."),
        render_kw={"rows": 6},
    )


class ProposalForm(FlaskForm):
    #: Shown only to people on the staff of several eligible organizations.
    organization_id = SelectField(
        _l("Send as"),
        coerce=int,
        invalid_choice_message=_l("Choose the organization."),
    )
    #: The proposal being changed; empty when sending a new one.
    proposal_id = HiddenField()
    plan = TextAreaField(
        _l("Service plan"),
        validators=[
            DataRequired(message=_l("Describe how you will do the work.")),
            _TEXT,
        ],
        description=_l(
            "What you will do, how often, for whom, and how you measure it."
        ),
        render_kw={"rows": 8},
    )
    price = MoneyField(
        _l("Your price in yuan"),
        validators=[_amount(_l("Enter your price."))],
    )
    team = TextAreaField(
        _l("Team"),
        validators=[
            DataRequired(message=_l("Say who will do the work.")),
            _TEXT,
        ],
        description=_l("The people who will do the work and their experience."),
        render_kw={"rows": 4},
    )


class AwardForm(FlaskForm):
    proposal_id = RadioField(
        _l("Proposal to award"),
        coerce=int,
        invalid_choice_message=_l("Choose the proposal to award."),
    )
    amount = MoneyField(
        _l("Contract amount in yuan"),
        validators=[_amount(None, required=False)],
        description=_l("Leave empty to use the chosen proposal's price."),
    )
    period_start, period_end = _period_fields()


class CancelForm(FlaskForm):
    reason = required_text(
        _l("Reason"), _l("Give the reason; every proposer will read it.")
    )


class TenderFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    street = SelectField(_l("Street"), coerce=str, validators=[Optional()])
    category = SelectField(
        _l("Service category"),
        choices=[SelectChoice("", _l("All categories"))]
        + [SelectChoice(c.value, SERVICE_CATEGORY_LABELS[c]) for c in ServiceCategory],
        validators=[Optional()],
    )


class EmptyForm(FlaskForm):
    """Just the CSRF token, for one-button forms (withdraw)."""
