"""Friendly error pages: 403, 404, 429 (with when to retry), 500, 503."""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, flash, render_template, request
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from hub.extensions import db, limiter
from hub.web.htmx import is_htmx, see_other

log = logging.getLogger(__name__)


def _page(  # noqa: ANN202
    status: int,
    title: str,
    message: str,
    retry_after: int | None = None,
    retry_at: str | None = None,
):
    context = {
        "status": status,
        "title": title,
        "message": message,
        "retry_after": retry_after,
        "retry_at": retry_at,
    }
    try:
        body = render_template("errors/error.html", **context)
    except Exception:  # noqa: BLE001 - e.g. the database is down while loading the user
        log.exception("error page fell back to the bare template")
        # The bare page needs neither the user nor the database.
        body = current_app.jinja_env.get_template("errors/bare.html").render(**context)
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return body, status, headers


def _retry_seconds() -> int:
    """Seconds until the limit that was hit lets a request through again."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def _rate_limited():  # noqa: ANN202
    """429: how long to wait and the local time to try again; htmx gets a toast."""
    retry = _retry_seconds()
    minutes = max(1, math.ceil(retry / 60))
    at = datetime.now(UTC) + timedelta(seconds=retry)
    # Shown to the minute, rounded up, so that trying at the time shown works.
    at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    title = _("Too many attempts")
    message = ngettext(
        "Please wait %(num)d minute and try again.",
        "Please wait %(num)d minutes and try again.",
        minutes,
    )
    retry_at = _("You can try again after %(time)s.", time=format_datetime(at, "HH:mm"))
    headers = {"Retry-After": str(retry)}
    if is_htmx():
        # htmx swaps nothing for a 429 but takes the out-of-band message area.
        body = render_template(
            "errors/_toast.html", title=title, message=message, retry_at=retry_at
        )
        return body, 429, headers
    return _page(429, title, message, retry_after=retry, retry_at=retry_at)


def init_errors(app: Flask) -> None:
    """Register the handlers; each answers in the visitor's language."""

    @app.errorhandler(403)
    def forbidden(_e: HTTPException):  # noqa: ANN202
        return _page(
            403,
            _("Not allowed"),
            _("Your account does not have permission to do this."),
        )

    @app.errorhandler(404)
    def not_found(_e: HTTPException):  # noqa: ANN202
        return _page(
            404,
            _("Page not found"),
            _("The page may have moved, or the link is incomplete."),
        )

    @app.errorhandler(405)
    def not_allowed(_e: HTTPException):  # noqa: ANN202
        return _page(
            405, _("Not possible here"), _("This page does not support that action.")
        )

    @app.errorhandler(413)
    def too_large(_e: HTTPException):  # noqa: ANN202
        # Usually a phone photo over the limit: back to the form, with a message.
        back = request.referrer or ""
        if back.startswith(request.host_url):
            flash(_("The file is too large. Choose one under 5 MB."), "error")
            return see_other(back)
        return _page(413, _("Too large"), _("What you sent is too large."))

    @app.errorhandler(CSRFError)
    def csrf_failed(_e: CSRFError):  # noqa: ANN202
        return _page(
            400,
            _("Please try again"),
            _("The form had expired. Go back, reload the page and send it again."),
        )

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(_e: RateLimitExceeded):  # noqa: ANN202
        return _rate_limited()

    @app.errorhandler(OperationalError)
    def database_unavailable(e: OperationalError):  # noqa: ANN202
        log.error("database unavailable: %s", e.__class__.__name__)
        db.session.rollback()
        return _page(
            503,
            _("Temporarily unavailable"),
            _("The service is busy or under maintenance. Please try again shortly."),
            retry_after=30,
        )

    @app.errorhandler(500)
    def server_error(_e: Exception):  # noqa: ANN202
        db.session.rollback()
        return _page(
            500,
            _("Something went wrong"),
            _("We could not finish this. Nothing was saved; please try again."),
        )
