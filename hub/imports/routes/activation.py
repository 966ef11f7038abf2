"""The activation page: an imported volunteer chooses a password (hub/imports/tokens.py
makes and reads the links)."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    flash,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user

from hub.auth.services import current_consent_version
from hub.extensions import db, limiter
from hub.imports import forms, services
from hub.imports.tokens import BadActivation, user_for_token
from hub.web.access import public
from hub.web.htmx import see_other

bp = Blueprint("activation", __name__)


def _token_key() -> str:
    """Count tries per link (not per address: many people share a community Wi-Fi)."""
    token = (request.view_args or {}).get("token", "")
    return "activate:" + hashlib.sha256(token.encode()).hexdigest()[:24]


@bp.route("/activate/<token>", methods=["GET", "POST"])
@public
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_token_key)
@limiter.limit("200 per hour")  # per address: a whole class activating on one Wi-Fi
def activate(token: str):
    """Choose a password for an imported account, agree to the notice, log in."""
    try:
        user = user_for_token(token, lock=request.method == "POST")
    except BadActivation as e:
        return render_template("imports/activation_failed.html", reason=e.reason), 410
    form = forms.ActivationForm()
    if form.validate_on_submit():
        services.activate_account(
            user, password=form.password.data, consent_version=current_consent_version()
        )
        db.session.commit()
        login_user(user)
        flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
        return see_other(url_for("profiles.edit"))
    status = 422 if request.method == "POST" else 200
    return render_template("imports/activate.html", form=form, person=user), status
