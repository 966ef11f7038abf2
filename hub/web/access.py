"""Route access: every view declares a permission or says it is public."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from hub.permissions import Permission
from hub.web.htmx import is_htmx

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute set on view functions; a test checks that every endpoint has one.
ACCESS_ATTR = "_hub_access"


def login_redirect() -> Any:
    """Send an anonymous visitor to log in, and back here afterwards."""
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if is_htmx():
        from flask import Response

        response = Response(status=204)
        response.headers["HX-Redirect"] = target
        return response
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
