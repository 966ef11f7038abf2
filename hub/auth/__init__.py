"""Accounts: registration, login, sessions, passwords, preferences."""

from __future__ import annotations

import secrets

from flask import Flask
from sqlalchemy.orm import joinedload

from hub.extensions import db, login_manager


def init_auth(app: Flask) -> None:
    """Configure Flask-Login: the cookie names the account and its session nonce."""
    from hub.models import User

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
        if not secrets.compare_digest(user.session_nonce, nonce):
            return None
        return user
