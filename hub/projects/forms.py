"""Project forms: shape only; the lifecycle rules live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from hub.categories import SERVICE_CATEGORY_LABELS, ServiceCategory
from hub.models.evaluations import Conclusion
from hub.models.projects import Funding
from hub.projects.labels import CONCLUSION_LABELS, FUNDING_LABELS
from hub.web.fields import MoneyField, SelectField, required_text

_LONG = Length(max=2000, message=_l("At most %(max)d characters."))


def _period_in_order(form: FlaskForm, field: DateField) -> None:
    start = form.period_start.data
    if start and field.data and field.data < start:
        raise ValidationError(_l("The end date must not be before the start date."))


class ProjectForm(FlaskForm):
    title = StringField(
        _l("Project title"),
        validators=[
            DataRequired(message=_l("Give the project a title.")),
            Length(max=120, message=_l("At most %(max)d characters.")),
        ],
    )
    category = SelectField(
        _l("Service category"),
        choices=[
            SelectChoice(c.value, SERVICE_CATEGORY_LABELS[c]) for c in ServiceCategory
        ],
    )
    community_id = SelectField(
        _l("Community"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose the community."))],
        description=_l(
            "A social worker of this community will be asked to coordinate."
        ),
    )
    funding = SelectField(
        _l("Funding"),
        choices=[
            SelectChoice(f.value, FUNDING_LABELS[f])
            for f in Funding
            if f != Funding.TENDER
        ],
    )
    amount = MoneyField(
        _l("Budget in yuan (optional)"),
        validators=[Optional()],
    )
    period_start = DateField(
        _l("Starts on"), validators=[DataRequired(message=_l("Choose a start date."))]
    )
    period_end = DateField(
        _l("Ends on"),
        validators=[DataRequired(message=_l("Choose an end date.")), _period_in_order],
    )
    place = StringField(
        _l("Where"),
        validators=[
            Optional(),
            Length(max=200, message=_l("At most %(max)d characters.")),
        ],
        description=_l("For example: 锁三社区活动室, 3rd floor."),
    )
    description = TextAreaField(
        _l("What volunteers will do"),
        validators=[Optional(), _LONG],
        render_kw={"rows": 6},
    )


class TenderProjectForm(FlaskForm):
    """A project that came from an award: its contract fixes community and amount."""

    title = ProjectForm.title
    period_start = ProjectForm.period_start
    period_end = ProjectForm.period_end
    place = ProjectForm.place
    description = ProjectForm.description


class LinkageForm(FlaskForm):
    social_worker_id = SelectField(
        _l("Social worker to coordinate"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose a social worker."))],
    )


class ReasonForm(FlaskForm):
    reason = required_text(
        _l("Reason"), _l("Give the reason; everyone involved will read it.")
    )


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), _LONG], render_kw={"rows": 3}
    )


class MeetingForm(FlaskForm):
    """The evaluation meeting (成效评议会) the street held on a completed project."""

    held_on = DateField(
        _l("Held on"), validators=[DataRequired(message=_l("Choose the date."))]
    )
    attendees = TextAreaField(
        _l("Attendees"),
        validators=[DataRequired(message=_l("List who attended.")), _LONG],
        description=_l(
            "Names and roles: residents' representatives, street, social workers."
        ),
        render_kw={"rows": 3},
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[
            DataRequired(message=_l("Summarise what the meeting found.")),
            _LONG,
        ],
        render_kw={"rows": 5},
    )
    conclusion = RadioField(
        _l("Conclusion"),
        choices=[SelectChoice(c.value, CONCLUSION_LABELS[c]) for c in Conclusion],
        validators=[DataRequired(message=_l("Choose the conclusion."))],
        description=_l(
            "不合格 bars the organization from purchase needs for 12 months."
        ),
    )
