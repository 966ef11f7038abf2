"""Account forms: shape checks only; business rules live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from hub.auth.passwords import MIN_LENGTH, is_common
from hub.names import valid_name
from hub.phones import normalize_mobile
from hub.verification.codes import clean


class MobileField(StringField):
    """A mainland mobile number; ``normalized`` holds the 11 digits once valid."""

    normalized: str | None = None

    def pre_validate(self, form: FlaskForm) -> None:
        self.normalized = normalize_mobile(self.data)


def valid_mobile(form: FlaskForm, field: MobileField) -> None:
    if field.data and field.normalized is None:
        raise ValidationError(
            _l("Enter an 11-digit mainland mobile number, such as 138 1234 5678.")
        )


def strong_password(form: FlaskForm, field: PasswordField) -> None:
    if len(field.data or "") < MIN_LENGTH:
        raise ValidationError(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if is_common(field.data):
        raise ValidationError(
            _l("This password is too common and easy to guess. Choose another.")
        )


_REQUIRED_MOBILE = DataRequired(message=_l("Enter your mobile number."))
_REQUIRED_PASSWORD = InputRequired(message=_l("Enter your password."))


class NumberForm(FlaskForm):
    """Step one of every code: the number, and a challenge answer when asked."""

    mobile = MobileField(
        _l("Mobile number"),
        validators=[_REQUIRED_MOBILE, valid_mobile],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    challenge = StringField(
        _l("The four digits in the picture"),
        render_kw={"autocomplete": "off", "inputmode": "numeric", "maxlength": 8},
    )


def six_digits(form: FlaskForm, field: StringField) -> None:
    digits = clean(field.data)
    if not (digits.isdigit() and len(digits) == 6):
        raise ValidationError(_l("The code has 6 digits, such as 123456."))


class CodeForm(FlaskForm):
    """The code from the SMS; full-width digits and spaces are accepted."""

    code = StringField(
        _l("Verification code"),
        validators=[
            DataRequired(message=_l("Enter the code from the SMS.")),
            six_digits,
        ],
        description=_l("6 digits, sent to you by SMS; valid for 5 minutes."),
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "maxlength": 12,
        },
    )


class DetailsForm(FlaskForm):
    """The last step of registering, once the number is proved."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Enter your name.")),
            Length(max=60, message=_l("At most %(max)d characters.")),
            valid_name,
        ],
        description=_l("Your full name, as on your ID card."),
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Choose a password.")), strong_password],
        description=_l("At least 8 characters; avoid common ones like 12345678."),
        render_kw={"autocomplete": "new-password"},
    )
    consent = BooleanField(
        _l("I have read and agree to the privacy notice"),
        validators=[
            DataRequired(message=_l("Please agree to the privacy notice to register."))
        ],
    )


class ActivateForm(FlaskForm):
    """Open an account an organization registered: a password and consent."""

    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Choose a password.")), strong_password],
        description=_l("At least 8 characters; avoid common ones like 12345678."),
        render_kw={"autocomplete": "new-password"},
    )
    consent = BooleanField(
        _l("I have read and agree to the privacy notice"),
        validators=[
            DataRequired(message=_l("Please agree to the privacy notice to register."))
        ],
    )


class NewPasswordForm(FlaskForm):
    new = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(message=_l("Choose a new password.")),
            strong_password,
        ],
        description=_l("At least 8 characters; avoid common ones like 12345678."),
        render_kw={"autocomplete": "new-password"},
    )


class ChangeNumberForm(FlaskForm):
    mobile = MobileField(
        _l("New mobile number"),
        validators=[_REQUIRED_MOBILE, valid_mobile],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    password = PasswordField(
        _l("Your password"),
        validators=[_REQUIRED_PASSWORD],
        render_kw={"autocomplete": "current-password"},
    )
    challenge = StringField(
        _l("The four digits in the picture"),
        render_kw={"autocomplete": "off", "inputmode": "numeric", "maxlength": 8},
    )


class LoginForm(FlaskForm):
    mobile = MobileField(
        _l("Mobile number"),
        validators=[_REQUIRED_MOBILE, valid_mobile],
        render_kw={"autocomplete": "username", "inputmode": "tel"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[_REQUIRED_PASSWORD],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this phone"))
    challenge = StringField(
        _l("The four digits in the picture"),
        render_kw={"autocomplete": "off", "inputmode": "numeric", "maxlength": 8},
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[_REQUIRED_PASSWORD],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(message=_l("Choose a new password.")),
            strong_password,
        ],
        description=_l("At least 8 characters; avoid common ones like 12345678."),
        render_kw={"autocomplete": "new-password"},
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""


class ResidentNumberForm(FlaskForm):
    """Assisted registration, step one: the resident's own mobile number."""

    mobile = MobileField(
        _l("The resident's mobile number"),
        validators=[
            DataRequired(message=_l("Enter the resident's mobile number.")),
            valid_mobile,
        ],
        description=_l("The code goes to this phone; the resident reads it out."),
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )


class ResidentDetailsForm(DetailsForm):
    """Assisted registration, last step: the resident's name and their consent,
    ticked by the resident on the worker's phone. No password: the resident
    chooses one on their own phone."""

    password = None
    consent = BooleanField(
        _l("I, the person being registered, have read and agree to the privacy notice"),
        validators=[
            DataRequired(
                message=_l(
                    "The resident must read and agree to the privacy notice themselves."
                )
            )
        ],
    )
