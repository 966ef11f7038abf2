"""What templates may call: can(), masked phone numbers, money, dates, languages."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from hub.audit_log.labels import action_label, state_label
from hub.i18n import LANGUAGES, html_lang, locale_code
from hub.money import format_money
from hub.permissions import (
    QUALIFICATION_LABELS,
    ROLE_LABELS,
    Permission,
    Qualification,
    Role,
)
from hub.phones import mask_mobile
from hub.web.htmx import add_vary
from hub.web.navigation import navigation_for
from hub.web.reasons import why_log_in

#: Object checks templates may name in can("name", obj); features register theirs.
POLICIES: dict[str, Any] = {}


def can(what: str | Permission, obj: Any = None) -> bool:
    """The same rule the server applies: a permission, or a named object policy."""
    if not current_user.is_authenticated:
        return False
    if obj is None and what in Permission._value2member_map_:
        return current_user.has_permission(Permission(what))
    policy = POLICIES[what]
    return bool(policy(current_user, obj))


def filesize(size: int) -> str:
    """Bytes as people read them: 820 KB, 1.4 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def init_templating(app: Flask) -> None:
    """Expose helpers to Jinja and mark every answer as varying by HX-Request."""
    app.after_request(add_vary)
    app.jinja_env.filters["mask_mobile"] = mask_mobile
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["money"] = format_money

    @app.context_processor
    def _globals() -> dict[str, Any]:
        locale = get_locale()
        return {
            "can": can,
            "action_label": action_label,
            "state_label": state_label,
            "role_label": lambda value: ROLE_LABELS[Role(value)],
            "qualification_label": lambda value: QUALIFICATION_LABELS[
                Qualification(value)
            ],
            "csrf_token_value": generate_csrf,
            "why_log_in": why_log_in,
            "languages": LANGUAGES,
            "current_locale": locale_code(locale),
            "html_lang": html_lang(locale) if locale else "zh-Hans-CN",
            "nav_items": navigation_for(current_user, request.endpoint or ""),
            "static_version": current_app.config.get("STATIC_VERSION", ""),
        }
