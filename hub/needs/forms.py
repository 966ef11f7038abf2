"""Need forms: shape only; who may do what and when lives in policy and services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hub.categories import SERVICE_CATEGORY_LABELS, ServiceCategory
from hub.models.needs import DESCRIPTION_MAX
from hub.web.fields import SelectField, required_text


def optional_int(value: Any) -> int | None:
    """A select's value as a number; the empty "choose…" entry as None."""
    if value in (None, ""):
        return None
    return int(value)


class NeedForm(FlaskForm):
    community_id = SelectField(
        _l("Community"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose your community."))],
    )
    grid_id = SelectField(
        _l("Grid (optional)"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l(
            "Your grid worker's area. Not sure? Leave it: the community's social "
            "worker will take care of it."
        ),
    )
    category = SelectField(
        _l("What kind of help"),
        choices=[
            SelectChoice(c.value, SERVICE_CATEGORY_LABELS[c]) for c in ServiceCategory
        ],
    )
    description = TextAreaField(
        _l("What do you need?"),
        validators=[
            DataRequired(message=_l("Say what you need.")),
            Length(max=DESCRIPTION_MAX, message=_l("At most %(max)d characters.")),
        ],
        description=_l(
            "For example: my 85-year-old neighbour lives alone and needs a weekly "
            "visit. Say where, and when suits you."
        ),
        render_kw={"rows": 6, "maxlength": DESCRIPTION_MAX},
    )
    photo = FileField(
        _l("Photo (optional)"),
        validators=[Optional()],
        description=_l("JPEG or PNG, at most 5 MB. A photo from your phone is fine."),
        render_kw={"accept": "image/jpeg,image/png"},
    )


class AssignForm(FlaskForm):
    target = SelectField(
        _l("Pass it to"),
        validators=[DataRequired(message=_l("Choose an organization or a project."))],
        description=_l(
            "Filed organizations that serve this community, and its projects "
            "recruiting or in progress."
        ),
    )
    note = TextAreaField(
        _l("Note for them (optional)"),
        validators=[
            Optional(),
            Length(max=1000, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"rows": 3, "maxlength": 1000},
    )


class DeclineForm(FlaskForm):
    reason = required_text(
        _l("Reason"),
        _l("Give the reason; the resident will read it."),
        max_length=1000,
    )


class HandBackForm(FlaskForm):
    reason = required_text(
        _l("Why you cannot take it on"),
        _l("Give the reason; the social worker will read it."),
        max_length=1000,
    )


class ResolveForm(FlaskForm):
    note = required_text(
        _l("What was done"),
        _l("Say what was done; the resident will read it."),
        max_length=1000,
    )


class ActionForm(FlaskForm):
    """A button with only its CSRF token (withdraw, accept)."""
