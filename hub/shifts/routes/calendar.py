"""Calendar pages: add one shift to a phone's calendar, or subscribe to all of mine.

The feed URL holds a secret instead of a login (calendar apps cannot log in); it
is never logged or audited, and making a new one ends the old URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from hub.auth.forms import EmptyForm
from hub.extensions import db
from hub.i18n import LANGUAGE_CODES
from hub.models import Shift
from hub.permissions import Permission
from hub.shifts import ics
from hub.web.access import public, requires
from hub.web.downloads import attachment
from hub.web.htmx import see_other

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _project_url(project_id: int) -> str:
    return url_for("projects.show", project_id=project_id, _external=True)


def _domain() -> str:
    """This site's host name, the right-hand side of every event's UID."""
    return urlsplit(f"//{request.host}").hostname or "localhost"


def _ics(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, content_type=CONTENT_TYPE)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    if filename:
        response.headers["Content-Disposition"] = attachment(filename, "shift.ics")
    return response


@bp.route("/shifts/<int:shift_id>/calendar.ics")
@requires(Permission.SHIFTS_SIGNUP)
def shift_event(shift_id: int):
    """One of my shifts as an .ics file; only for people signed up to it."""
    shift = db.get_or_404(Shift, shift_id)
    signup = ics.calendar_signup(current_user, shift.id)
    if signup is None:
        abort(403)
    body = ics.calendar_ics(
        [signup],
        name=shift.project.title,
        uid=f"shift-{shift.id}-file@{_domain()}",
        project_url=_project_url,
        uid_domain=_domain(),
        waitlist_note=_("You are on the waitlist"),
    )
    return _ics(body, filename=f"shift-{shift.id}.ics")


@bp.route("/calendar/<token>.ics")
@public
def feed(token: str):
    """A person's shifts as a feed calendar apps subscribe to; the URL is the key."""
    user = ics.user_for_token(token)
    if user is None:
        abort(404)
    # Calendar apps fetch without a session: speak the person's own language.
    locale = user.locale if user.locale in LANGUAGE_CODES else None
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        name = _("My shifts · Shanzhi Hub")
        waitlist_note = _("You are on the waitlist")
    body = ics.calendar_ics(
        ics.feed_signups(user),
        name=name,
        uid=f"shifts-feed-{user.id}@{_domain()}",
        project_url=_project_url,
        uid_domain=_domain(),
        waitlist_note=waitlist_note,
        feed=True,
    )
    return _ics(body)


@bp.route("/my/calendar", methods=["POST"])
@requires(Permission.SHIFTS_SIGNUP)
def set_feed():
    """Make a new private feed link (the old one stops working), or turn it off."""
    if EmptyForm().validate_on_submit():
        if request.form.get("action") == "off":
            ics.revoke_calendar_token(current_user)
            message = _("Your calendar link is turned off.")
        else:
            ics.issue_calendar_token(current_user)
            message = _(
                "Your calendar link is ready. Copy it into your calendar app; "
                "any earlier link no longer works."
            )
        db.session.commit()
        flash(message, "success")
    return see_other(url_for("shifts.mine", _anchor="calendar"))
