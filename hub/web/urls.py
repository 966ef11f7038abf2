"""Where to send people next, without open redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next(default_endpoint: str = "main.home", value: str | None = None) -> str:
    """A same-site path from ``next`` (form or query), or the default page."""
    target = value if value is not None else request.values.get("next", "")
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
        # A newline or other control character would break the Location header.
        and target.isprintable()
    ):
        return target
    return url_for(default_endpoint)
