"""Account pages: password sign-in here, codes (register, sign in, reset) beside."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from hub.auth.routes import assisted, codes, password  # noqa: E402, F401 - routes
