"""Where to send people next, without open redirects or POST-only addresses."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException


def _same_site_path(target: str) -> bool:
    parts = urlsplit(target)
    return (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
        # A newline or other control character would break the Location header.
        and target.isprintable()
    )


def page_route(path: str) -> tuple[str, dict[str, Any]] | None:
    """The endpoint and arguments of the page at ``path`` when it opens with GET;
    None for an unknown address or one that only takes a POST."""
    route = urlsplit(path).path
    root = request.script_root
    if root and route.startswith(root):
        route = route[len(root) :] or "/"
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        return adapter.match(route, method="GET")
    except HTTPException:  # 404, or 405 for a POST-only address
        return None


def safe_next(default_endpoint: str = "main.home", value: str | None = None) -> str:
    """A same-site page from ``next`` (form or query) that opens with GET, or the
    default page: never another site, never an address that only takes a POST."""
    target = value if value is not None else request.values.get("next", "")
    if _same_site_path(target) and page_route(target):
        return target
    return url_for(default_endpoint)


def page_came_from() -> str | None:
    """The page of this site the person was on when they sent this request.

    htmx names it in ``HX-Current-URL``; a plain form in the Referer. Only a page
    that opens with GET counts, so a return there never lands on a 405.
    """
    raw = request.headers.get("HX-Current-URL") or request.referrer
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if _same_site_path(path) and page_route(path):
        return path
    return None
