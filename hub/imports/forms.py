"""Import forms: the uploaded file, and the activation password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, InputRequired

from hub.auth.forms import strong_password


class UploadForm(FlaskForm):
    file = FileField(
        _l("List of volunteers"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
        description=_l(
            "Excel (.xlsx) or CSV, at most 2 MB and 5,000 rows. Columns: 姓名, "
            "手机号, 社区, and if you like 网格 and 技能 (separated by 、)."
        ),
        render_kw={
            "accept": ".xlsx,.csv,text/csv,"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )


class ActivationForm(FlaskForm):
    password = PasswordField(
        _l("Choose a password"),
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


class EmptyForm(FlaskForm):
    """Only the CSRF token, for the confirm and discard buttons."""
