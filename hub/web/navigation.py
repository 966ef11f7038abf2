"""The bottom navigation: at most five labelled items, chosen by role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from hub.permissions import Permission


@dataclass(frozen=True)
class NavItem:
    label: Any
    endpoint: str
    icon: str
    current: bool

    @property
    def url(self) -> str:
        return url_for(self.endpoint)


#: (label, endpoint, icon, permission needed or None for everyone logged in)
_ITEMS = [
    (_l("Home"), "main.home", "home", None),
    (_l("Manage"), "admin.places", "grid", Permission.PLACES_MANAGE),
    (_l("Me"), "auth.account", "user", None),
]


def navigation_for(user: Any, endpoint: str) -> list[NavItem]:
    """The items this person sees, the current one marked."""
    if not user or not user.is_authenticated:
        return []
    items = []
    section = endpoint.split(".")[0]
    for label, target, icon, permission in _ITEMS:
        if permission is not None and not user.has_permission(permission):
            continue
        current = endpoint == target or (
            target != "main.home" and section == target.split(".")[0]
        )
        items.append(NavItem(label, target, icon, current))
    return items[:5]
