"""Privacy pages: consent to a new notice, download my data, delete my account,
and showing a full phone number on request."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from hub import audit
from hub.auth.forms import EmptyForm
from hub.auth.passwords import verify_password
from hub.extensions import db, limiter
from hub.models import User
from hub.models.base import utcnow
from hub.permissions import Permission
from hub.privacy import consent as consents
from hub.privacy import erasure, export, forms, notice
from hub.privacy.phones import NotRevealable, reveal_number
from hub.web.access import requires
from hub.web.htmx import is_htmx, see_other
from hub.web.urls import safe_next

bp = Blueprint("privacy", __name__)


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else "anon"


def _password_limit() -> str:
    return current_app.config["PRIVACY_PASSWORD_LIMIT"]


def _reveal_limit() -> str:
    return current_app.config["PHONE_REVEAL_LIMIT"]


#: Guessing the password through these forms is limited per account, for both.
password_limit = limiter.shared_limit(
    _password_limit, scope="privacy-password", key_func=_user_key, methods=["POST"]
)


@bp.route("/privacy/consent", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_USE)
def consent():
    """The notice changed: what changed, and "I agree" (or delete my account)."""
    user = current_user._get_current_object()
    form = EmptyForm()
    if consents.has_current_consent(user):
        consents.remember_consent(user)
        return see_other(safe_next())
    if form.validate_on_submit():
        consents.give_consent(user)
        db.session.commit()
        consents.remember_consent(user)
        flash(_("Thank you. You have agreed to the privacy notice."), "success")
        return see_other(safe_next())
    previous = consents.latest_version(user)
    return render_template(
        "privacy/consent.html",
        form=form,
        version=consents.current_version(),
        previous=previous,
        changes=notice.changes_since(previous),
        next_url=safe_next(),
    )


def _attachment(user: User) -> Response:
    """The export as a download (never shown in the browser, never cached)."""
    now = utcnow()
    body = export.personal_data_json(user, now=now)
    response = Response(body, mimetype="application/json")
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=f"shanzhi-hub-my-data-{now:%Y%m%d}-{user.id}.json",
    )
    # Personal data: no copy kept by the browser's cache or a proxy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/account/data", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_USE)
@password_limit
def download():
    """Download my data (JSON), after typing my password again."""
    user = current_user._get_current_object()
    form = forms.PasswordAgainForm()
    if form.validate_on_submit():
        if verify_password(user.password_hash, form.password.data):
            audit.record(user, user, "account.data_download")
            db.session.commit()
            return _attachment(user)
        form.password.errors.append(_("That is not your password."))
    status = 422 if request.method == "POST" else 200
    return render_template("privacy/data.html", form=form), status


@bp.route("/account/delete", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_USE)
@password_limit
def delete_account():
    """Delete my account: what is erased, what is kept; password to confirm."""
    user = current_user._get_current_object()
    form = forms.DeleteAccountForm()
    sole = erasure.sole_owned_organizations(user)
    if form.validate_on_submit() and not sole:
        if not verify_password(user.password_hash, form.password.data):
            form.password.errors.append(_("That is not your password."))
        else:
            try:
                result = erasure.delete_account(
                    user, upload_dir=current_app.config["UPLOAD_DIR"]
                )
            except erasure.SoleOwner as e:
                db.session.rollback()
                sole = e.organizations
            else:
                db.session.commit()
                erasure.remove_files(result.files)
                logout_user()
                session.pop(consents.SESSION_KEY, None)
                flash(
                    _("Your account has been deleted. Thank you for your help."),
                    "success",
                )
                return see_other(url_for("main.home"))
    status = 422 if request.method == "POST" else 200
    return render_template("privacy/delete.html", form=form, sole=sole), status


@bp.route("/phone/<kind>/<int:object_id>", methods=["POST"])
@requires(Permission.ACCOUNT_USE)
@limiter.limit(_reveal_limit, key_func=_user_key)
def reveal_phone(kind: str, object_id: int):
    """Show one full number to someone who may call it; the log says who saw it."""
    try:
        shown = reveal_number(current_user._get_current_object(), kind, object_id)
    except NotRevealable as e:
        abort(e.status)
    db.session.commit()
    context = {"kind": kind, "object_id": object_id, "shown": shown}
    if is_htmx():
        body = render_template("privacy/_phone_revealed.html", **context)
    else:
        body = render_template("privacy/phone.html", back=safe_next(), **context)
    response = Response(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response
