"""Helpers for serving one URL as a full page or as an htmx fragment."""

from __future__ import annotations

from flask import Response, redirect, request


def is_htmx() -> bool:
    """True when htmx wants a fragment (not boosted, not a history restore)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def see_other(location: str) -> Response:
    """After a mutation: htmx follows HX-Redirect, a plain form gets 303 See Other."""
    if is_htmx():
        response = Response(status=204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def add_vary(response: Response) -> Response:
    """Every answer may differ by HX-Request; tell caches so."""
    response.vary.add("HX-Request")
    return response
