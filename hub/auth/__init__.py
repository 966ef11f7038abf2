"""Accounts: registration, login, sessions, passwords, preferences."""

from __future__ import annotations

import secrets

from flask import Flask
from sqlalchemy.orm import joinedload

from hub.extensions import db, login_manager


def init_auth(app: Flask) -> None:
    """Configure Flask-Login: the cookie names the account and its session nonce."""
    from flask_babel import lazy_gettext as _l

    from hub.audit_log.labels import register_action_labels
    from hub.models import User

    register_action_labels(
        {
            "account.verified": _l("Mobile number proved with a code"),
            "account.password_reset": _l("Password reset with a code"),
            "account.mobile_changed": _l("Mobile number changed"),
            "account.enable": _l("Account enabled"),
            "account.disable": _l("Account disabled"),
            "account.assisted_register": _l("Resident registered by a social worker"),
            "role.grant": _l("Role granted"),
            "role.revoke": _l("Role revoked"),
        }
    )
    from hub.auth.policy import can_assist_registration
    from hub.notifications.messages import register_kind
    from hub.web.templating import POLICIES

    POLICIES["assist_registration"] = can_assist_registration
    register_kind(
        "account_assisted",
        _l(
            "A social worker of %(community)s registered you on 善治 Hub. Log in "
            "with your number and a code, then choose a password."
        ),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        raw_id, _, nonce = user_id.partition(":")
        if not raw_id.isdigit() or not nonce:
            return None
        # The roles with the person, in one query: every page checks them.
        user = db.session.get(User, int(raw_id), options=[joinedload(User.grants)])
        if user is None or not user.active:
            return None
        # Sessions from before numbers were proved end: the next sign-in asks for
        # a code once, so every signed-in person holds their number.
        if user.mobile_verified_at is None:
            return None
        if not secrets.compare_digest(user.session_nonce, nonce):
            return None
        return user
