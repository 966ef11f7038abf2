"""Check-in from a briefly offline phone: the service worker and what it talks to.

The worker (static/js/sw.js, served from /sw.js so its scope is the whole site)
answers a QR link opened without a connection with a page it cached at install
(/checkin/offline: no personal data), keeps the signed link and the moment it was
opened in IndexedDB, and posts them to /checkin/late when the phone is back online
(Background Sync where the browser has it, else on the next page load or "online"
event). It caches nothing else: no page of a logged-in person is ever stored.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from hub.errors import DomainError
from hub.extensions import db
from hub.hours import attendance, tokens
from hub.hours.messages import outcome_message, refusal_message
from hub.models import Shift
from hub.permissions import Permission
from hub.web.access import public, requires

bp = Blueprint("offline", __name__)


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker, from the site's root so it may control every page."""
    script = Path(current_app.static_folder, "js", "sw.js").read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/checkin/offline")
@public
def offline_page():
    """What the worker shows for a QR link opened offline (cached at install)."""
    response = current_app.make_response(render_template("hours/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/checkin/csrf")
@requires(Permission.HOURS_OWN)
def csrf_token():
    """A CSRF token for the worker's late delivery (same-origin reads only)."""
    response = jsonify(csrf=generate_csrf())
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/checkin/late", methods=["POST"])
@requires(Permission.HOURS_OWN)
def late():
    """A check-in kept by an offline phone: accepted at the code's signed time."""
    payload = request.get_json(silent=True) or {}
    token = payload.get("token")
    if not isinstance(token, str) or len(token) > 200:
        return jsonify(ok=False, keep=False, message="bad request"), 400
    shift = None
    try:
        parsed = tokens.read_link_token(token)
        shift = db.session.get(Shift, parsed.shift_id)
        outcome = attendance.use_token(parsed, user=current_user, late=True)
    except DomainError as e:
        db.session.rollback()
        # Refused for good: the phone forgets it (and says why).
        return jsonify(ok=False, keep=False, message=refusal_message(e, shift)), 409
    db.session.commit()
    return jsonify(ok=True, keep=False, message=outcome_message(outcome))
