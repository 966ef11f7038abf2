"""Friendly error pages: 403, 404, 429 (with when to retry), 500, 503.

An htmx request gets the same words as a toast (hub/web/toasts.py) instead of a
page, so the page it came from stays as it was and says what happened.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, flash, render_template, url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from hub.extensions import db, limiter
from hub.web.access import login_redirect, protected_endpoint
from hub.web.htmx import is_htmx, see_other
from hub.web.toasts import toast
from hub.web.urls import page_came_from

log = logging.getLogger(__name__)


def _page(  # noqa: ANN202
    status: int,
    title: str,
    message: str,
    retry_after: int | None = None,
    retry_at: str | None = None,
    kind: str = "failed",
):
    """The error page; for htmx, the same words as a toast and nothing swapped."""
    if is_htmx():
        headers = {"Retry-After": str(retry_after)} if retry_after else {}
        return toast(message, status=status, kind=kind, title=title, headers=headers)
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
    if is_htmx():
        return toast(
            f"{message} {retry_at}",
            status=429,
            kind="limit",
            title=title,
            headers={"Retry-After": str(retry)},
        )
    return _page(429, title, message, retry_after=retry, retry_at=retry_at)


def init_errors(app: Flask) -> None:
    """Register the handlers; each answers in the visitor's language."""

    @app.errorhandler(403)
    def forbidden(_e: HTTPException):  # noqa: ANN202
        return _page(
            403,
            _("Not allowed"),
            _("Your account does not have permission to do this."),
            kind="forbidden",
        )

    @app.errorhandler(404)
    def not_found(_e: HTTPException):  # noqa: ANN202
        if is_htmx():
            # A tap on something that is gone (removed, or cancelled elsewhere).
            return toast(
                _("This is no longer here. Reload the page to see it as it is now."),
                status=404,
                kind="missing",
                link=page_came_from() or url_for("main.home"),
                link_label=_("Reload the page"),
            )
        return _page(
            404,
            _("Page not found"),
            _("The page may have moved, or the link is incomplete."),
            kind="missing",
        )

    @app.errorhandler(405)
    def not_allowed(_e: HTTPException):  # noqa: ANN202
        return _page(
            405,
            _("Not possible here"),
            _("This page does not support that action."),
            kind="missing",
        )

    @app.errorhandler(413)
    def too_large(_e: HTTPException):  # noqa: ANN202
        # Usually a phone photo over the limit: back to the form, with a message.
        message = _("The file is too large. Choose one under 5 MB.")
        if is_htmx():
            return toast(message, status=413, kind="large")
        back = page_came_from()
        if back:
            flash(message, "error")
            return see_other(back)
        return _page(413, _("Too large"), _("What you sent is too large."))

    @app.errorhandler(CSRFError)
    def csrf_failed(_e: CSRFError):  # noqa: ANN202
        # No session any more (it ended, or cookies were cleared): the token went
        # with it. Where the page needs an account, that is a sign-in to ask for.
        if not current_user.is_authenticated and protected_endpoint():
            return login_redirect()
        if is_htmx():
            return toast(
                _(
                    "The page had expired, so nothing was sent. "
                    "Reload it and try again."
                ),
                status=400,
                kind="expired",
                link=page_came_from() or url_for("main.home"),
                link_label=_("Reload the page"),
            )
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
