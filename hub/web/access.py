"""Route access: every view declares a permission or says it is public."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hub.permissions import Permission
from hub.web.htmx import is_htmx
from hub.web.toasts import toast
from hub.web.urls import page_came_from, safe_next

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute set on view functions; a test checks that every endpoint has one.
ACCESS_ATTR = "_hub_access"


def protected_endpoint() -> bool:
    """True when this request's page is for signed-in people only."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, ACCESS_ATTR, "public") != "public"


def return_page() -> str | None:
    """Where to come back after signing in: this page when it is one (a GET),
    else the page the request was sent from; never a POST-only address."""
    if request.method in ("GET", "HEAD") and not is_htmx():
        here = request.full_path.rstrip("?")
        return here if safe_next(value=here) == here else None
    return page_came_from()


def login_redirect() -> Any:
    """Send an anonymous visitor to log in, and back afterwards to the page they
    were on. htmx gets a message in place with the sign-in link; nothing changes."""
    back = return_page()
    target = url_for("auth.login", next=back) if back else url_for("auth.login")
    if is_htmx():
        return toast(
            _(
                "You are logged out, so nothing was done. "
                "Log in and you come back to this page."
            ),
            status=401,
            kind="session",
            link=target,
            link_label=_("Log in"),
        )
    if request.method not in ("GET", "HEAD"):
        flash(
            _("You were logged out, so nothing was done. Log in and try again."),
            "warning",
        )
    return redirect(target)


def requires(permission: Permission) -> Callable[[F], F]:
    """Allow only logged-in users holding ``permission``; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_redirect()
            if not current_user.has_permission(permission):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTR, permission)
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Mark a view as open to everyone, logged in or not."""
    setattr(view, ACCESS_ATTR, "public")
    return view
