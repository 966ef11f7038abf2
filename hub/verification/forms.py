"""Forms of the street's account pages: find an account, move it, decide."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hub.auth.forms import MobileField, valid_mobile
from hub.web.fields import required_text

REASON_MAX = 500
_MOBILE_KW = {"autocomplete": "off", "inputmode": "tel"}


def _current_mobile() -> MobileField:
    return MobileField(
        _l("The account's mobile number now"),
        validators=[
            DataRequired(message=_l("Enter the number the account uses now.")),
            valid_mobile,
        ],
        description=_l("The old number, in full, as the person tells you."),
        render_kw=_MOBILE_KW,
    )


def _nfkc(value: str | None) -> str | None:
    """Full-width letters and digits typed on Chinese IMEs, as plain ones."""
    return unicodedata.normalize("NFKC", value).strip() if value else value


class FindForm(FlaskForm):
    """Step one: whose account, by the number it is on now."""

    mobile = _current_mobile()


class RecoveryForm(FlaskForm):
    """Step two: the new number and how the reviewer knows the person."""

    mobile = _current_mobile()
    new_mobile = MobileField(
        _l("New mobile number"),
        validators=[
            DataRequired(message=_l("Enter the new mobile number.")),
            valid_mobile,
        ],
        description=_l("The person's new phone gets an SMS once it is approved."),
        render_kw=_MOBILE_KW,
    )
    reason = required_text(
        _l("How do you know it is this person?"),
        _l("Say how you checked who the person is."),
        max_length=REASON_MAX,
        description=_l("For example: saw the ID card at the office."),
        filters=[_nfkc],
    )


class ApproveForm(FlaskForm):
    """Approve, with an optional note."""

    note = TextAreaField(
        _l("Note (optional)"),
        validators=[
            Optional(),
            Length(max=REASON_MAX, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"rows": 2, "maxlength": REASON_MAX},
        filters=[_nfkc],
    )


class DeclineForm(FlaskForm):
    """Decline, always with the reason."""

    reason = required_text(
        _l("Why decline?"),
        _l("Give the reason for declining."),
        max_length=REASON_MAX,
        filters=[_nfkc],
    )
