"""Admin forms: places and role grants."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from hub.names import valid_name
from hub.permissions import (
    QUALIFICATION_LABELS,
    ROLE_LABELS,
    Qualification,
    Role,
)
from hub.web.fields import SelectField

_NAME = [
    DataRequired(message=_l("Enter a name.")),
    Length(max=60, message=_l("At most %(max)d characters.")),
    valid_name,
]


class StreetForm(FlaskForm):
    name = StringField(_l("Street name"), validators=_NAME)
    code = StringField(
        _l("Street code"),
        validators=[
            DataRequired(message=_l("Enter a code.")),
            Regexp(
                r"^[A-Za-z]{2,8}$",
                message=_l("2 to 8 Latin letters, e.g. XW; used in filing numbers."),
            ),
        ],
        description=_l("2 to 8 letters, used in filing numbers (XW-2026-0042)."),
    )


class NameForm(FlaskForm):
    name = StringField(_l("Name of the place"), validators=_NAME)


class GrantForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role],
        validators=[DataRequired(message=_l("Choose a role."))],
    )
    street_id = SelectField(_l("Street"), coerce=int, validators=[Optional()])
    community_id = SelectField(_l("Community"), coerce=int, validators=[Optional()])
    organization_id = SelectField(
        _l("Organization"), coerce=int, validators=[Optional()]
    )
    qualification = SelectField(
        _l("Qualification (social workers)"),
        choices=[SelectChoice(q.value, QUALIFICATION_LABELS[q]) for q in Qualification],
        default=Qualification.NONE.value,
    )


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # the app-wide CSRF check covers the POST; it changes nothing

    q = StringField(_l("Name or mobile number"), validators=[Optional()])
