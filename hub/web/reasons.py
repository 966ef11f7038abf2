"""Why the login page was reached: what the person was about to do.

A feature names the reason for its own pages (``@login_reason("checkin.scan")``,
"log in to check in to …"); any other page the person will come back to gets a
general "log in to continue". The login and register pages show it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_babel import gettext as _

from hub.web.urls import page_route, safe_next

#: Endpoint → a function of the page's URL arguments saying why to log in.
REASONS: dict[str, Callable[..., str | None]] = {}


def login_reason(endpoint: str) -> Callable[[Callable[..., str | None]], Any]:
    """Register why someone coming back to ``endpoint`` is asked to log in."""

    def register(explain: Callable[..., str | None]) -> Callable[..., str | None]:
        REASONS[endpoint] = explain
        return explain

    return register


def why_log_in() -> str | None:
    """The reason for this login page, from its ``next`` (None without one)."""
    value = request.args.get("next")
    if not value or safe_next(value=value) != value:
        return None
    endpoint, arguments = page_route(value) or ("main.home", {})
    if endpoint == "main.home":
        return None
    explain = REASONS.get(endpoint)
    said = explain(**arguments) if explain else None
    return said or _("Log in to continue. Afterwards you come back to where you were.")
