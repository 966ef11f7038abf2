"""A failed htmx request answers with a message shown in place (a toast).

htmx swaps nothing for a 4xx or 5xx (see the htmx-config in base.html) except
out-of-band content, so the toast arrives out of band into ``#toasts`` and the
page stays as it was. Failures the server never sees (no connection) are shown
by static/js/toasts.js from messages base.html renders.
"""

from __future__ import annotations

from flask import current_app

#: Kinds of toast; the script uses them not to announce the same one twice.
KINDS = frozenset(
    {"session", "expired", "forbidden", "missing", "limit", "failed", "large"}
)


def toast(
    message: str,
    *,
    status: int,
    kind: str,
    title: str | None = None,
    link: str | None = None,
    link_label: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[str, int, dict[str, str]]:
    """The answer to a failed htmx request: its status, and a toast out of band."""
    if kind not in KINDS:
        raise ValueError(kind)
    # Rendered without the context processors: a toast must show even when the
    # database (which the navigation reads) is the thing that failed.
    body = current_app.jinja_env.get_template("components/_toast.html").render(
        message=message,
        kind=kind,
        title=title,
        link=link,
        link_label=link_label,
    )
    return body, status, dict(headers or {})
