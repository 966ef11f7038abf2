"""My messages: read them, follow them, mark them read."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from hub.errors import NotYourNotification
from hub.extensions import db
from hub.models import Notification
from hub.notifications import services
from hub.notifications.messages import render_message
from hub.permissions import Permission
from hub.web.access import requires
from hub.web.htmx import is_htmx, see_other
from hub.web.navigation import badge_text

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

PAGE_SIZE = 30


@dataclass(frozen=True)
class Item:
    """A notification with its text in the reader's language."""

    notification: Notification
    text: str


def _item(notification: Notification) -> Item:
    return Item(notification, render_message(notification.kind, notification.params))


@bp.route("")
@requires(Permission.ACCOUNT_USE)
def index():
    """My notifications, newest first, the unread ones marked "New"."""
    before = request.args.get("before", type=int)
    found = services.recent(current_user, limit=PAGE_SIZE + 1, before_id=before)
    older_url = None
    if len(found) > PAGE_SIZE:
        found = found[:PAGE_SIZE]
        older_url = url_for("notifications.index", before=found[-1].id)
    context = {
        "items": [_item(n) for n in found],
        "older_url": older_url,
        "paged": before is not None,
    }
    if is_htmx():
        return render_template("notifications/_items.html", **context)
    return render_template("notifications/index.html", **context)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@requires(Permission.ACCOUNT_USE)
def read(notification_id: int):
    """Mark one of my notifications read: htmx gets the item back, a form a 303."""
    notification = db.get_or_404(Notification, notification_id)
    try:
        services.mark_read(notification, current_user)
    except NotYourNotification:
        abort(404)  # someone else's: do not even confirm it exists
    db.session.commit()
    if is_htmx():
        count = services.unread_count(current_user)
        return render_template(
            "notifications/_read.html",
            item=_item(notification),
            unread_count=count,
            unread_text=badge_text(count),
        )
    return see_other(url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@requires(Permission.ACCOUNT_USE)
def read_all():
    """Mark all my notifications read."""
    services.mark_all_read(current_user)
    db.session.commit()
    return see_other(url_for("notifications.index"))
