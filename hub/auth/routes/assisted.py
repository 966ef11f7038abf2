"""Register a resident (协助注册): a community's social worker, on their own phone.

Three steps like registering oneself: the resident's number (a code goes to it),
the code the resident reads out, then the resident's name and their own consent.
Where the worker is in the flow is kept in the worker's session, for one
community; the resident's account is never signed in here.
"""

from __future__ import annotations

import time
from typing import Any

from flask import abort, flash, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from hub.auth import forms, services
from hub.auth.labels import code_error
from hub.auth.policy import can_assist_registration
from hub.auth.proof import PROOF_LIFETIME
from hub.auth.routes import bp
from hub.errors import CodeNotValid, MobileTaken, TooManyCodes
from hub.extensions import db
from hub.models import Community
from hub.permissions import Permission
from hub.phones import mask_mobile
from hub.verification import assisted
from hub.verification.services import check_code
from hub.web.access import requires
from hub.web.htmx import see_other

_STATE = "assisted_registration"


def _community(community_id: int) -> Community:
    """The community, if this person may register its residents; else 403."""
    community = db.get_or_404(Community, community_id)
    if not can_assist_registration(current_user, community):
        abort(403)
    return community


def _state(community: Community, step: str) -> dict[str, Any] | None:
    """The worker's place in the flow for this community, if at ``step``."""
    state = session.get(_STATE)
    if not state or state.get("c") != community.id or state.get("s") != step:
        return None
    if time.time() - state.get("t", 0) > PROOF_LIFETIME:
        session.pop(_STATE, None)
        return None
    return state


def _remember(community: Community, mobile: str, step: str) -> None:
    session[_STATE] = {"c": community.id, "m": mobile, "s": step, "t": time.time()}


def _start_url(community: Community) -> str:
    return url_for("auth.assisted_register", community_id=community.id)


def _already_registered(community: Community, mobile: str):  # noqa: ANN202
    session.pop(_STATE, None)
    flash(
        _(
            "%(number)s already has an account. The resident can log in with a code "
            "on their own phone.",
            number=mask_mobile(mobile),
        ),
        "warning",
    )
    return see_other(_start_url(community))


@bp.route("/communities/<int:community_id>/register-resident", methods=["GET", "POST"])
@requires(Permission.ACCOUNTS_ASSIST)
def assisted_register(community_id: int):
    """Register a resident, step 1: their number, to which a code is sent."""
    community = _community(community_id)
    form = forms.ResidentNumberForm()
    if form.validate_on_submit():
        mobile = form.mobile.normalized
        try:
            assisted.send_resident_code(
                mobile,
                worker=current_user,
                community=community,
                address=get_remote_address(),
            )
        except TooManyCodes as refused:
            form.mobile.errors.append(
                _(
                    "Too many codes for now. Please try again in %(minutes)d minutes.",
                    minutes=max(1, round(refused.retry_after / 60)),
                )
            )
        else:
            _remember(community, mobile, "sent")
            db.session.commit()
            flash(
                _(
                    "A code is on its way to %(number)s. Ask the resident to read "
                    "it out.",
                    number=mask_mobile(mobile),
                ),
                "success",
            )
            return see_other(
                url_for("auth.assisted_register_code", community_id=community.id)
            )
        db.session.commit()
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/assisted_number.html", form=form, community=community
    ), status


@bp.route(
    "/communities/<int:community_id>/register-resident/code",
    methods=["GET", "POST"],
)
@requires(Permission.ACCOUNTS_ASSIST)
def assisted_register_code(community_id: int):
    """Register a resident, step 2: the code the resident reads out."""
    community = _community(community_id)
    state = _state(community, "sent")
    if state is None:
        return see_other(_start_url(community))
    mobile = state["m"]
    form = forms.CodeForm()
    if form.validate_on_submit():
        try:
            check_code(mobile, assisted.PURPOSE, form.code.data)
        except CodeNotValid as wrong:
            db.session.commit()  # the wrong try counts
            form.code.errors.append(code_error(wrong))
        else:
            db.session.commit()
            if services.find_user_by_mobile(mobile) is not None:
                return _already_registered(community, mobile)
            _remember(community, mobile, "proved")
            return see_other(
                url_for("auth.assisted_register_details", community_id=community.id)
            )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/code_enter.html",
        form=form,
        title=_("Register a resident"),
        masked=mask_mobile(mobile),
        action=url_for("auth.assisted_register_code", community_id=community.id),
        resend=_start_url(community),
        resend_mobile=mobile,
    ), status


@bp.route(
    "/communities/<int:community_id>/register-resident/details",
    methods=["GET", "POST"],
)
@requires(Permission.ACCOUNTS_ASSIST)
def assisted_register_details(community_id: int):
    """Register a resident, step 3: their name, and their consent on this phone."""
    community = _community(community_id)
    state = _state(community, "proved")
    if state is None:
        return see_other(_start_url(community))
    mobile = state["m"]
    form = forms.ResidentDetailsForm()
    if form.validate_on_submit():
        try:
            user = assisted.register_resident(
                name=form.name.data,
                mobile=mobile,
                community=community,
                worker=current_user,
                consent_version=services.current_consent_version(),
            )
        except MobileTaken:
            db.session.rollback()
            return _already_registered(community, mobile)
        session.pop(_STATE, None)
        db.session.commit()
        flash(
            _(
                "%(name)s is registered. They log in with a code on their own phone "
                "and choose a password.",
                name=user.name,
            ),
            "success",
        )
        return see_other(_start_url(community))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/assisted_details.html",
        form=form,
        community=community,
        masked=mask_mobile(mobile),
    ), status
