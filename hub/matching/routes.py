"""Organizers' ranked candidates for a shift and one-tap invitations; the invitee's
answer (accept through the capacity-safe sign-up, or decline)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hub.extensions import db, limiter
from hub.matching import labels, policy, queries, services
from hub.models import Invitation, Shift, User
from hub.models.base import utcnow
from hub.permissions import Permission
from hub.shifts import services as shift_services
from hub.web.access import requires
from hub.web.htmx import is_htmx, see_other

bp = Blueprint("matching", __name__)

#: Invitations one organizer may send, and answers one person may give, per hour.
INVITE_LIMIT = "60 per hour"
ANSWER_LIMIT = "30 per hour"


def _user_key() -> str:
    return f"matching:{current_user.id}"


def _shift_for_organizer(shift_id: int) -> Shift:
    """The shift, 404 if missing, 403 unless the viewer organizes it."""
    shift = db.get_or_404(Shift, shift_id)
    if not policy.can_invite_to_shift(current_user, shift):
        abort(403)
    return shift


def _candidates_context(shift: Shift) -> dict[str, Any]:
    ranked = services.rank_candidates(shift) if shift.is_open() else []
    return {
        "shift": shift,
        "candidates": [
            {
                "user_id": c.person.user_id,
                "name": labels.mask_name(c.name),
                "mobile": c.mobile,
                "reasons": labels.reason_texts(m, organizer=True),
                "score": labels.score_label(m.score),
            }
            for c, m in ranked
        ],
        "invitations": queries.invitations_for_shift(shift.id),
        "open": shift.is_open(),
        "weekly_cap": services.weekly_invitation_cap(),
    }


@bp.route("/shifts/<int:shift_id>/candidates")
@requires(Permission.MATCHING_INVITE)
def candidates(shift_id: int):
    """Volunteers who fit a shift, best first, with why; for its organizers."""
    shift = _shift_for_organizer(shift_id)
    return render_template("matching/candidates.html", **_candidates_context(shift))


@bp.route("/shifts/<int:shift_id>/candidates/<int:user_id>/invite", methods=["POST"])
@requires(Permission.MATCHING_INVITE)
@limiter.limit(INVITE_LIMIT, key_func=_user_key)
def invite(shift_id: int, user_id: int):
    """Invite one candidate in one tap; they are told and may accept or decline."""
    shift = _shift_for_organizer(shift_id)
    person = db.get_or_404(User, user_id)
    status, invited = 200, False
    try:
        services.invite_to_shift(shift, user=person, by=current_user)
    except services.AlreadyInvited:
        db.session.rollback()
        flash(_("%(name)s was already invited.", name=labels.mask_name(person.name)))
        invited = True
    except services.WeeklyInvitationLimit:
        db.session.rollback()
        flash(
            _(
                "%(name)s has had enough invitations this week. Ask someone else.",
                name=labels.mask_name(person.name),
            ),
            "warning",
        )
        status = 409
    except (services.NotInvitable, shift_services.ShiftNotOpen):
        db.session.rollback()
        flash(_("This person cannot be invited to this shift."), "warning")
        status = 409
    else:
        db.session.commit()
        flash(
            _("Invitation sent to %(name)s.", name=labels.mask_name(person.name)),
            "success",
        )
        invited = True
    if is_htmx():
        html = render_template(
            "matching/_invite_response.html",
            shift=shift,
            user_id=user_id,
            name=labels.mask_name(person.name),
            invited=invited,
        )
        return html, status
    return see_other(url_for("matching.candidates", shift_id=shift_id))


def _invitation_for_invitee(invitation_id: int) -> Invitation:
    invitation = db.get_or_404(Invitation, invitation_id)
    if not policy.can_answer_invitation(current_user, invitation):
        abort(403)
    return invitation


@bp.route("/shift-invitations/<int:invitation_id>")
@requires(Permission.SHIFTS_SIGNUP)
def invitation(invitation_id: int):
    """An invitation to a shift, with accept and decline: for the invitee only."""
    found = _invitation_for_invitee(invitation_id)
    return render_template(
        "matching/invitation.html", invitation=found, now=utcnow(), standalone=True
    )


def _answered(found: Invitation, status: int = 200):  # noqa: ANN202
    if is_htmx():
        html = render_template(
            "matching/_invitation_response.html",
            invitation=db.session.get(Invitation, found.id),
            now=utcnow(),
        )
        return html, status
    return see_other(url_for("matching.invitation", invitation_id=found.id))


@bp.route("/shift-invitations/<int:invitation_id>/accept", methods=["POST"])
@requires(Permission.SHIFTS_SIGNUP)
@limiter.limit(ANSWER_LIMIT, key_func=_user_key)
def accept(invitation_id: int):
    """Accept: a place on the shift, or the waitlist when it filled up meanwhile."""
    found = _invitation_for_invitee(invitation_id)
    try:
        signup = services.accept_invitation(found, user=current_user)
    except services.InvitationClosed:
        db.session.commit()  # an expired invitation stays expired
        flash(_("This invitation can no longer be accepted."), "warning")
        return _answered(found, 409)
    except shift_services.OverlapsAnotherShift:
        db.session.rollback()
        flash(
            _("You already have a shift at that time. Cancel it first in My shifts."),
            "warning",
        )
        return _answered(found, 409)
    db.session.commit()
    if signup.is_confirmed:
        flash(_("Thank you! You are signed up. See it in My shifts."), "success")
    else:
        flash(
            _(
                "The shift filled up: you are on the waitlist and will be told "
                "if a place frees up."
            ),
            "warning",
        )
    return _answered(found)


@bp.route("/shift-invitations/<int:invitation_id>/decline", methods=["POST"])
@requires(Permission.SHIFTS_SIGNUP)
@limiter.limit(ANSWER_LIMIT, key_func=_user_key)
def decline(invitation_id: int):
    """Decline, no reason needed."""
    found = _invitation_for_invitee(invitation_id)
    try:
        services.decline_invitation(found, user=current_user)
    except services.InvitationClosed:
        db.session.commit()
        flash(_("This invitation was already answered or has expired."), "warning")
        return _answered(found, 409)
    db.session.commit()
    flash(_("Declined. Thank you for answering."), "success")
    return _answered(found)
