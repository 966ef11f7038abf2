"""Activation links for imported accounts: signed, expiring, usable once.

The link carries the account id and its session nonce, signed with the app's
secret (its own salt) and stamped with the time. Activating changes the nonce, so
the same link never works twice; disabling the account changes it too.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import (
    Blueprint,
    current_app,
    flash,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hub.auth.services import current_consent_version
from hub.errors import DomainError
from hub.extensions import db, limiter
from hub.imports import forms, services
from hub.models import User
from hub.web.access import public
from hub.web.htmx import see_other

SALT = "hub.imports.activation"
#: How long an activation link works.
MAX_AGE_DAYS = 14

bp = Blueprint("activation", __name__)


def _token_key() -> str:
    """Count tries per link (not per address: many people share a community Wi-Fi)."""
    token = (request.view_args or {}).get("token", "")
    return "activate:" + hashlib.sha256(token.encode()).hexdigest()[:24]


class BadActivation(DomainError):
    """The link is damaged, expired, or already used; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid" | "expired" | "used"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def activation_token(user: User) -> str:
    """A token naming this account in its current (not yet activated) state."""
    return _serializer().dumps({"u": user.id, "n": user.session_nonce})


def activation_link(user: User) -> str:
    """The full link sent by SMS."""
    return url_for("activation.activate", token=activation_token(user), _external=True)


def user_for_token(
    token: str, *, max_age: int | None = None, lock: bool = False
) -> User:
    """The account the token was made for, if it is still waiting for activation.

    ``lock`` holds the account's row (PostgreSQL) so two tabs cannot both use it.
    """
    try:
        payload = _serializer().loads(
            token, max_age=max_age or MAX_AGE_DAYS * 24 * 3600
        )
    except SignatureExpired as e:
        raise BadActivation("expired") from e
    except BadSignature as e:
        raise BadActivation("invalid") from e
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise BadActivation("invalid")
    user = db.session.get(User, payload["u"], with_for_update=lock or None)
    if user is None:
        raise BadActivation("invalid")
    if services.has_usable_password(user) or not secrets.compare_digest(
        user.session_nonce, str(payload.get("n", ""))
    ):
        raise BadActivation("used")
    return user


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
