"""Privacy forms: asking for the password again before giving out or erasing data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, InputRequired


class PasswordAgainForm(FlaskForm):
    """Your password once more: whoever holds your unlocked phone is not you."""

    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )


class DeleteAccountForm(PasswordAgainForm):
    understood = BooleanField(
        _l("I understand that my account cannot be restored"),
        validators=[DataRequired(message=_l("Tick this to confirm."))],
    )
