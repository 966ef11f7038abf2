"""Home, /healthz, language switch, larger text, privacy notice."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    render_template,
    request,
    session,
)
from flask_babel import gettext as _
from flask_login import current_user

from hub.auth import services as account_services
from hub.auth.forms import EmptyForm
from hub.extensions import db, limiter
from hub.i18n import LANGUAGE_CODES
from hub.main.home import for_you, next_actions, projects_waiting
from hub.ops.health import health
from hub.permissions import ROLE_LABELS, Permission, Role
from hub.web.access import public, requires
from hub.web.htmx import see_other
from hub.web.urls import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    """Each role's next actions; a welcome for visitors."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    roles = sorted({ROLE_LABELS[r] for r in current_user.roles}, key=str)
    return render_template(
        "main/home.html",
        actions=next_actions(current_user),
        roles=roles,
        mine=for_you(current_user),
        # Staff come to work: their tasks first, the volunteering suggestions after.
        work_first=bool(current_user.roles - {Role.VOLUNTEER}),
        waiting_projects=projects_waiting(current_user),
    )


@bp.route("/healthz")
@public
@limiter.exempt
def healthz():
    """Liveness (the database) for load balancers; ``?ready=1`` adds readiness:
    Redis and the outbox worker's heartbeat (hub/ops/health.py)."""
    report, healthy = health(current_app, ready=request.args.get("ready") == "1")
    return jsonify(report), 200 if healthy else 503


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language; remembered on the account when logged in."""
    form = EmptyForm()
    locale = request.form.get("locale", "")
    if form.validate_on_submit() and locale in LANGUAGE_CODES:
        session["locale"] = locale
        if current_user.is_authenticated:
            account_services.set_preferences(current_user, locale=locale)
            db.session.commit()
    return see_other(safe_next())


@bp.route("/settings/text-size", methods=["POST"])
@requires(Permission.ACCOUNT_USE)
def set_text_size():
    """Turn larger text on or off for this account."""
    form = EmptyForm()
    if form.validate_on_submit():
        large = request.form.get("large_text") == "1"
        account_services.set_preferences(current_user, large_text=large)
        db.session.commit()
        flash(_("Larger text is on.") if large else _("Larger text is off."), "success")
    return see_other(safe_next("auth.account"))


@bp.route("/privacy")
@public
def privacy():
    """The privacy notice people consent to when registering."""
    return render_template(
        "main/privacy.html", version=current_app.config["PRIVACY_NOTICE_VERSION"]
    )
