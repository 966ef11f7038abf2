"""The profile form: shape only; the service holds the rules (guardians included)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    StringField,
)
from wtforms.validators import Length, Optional, ValidationError

from hub.auth.forms import MobileField, valid_mobile
from hub.categories import (
    SERVICE_CATEGORY_LABELS,
    SKILL_LABELS,
    ServiceCategory,
    Skill,
)
from hub.models.profiles import DAYS, PARTS
from hub.names import valid_name
from hub.organizations.forms import CheckboxesField
from hub.profiles.services import MAX_MONTHLY_HOURS, is_minor
from hub.web.fields import SelectField, WholeNumberField


class ProfileForm(FlaskForm):
    skills = CheckboxesField(
        _l("What can you do?"),
        choices=[SelectChoice(s.value, SKILL_LABELS[s]) for s in Skill],
        validators=[Optional()],
    )
    interests = CheckboxesField(
        _l("What do you care about?"),
        choices=[
            SelectChoice(c.value, SERVICE_CATEGORY_LABELS[c]) for c in ServiceCategory
        ],
        validators=[Optional()],
    )
    availability = CheckboxesField(
        _l("When are you usually free?"),
        coerce=int,
        choices=[SelectChoice(slot, str(slot)) for slot in range(DAYS * PARTS)],
        validators=[Optional()],
    )
    # Places: the choices are filled from the database for the chosen street and
    # community; a value of another place is dropped, not an error.
    street_id = SelectField(_l("Street"), validate_choice=False)
    home_community_id = SelectField(_l("Community"), validate_choice=False)
    home_grid_id = SelectField(_l("Grid"), validate_choice=False)
    monthly_hour_limit = WholeNumberField(
        _l("Hours a month, at most (optional)"),
        validators=[Optional()],
        minimum=1,
        maximum=MAX_MONTHLY_HOURS,
        too_small=_l("At least %(min)d hour a month, or leave it empty."),
        too_large=_l("At most %(max)d hours a month."),
        example=20,
        description=_l("We will not suggest more than this. Leave empty for no limit."),
    )
    birth_date = DateField(
        _l("Date of birth"),
        validators=[Optional()],
        description=_l("Volunteers under 18 need a guardian's consent."),
    )
    guardian_name = StringField(
        _l("Guardian's name"),
        validators=[
            Length(max=60, message=_l("At most %(max)d characters.")),
            valid_name,
        ],
        render_kw={"autocomplete": "off"},
    )
    guardian_mobile = MobileField(
        _l("Guardian's mobile number"),
        validators=[valid_mobile],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    guardian_consent = BooleanField(
        _l("My guardian agrees that I volunteer, and to be called about it.")
    )

    def validate_home_community_id(self, field: SelectField) -> None:
        # Home is a community: a street alone would be dropped on saving, so the
        # page keeps it and asks for the community instead. (Where there is one
        # street it is chosen for the person, and says nothing.)
        chose_a_street = self.street_id.data and len(self.street_id.choices) > 2
        if chose_a_street and not field.data:
            raise ValidationError(
                _l(
                    "Choose your community in this street too, or choose no street "
                    "if you would rather not say."
                )
            )

    def validate_guardian_name(self, field: StringField) -> None:
        if self._minor() and not (field.data or "").strip():
            raise ValidationError(_l("Under 18: enter your guardian's name."))

    def validate_guardian_mobile(self, field: MobileField) -> None:
        if self._minor() and not (field.data or "").strip():
            raise ValidationError(_l("Under 18: enter your guardian's mobile number."))

    def validate_guardian_consent(self, field: BooleanField) -> None:
        if self._minor() and not field.data:
            raise ValidationError(_l("Under 18: your guardian's consent is needed."))

    def _minor(self) -> bool:
        return is_minor(self.birth_date.data)


def as_int(value: str | None) -> int | None:
    """A submitted id, or None when it cannot be one."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return int(value)
