"""Hours forms: shape only (digits, numbers, dates); the rules on entered hours are
``hub.hours.rules``, which the services apply on every path."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import (
    DataRequired,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from hub.hours import rules
from hub.hours.messages import entry_message
from hub.phones import normalize_mobile
from hub.web.fields import required_text

#: Hours as people write them: 2, 2.5, .5, +1, -0.25 (after NFKC: １.５ → 1.5).
_HOURS = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class HoursField(StringField):
    """Hours as typed (1.5, 0.25, -0.5, full-width digits); ``data`` is minutes.

    Only plain decimal numbers are read (no 1e1, NaN, 1_0); what they may be is
    ``hub.hours.rules.check_minutes``, the rule the services apply too.
    """

    def __init__(self, *args: Any, signed: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {}).setdefault(
            "inputmode", "text" if signed else "decimal"
        )
        self.signed = signed
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data / 60:g}" if isinstance(self.data, int) else ""

    def pre_validate(self, form: FlaskForm) -> None:
        # What was typed could not be read: keep that message, not "required".
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist: list[str]) -> None:
        text = unicodedata.normalize("NFKC", valuelist[0] if valuelist else "").strip()
        # A minus sign (U+2212) and the ideographic full stop some IMEs type for ".".
        text = text.replace("\u2212", "-").replace("\u3002", ".")
        if not text:
            self.data = None
            return
        self.data = None
        if not _HOURS.fullmatch(text):
            raise ValueError(_("Enter hours as a number, such as 1.5."))
        try:
            self.data = rules.check_minutes(Decimal(text) * 60, signed=self.signed)
        except rules.BadEntry as e:
            raise ValueError(entry_message(e)) from e


def _mobile(form: FlaskForm, field: StringField) -> None:
    number = normalize_mobile(field.data)
    if number is None:
        raise ValidationError(_l("Enter a mainland mobile number, 11 digits."))
    field.data = number


def _code_as_typed(value: str | None) -> str | None:
    """The digits people type: full-width ones (NFKC), spaces or dashes between
    (the screen shows "170 618")."""
    if value is None:
        return None
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value))


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code shown by the organizer"),
        filters=[_code_as_typed],
        validators=[
            DataRequired(message=_l("Type the 6 digits shown on the screen.")),
            Regexp(r"^[0-9]{6}$", message=_l("The code has 6 digits.")),
        ],
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "maxlength": 12,
        },
    )


class WalkInForm(FlaskForm):
    mobile = StringField(
        _l("Mobile number of the person"),
        description=_l("They must already have an account."),
        validators=[DataRequired(message=_l("Enter their mobile number.")), _mobile],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )


class BackfillForm(FlaskForm):
    mobile = StringField(
        _l("Volunteer's mobile number"),
        validators=[DataRequired(message=_l("Enter their mobile number.")), _mobile],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    served_on = DateField(
        _l("Day of the service"),
        validators=[DataRequired(message=_l("Choose the day."))],
    )
    hours = HoursField(
        _l("Hours"),
        validators=[DataRequired(message=_l("How many hours?"))],
    )
    reason = required_text(
        _l("Why are they entered after the fact?"), _l("Give a reason.")
    )


class AdjustForm(FlaskForm):
    hours = HoursField(
        _l("Change in hours"),
        signed=True,
        description=_l("Add with a number (0.5), take away with a minus (-0.5)."),
        validators=[DataRequired(message=_l("How many hours to add or take away?"))],
    )
    reason = required_text(_l("Reason for the correction"), _l("Give a reason."))


class ReasonForm(FlaskForm):
    reason = required_text(_l("Reason"), _l("Give a reason."))


class DisputeForm(FlaskForm):
    reason = required_text(
        _l("What is wrong with this record?"),
        _l("Say what is wrong, for example the time you left."),
    )


class ResolveForm(FlaskForm):
    resolution = required_text(_l("Your answer"), _l("Write your answer."))
    hours = HoursField(
        _l("Correct the hours by (optional)"),
        signed=True,
        description=_l("Leave empty if the record was right."),
        validators=[Optional()],
    )


class CertificateForm(FlaskForm):
    start = DateField(
        _l("From"), validators=[DataRequired(message=_l("Choose the first day."))]
    )
    end = DateField(
        _l("To"), validators=[DataRequired(message=_l("Choose the last day."))]
    )

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The last day cannot be before the first."))


def per_item(
    form_class: type[FlaskForm], prefix: str, failed: dict[int, FlaskForm] | None
) -> Callable[[int], FlaskForm]:
    """A form per listed item (own field ids); the one that failed keeps its text."""

    def make(item_id: int) -> FlaskForm:
        if failed and item_id in failed:
            return failed[item_id]
        return form_class(formdata=None, prefix=f"{prefix}-{item_id}")

    return make
