"""Consent to the privacy notice, by version: a new version asks everyone again."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from hub import audit
from hub.extensions import db
from hub.models import Consent, User
from hub.web.htmx import is_htmx

NOTICE = "privacy"
#: Remembers, in the signed session, whom we last found consenting to which version,
#: so the check costs no query until the version changes.
SESSION_KEY = "privacy_consent"

#: Pages open without the current consent: the question itself and its alternative
#: (deleting the account), what it is about, leaving, and plumbing.
EXEMPT_ENDPOINTS = frozenset(
    {
        "static",
        "main.privacy",
        "main.healthz",
        "main.set_language",
        "auth.logout",
        "privacy.consent",
        "privacy.delete_account",
        "privacy.download",
        "offline.service_worker",
    }
)


def current_version() -> str:
    """The notice version people must have agreed to."""
    return current_app.config["PRIVACY_NOTICE_VERSION"]


def latest_version(user: User, notice: str = NOTICE) -> str | None:
    """The version of the notice this person agreed to last, if any."""
    return db.session.scalar(
        select(Consent.version)
        .where(Consent.user_id == user.id, Consent.notice == notice)
        .order_by(Consent.given_at.desc(), Consent.id.desc())
        .limit(1)
    )


def has_current_consent(user: User) -> bool:
    """True when the person's latest consent is to the current version."""
    return latest_version(user) == current_version()


def give_consent(user: User, *, version: str | None = None) -> Consent:
    """Record the person's agreement to (the current version of) the notice."""
    consent = Consent(
        user_id=user.id, notice=NOTICE, version=version or current_version()
    )
    db.session.add(consent)
    db.session.flush()
    audit.record(
        user,
        consent,
        "consent.give",
        to_state=consent.version,
        data={"notice": NOTICE, "version": consent.version},
    )
    return consent


def _marker(user: Any) -> str:
    return f"{user.id}:{current_version()}"


def remember_consent(user: Any) -> None:
    """Note in the session that this person consented to the current version."""
    session[SESSION_KEY] = _marker(user)


def note_consent_at_login(_app: Any, user: Any) -> None:
    """On logging in, check once, so later pages need no query for it."""
    session.pop(SESSION_KEY, None)
    if has_current_consent(user):
        remember_consent(user)


def _consent_url() -> str:
    if request.method == "GET" and not is_htmx():
        return url_for("privacy.consent", next=request.full_path.rstrip("?"))
    return url_for("privacy.consent")


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.is_json or best == "application/json"


def require_current_consent() -> Response | None:
    """before_request: send a logged-in person without the current consent to it."""
    if request.endpoint in EXEMPT_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return None
    if session.get(SESSION_KEY) == _marker(current_user):
        return None
    if has_current_consent(current_user):
        remember_consent(current_user)
        return None
    target = _consent_url()
    if is_htmx() or request.headers.get("HX-Request") == "true":
        response = Response(status=204)
        response.headers["HX-Redirect"] = target
        return response
    if _wants_json():
        response = jsonify(error="privacy_consent_required", location=target)
        response.status_code = 403
        response.headers["HX-Redirect"] = target
        return response
    # 303: a form posted here is not applied; the browser GETs the question.
    return redirect(target, code=303)
