"""Activation links for imported accounts: signed, expiring, usable once.

The link carries the account id and its session nonce, signed with the app's
secret (its own salt) and stamped with the time. Activating changes the nonce, so
the same link never works twice; disabling the account changes it too.
"""

from __future__ import annotations

import secrets

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hub.errors import DomainError
from hub.extensions import db
from hub.imports import services
from hub.models import User

SALT = "hub.imports.activation"
#: How long an activation link works.
MAX_AGE_DAYS = 14


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
