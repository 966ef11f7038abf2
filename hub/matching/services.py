"""Recommendations and invitations: the SQL picks, the scorer ranks, sign-up decides.

Accepting an invitation goes through ``hub.shifts.services.sign_up``, so it is
capacity-safe exactly like signing up from a shift card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import func, select

from hub import audit
from hub.db import begin_writing
from hub.errors import DomainError
from hub.extensions import db
from hub.matching import queries, scoring
from hub.models import Invitation, Shift, Signup, User
from hub.models.base import utcnow
from hub.models.matching import InvitationState
from hub.models.shifts import ACTIVE_STATES
from hub.notifications.services import notify
from hub.permissions import Permission
from hub.shifts import services as shift_services


class AlreadyInvited(DomainError):
    """This person was already asked to this shift."""


class WeeklyInvitationLimit(DomainError):
    """This person has received as many invitations this week as allowed."""


class NotInvitable(DomainError):
    """Not a volunteer who finished onboarding, or already on the shift."""


class NotYourInvitation(DomainError):
    """Only the person invited may answer."""


class InvitationClosed(DomainError):
    """Already answered, or the shift no longer takes sign-ups (now expired)."""


@dataclass(frozen=True)
class Recommendation:
    """An open shift for this person, with why."""

    shift: Shift
    match: scoring.Match


def weekly_invitation_cap() -> int:
    """How many invitations one person may receive in any seven days."""
    return int(current_app.config["MATCHING_WEEKLY_INVITATIONS"])


def person_for(user: User, now: datetime) -> scoring.Person | None:
    """The scorer's view of this person, with this month's load; None if no profile."""
    profile, street_id = queries.profile_and_street(user.id)
    if profile is None:
        return None
    hours = queries.month_hours(user.id, now)
    invitations = queries.recent_invitation_counts([user.id], now).get(user.id, 0)
    return queries.person_from(profile, street_id, hours=hours, invitations=invitations)


def recommend_shifts(
    user: User, *, now: datetime | None = None, limit: int = 5
) -> list[Recommendation]:
    """Open shifts ranked for this person (none before onboarding)."""
    now = now or utcnow()
    person = person_for(user, now)
    return [] if person is None else recommend_for(person, now=now, limit=limit)


def recommend_for(
    person: scoring.Person, *, now: datetime, limit: int = 5
) -> list[Recommendation]:
    """Open shifts ranked for a person: three queries, at most 200 shifts scored
    (as plain columns), only the ``limit`` shown loaded as objects."""
    openings = queries.candidate_openings(person, now)
    end = now + timedelta(days=queries.WINDOW_DAYS + 2)
    busy, taken = queries.busy_times(person.user_id, now, end)
    ranked = scoring.rank_openings(
        person, openings, now=now, busy=busy, taken=taken, limit=limit
    )
    by_id = queries.shifts_by_id([m.opening.shift_id for m in ranked])
    return [Recommendation(by_id[m.opening.shift_id], m) for m in ranked]


def rank_candidates(
    shift: Shift, *, now: datetime | None = None, limit: int = 30
) -> list[tuple[queries.Candidate, scoring.Match]]:
    """People to invite to a shift, best first, with their reasons."""
    now = now or utcnow()
    candidates = queries.candidate_people(
        shift, now, weekly_cap=weekly_invitation_cap()
    )
    by_id = {c.person.user_id: c for c in candidates}
    ranked = scoring.rank_people(
        queries.opening_from(shift), [c.person for c in candidates], limit=limit
    )
    return [(by_id[m.person.user_id], m) for m in ranked]


def _count_recent(user_id: int, now: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.user_id == user_id,
            Invitation.created_at > now - timedelta(days=queries.RECENT_DAYS),
        )
    )


def invite_to_shift(
    shift: Shift, *, user: User, by: User, now: datetime | None = None
) -> Invitation:
    """Ask someone to a shift; they are told and may accept or decline."""
    begin_writing()
    now = now or utcnow()
    shift = db.session.get(Shift, shift.id)
    if not shift.is_open(now):
        raise shift_services.ShiftNotOpen(shift.id)
    # One invitation at a time per person, so the weekly cap holds under races.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    existing = db.session.scalar(
        select(Invitation).where(
            Invitation.shift_id == shift.id, Invitation.user_id == user.id
        )
    )
    if existing is not None:
        raise AlreadyInvited(existing.id)
    profile, _street = queries.profile_and_street(user.id)
    if (
        profile is None
        or profile.onboarded_at is None
        or not user.active
        or not user.has_permission(Permission.SHIFTS_SIGNUP)
    ):
        raise NotInvitable(user.id)
    on_shift = db.session.scalar(
        select(Signup.id).where(
            Signup.shift_id == shift.id,
            Signup.user_id == user.id,
            Signup.state.in_(ACTIVE_STATES),
        )
    )
    if on_shift is not None:
        raise NotInvitable(user.id)
    if _count_recent(user.id, now) >= weekly_invitation_cap():
        raise WeeklyInvitationLimit(user.id)
    invitation = Invitation(
        shift_id=shift.id,
        user_id=user.id,
        invited_by_id=by.id,
        state=InvitationState.PENDING,
        created_at=now,
    )
    db.session.add(invitation)
    db.session.flush()
    notify(
        user,
        "shift_invitation",
        params={
            "project": shift.project.title,
            "when": shift_services.when_for(user, shift.starts_at, shift.ends_at),
        },
        url=url_for("matching.invitation", invitation_id=invitation.id),
        now=now,
    )
    audit.record(
        by,
        invitation,
        "invitation.create",
        to_state=InvitationState.PENDING,
        street_id=shift.project.street_id,
        data={"shift_id": shift.id, "user_id": user.id},
    )
    return invitation


def _check_answerable(invitation: Invitation, user: User, now: datetime) -> None:
    """Refuse anyone but the invitee; expire it if the shift stopped taking people."""
    if invitation.user_id != user.id:
        raise NotYourInvitation(invitation.id)
    if not invitation.is_pending:
        raise InvitationClosed(invitation.state)
    if not invitation.shift.is_open(now):
        begin_writing()
        invitation = db.session.get(Invitation, invitation.id)
        _answer(invitation, user, InvitationState.EXPIRED, now)
        raise InvitationClosed(InvitationState.EXPIRED)


def _answer(
    invitation: Invitation, user: User, state: InvitationState, now: datetime
) -> None:
    before = invitation.answer(state, now=now)
    db.session.flush()
    audit.record(
        user,
        invitation,
        f"invitation.{state.value}",
        from_state=before,
        to_state=state,
        street_id=invitation.shift.project.street_id,
    )


def accept_invitation(
    invitation: Invitation, *, user: User, now: datetime | None = None
) -> Signup:
    """Take the place (or a waitlist place) through the capacity-safe sign-up."""
    now = now or utcnow()
    _check_answerable(invitation, user, now)
    signup = shift_services.sign_up(invitation.shift, user=user, now=now)
    invitation = db.session.get(Invitation, invitation.id)
    _answer(invitation, user, InvitationState.ACCEPTED, now)
    return signup


def decline_invitation(
    invitation: Invitation, *, user: User, now: datetime | None = None
) -> None:
    """Say no, thank you; nothing else changes."""
    now = now or utcnow()
    _check_answerable(invitation, user, now)
    begin_writing()
    invitation = db.session.get(Invitation, invitation.id)
    _answer(invitation, user, InvitationState.DECLINED, now)
