"""Shift forms: organizers add shifts; shape only, rules in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectChoice,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    ValidationError,
)

from hub.categories import (
    SERVICE_CATEGORY_LABELS,
    SKILL_LABELS,
    ServiceCategory,
    Skill,
)
from hub.organizations.forms import CheckboxesField
from hub.web.fields import (
    LocalDateTimeField,
    SelectField,
    WholeNumberField,
    required_text,
)


def _ends_after_start(form: FlaskForm, field: LocalDateTimeField) -> None:
    if form.starts_at.data and field.data and field.data <= form.starts_at.data:
        raise ValidationError(_l("The end must be after the start."))


class ShiftForm(FlaskForm):
    starts_at = LocalDateTimeField(
        _l("Starts"), validators=[DataRequired(message=_l("Choose when it starts."))]
    )
    ends_at = LocalDateTimeField(
        _l("Ends"),
        validators=[
            DataRequired(message=_l("Choose when it ends.")),
            _ends_after_start,
        ],
    )
    place = StringField(
        _l("Meeting place"),
        validators=[
            DataRequired(message=_l("Say where volunteers meet.")),
            Length(max=200, message=_l("At most %(max)d characters.")),
        ],
    )
    grid_id = SelectField(_l("Grid"), coerce=int, validators=[Optional()])
    capacity = WholeNumberField(
        _l("Places"),
        validators=[DataRequired(message=_l("How many volunteers are needed?"))],
        minimum=1,
        maximum=500,
        too_small=_l("At least %(min)d place."),
        too_large=_l("At most %(max)d places."),
        example=5,
    )
    required_skills = CheckboxesField(
        _l("Skills needed (optional)"),
        choices=[SelectChoice(s.value, SKILL_LABELS[s]) for s in Skill],
        validators=[Optional()],
    )
    repeat_weeks = WholeNumberField(
        _l("Repeat weekly for more weeks"),
        default=0,
        validators=[Optional()],
        minimum=0,
        maximum=26,
        too_small=_l("From 0 to 26 weeks."),
        too_large=_l("At most %(max)d more weeks."),
        example=4,
        description=_l(
            "0 for a single shift; 4 adds the same time on the next 4 weeks."
        ),
    )


class FindForm(FlaskForm):
    """Filters of the finding page, read from the query string."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    street = SelectField(_l("Street"), coerce=str, validators=[Optional()])
    community = SelectField(_l("Community"), coerce=str, validators=[Optional()])
    category = SelectField(
        _l("Type of service"),
        choices=[SelectChoice("", _l("All types"))]
        + [SelectChoice(c.value, SERVICE_CATEGORY_LABELS[c]) for c in ServiceCategory],
        validators=[Optional()],
    )
    when = SelectField(
        _l("When"),
        choices=[
            SelectChoice("", _l("Any day")),
            SelectChoice("today", _l("Today")),
            SelectChoice("week", _l("This week")),
        ],
        validators=[Optional()],
    )
    date = DateField(_l("Or on this date"), validators=[Optional()])


#: Reasons and messages are read on a phone (and go out by SMS): keep them short.
MAX_TEXT = 500
_SHORT = Length(max=MAX_TEXT, message=_l("At most %(max)d characters."))


class RemoveSignupForm(FlaskForm):
    """Organizers take someone off a shift; the person reads the reason."""

    reason = required_text(
        _l("Reason (they will read it)"),
        _l("Say why you remove them."),
        rows=2,
        max_length=MAX_TEXT,
    )


class ShiftMessageForm(FlaskForm):
    """A message to everyone confirmed or waiting on a shift."""

    text = required_text(
        _l("Message"),
        _l("Write the message."),
        max_length=MAX_TEXT,
        description=_l("Everyone signed up or waiting gets it in the app and by SMS."),
    )


class CancelShiftForm(FlaskForm):
    """Cancel a whole shift; everyone on it reads the reason."""

    reason = required_text(
        _l("Reason (everyone signed up will read it)"),
        _l("Say why the shift is cancelled."),
        rows=2,
        max_length=MAX_TEXT,
    )
