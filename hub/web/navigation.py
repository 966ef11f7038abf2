"""The bottom navigation: at most five labelled items, chosen by role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import g, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l

from hub.notifications.services import unread_count
from hub.permissions import Permission


def unread_messages(user: Any) -> int:
    """This person's unread notifications, counted once per request."""
    if "unread_messages" not in g:
        g.unread_messages = unread_count(user)
    return g.unread_messages


def badge_text(count: int) -> str:
    """What a badge shows: the count, or 99+."""
    return "99+" if count > 99 else str(count)


@dataclass(frozen=True)
class NavItem:
    label: Any
    endpoint: str
    icon: str
    current: bool
    #: Counts what the badge shows; called only if the page shows the navigation.
    counter: Callable[[], int] | None = None

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def badge(self) -> int:
        return self.counter() if self.counter is not None else 0

    @property
    def badge_text(self) -> str:
        return badge_text(self.badge)


#: (label, endpoint, icon, permission needed or None for everyone logged in, badge)
_ITEMS = [
    (_l("Home"), "main.home", "home", None, None),
    (_l("Find"), "finding.index", "search", None, None),
    (_l("Review"), "review.queue", "check", Permission.FILINGS_REVIEW, None),
    (
        _l("Coordinate"),
        "projects.coordination",
        "link",
        Permission.PROJECTS_COORDINATE,
        None,
    ),
    (
        _l("My org."),
        "organizations.mine",
        "org",
        Permission.ORGANIZATIONS_MANAGE,
        None,
    ),
    (_l("Manage"), "admin.places", "grid", Permission.PLACES_MANAGE, None),
    (_l("My shifts"), "shifts.mine", "calendar", Permission.SHIFTS_SIGNUP, None),
    (_l("Messages"), "notifications.index", "bell", None, unread_messages),
    (_l("Me"), "auth.account", "user", None, None),
]
#: Phones have room for five labelled items.
MAX_ITEMS = 5
#: Room for role items between Home · Find and Messages · Me.
MAX_ROLE_ITEMS = MAX_ITEMS - sum(1 for item in _ITEMS if item[3] is None)


def navigation_for(user: Any, endpoint: str) -> list[NavItem]:
    """The items this person sees, the current one marked."""
    if not user or not user.is_authenticated:
        return []
    items = []
    section = endpoint.split(".")[0]
    path = request.path if has_request_context() else ""
    role_items = 0
    for label, target, icon, permission, count in _ITEMS:
        if permission is not None:
            if role_items == MAX_ROLE_ITEMS or not user.has_permission(permission):
                continue
            role_items += 1
        current = (
            endpoint == target
            or (target != "main.home" and section == target.split(".")[0])
            or (target == "review.queue" and path.startswith("/review/"))
        )
        counter = partial(count, user) if count is not None else None
        items.append(NavItem(label, target, icon, current, counter))
    return items
