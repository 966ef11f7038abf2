"""Candidate selection in SQL: only a bounded, indexed set reaches the scorer.

"For you" looks at one street's recruiting projects (``ix_projects_street_state``),
their scheduled shifts in the next weeks (``ix_shifts_project_state_starts``), and
drops the person's own and overlapping shifts (``ix_signups_user_state_starts``).
Candidates for a shift are the onboarded volunteers living in its street
(``ix_volunteer_profiles_home_community_id`` through the street's communities).
Either way at most ``CANDIDATE_LIMIT`` rows are scored in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import contains_eager, joinedload

from hub.extensions import db
from hub.matching.scoring import (
    PARTS,
    Opening,
    Person,
    month_start,
    next_month_start,
    slot_of,
)
from hub.models import Community, Invitation, Project, Shift, Signup, User
from hub.models.accounts import RoleGrant
from hub.models.matching import InvitationState
from hub.models.profiles import VolunteerProfile
from hub.models.projects import ProjectState
from hub.models.shifts import ACTIVE_STATES, ShiftState, SignupState
from hub.permissions import Role

#: At most this many shifts or people are scored for one page.
CANDIDATE_LIMIT = 200
#: "For you" looks this far ahead.
WINDOW_DAYS = 30
#: Invitations this recent count as load, and against the weekly cap.
RECENT_DAYS = 7
#: Sign-ups whose hours count as this month's load.
LOAD_STATES = (SignupState.CONFIRMED, SignupState.ATTENDED)


@dataclass(frozen=True)
class Candidate:
    """A person who could be invited to a shift, with what the page shows."""

    person: Person
    name: str
    mobile: str


def profile_and_street(user_id: int) -> tuple[VolunteerProfile | None, int | None]:
    """A person's profile and their home street's id (one query)."""
    row = db.session.execute(
        select(VolunteerProfile, Community.street_id)
        .outerjoin(Community, Community.id == VolunteerProfile.home_community_id)
        .where(VolunteerProfile.user_id == user_id)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def monthly_load_hours(user_ids: Collection[int], now: datetime) -> dict[int, float]:
    """Hours of confirmed (or attended) shifts starting this local month."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Signup.user_id, Signup.starts_at, Signup.ends_at).where(
            Signup.user_id.in_(list(user_ids)),
            Signup.state.in_(LOAD_STATES),
            Signup.starts_at >= month_start(now),
            Signup.starts_at < next_month_start(now),
        )
    )
    hours: dict[int, float] = defaultdict(float)
    for user_id, starts_at, ends_at in rows:
        hours[user_id] += (ends_at - starts_at).total_seconds() / 3600
    return dict(hours)


def month_hours(user_id: int, now: datetime) -> float:
    """One person's hours of confirmed shifts this month."""
    return monthly_load_hours([user_id], now).get(user_id, 0.0)


def recent_invitation_counts(
    user_ids: Collection[int], now: datetime
) -> dict[int, int]:
    """Invitations each person received in the last seven days."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Invitation.user_id, func.count())
        .where(
            Invitation.user_id.in_(list(user_ids)),
            Invitation.created_at > now - timedelta(days=RECENT_DAYS),
        )
        .group_by(Invitation.user_id)
    )
    return {user_id: int(count) for user_id, count in rows}


def person_from(
    profile: VolunteerProfile,
    street_id: int | None,
    *,
    hours: float = 0.0,
    invitations: int = 0,
) -> Person:
    """The scorer's view of a profile."""
    return Person(
        user_id=profile.user_id,
        skills=frozenset(profile.skills or ()),
        interests=frozenset(profile.interests or ()),
        availability=profile.availability or 0,
        grid_id=profile.home_grid_id,
        community_id=profile.home_community_id,
        street_id=street_id,
        monthly_limit=profile.monthly_hour_limit,
        hours_this_month=hours,
        recent_invitations=invitations,
    )


def opening_from(shift: Shift) -> Opening:
    """The scorer's view of a shift (its project loaded)."""
    return Opening(
        shift_id=shift.id,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        required_skills=frozenset(shift.required_skills or ()),
        category=shift.project.category,
        grid_id=shift.grid_id,
        community_id=shift.project.community_id,
        street_id=shift.project.street_id,
        is_full=shift.confirmed_count >= shift.capacity,
    )


def _clashes_with(user_id: int):  # noqa: ANN202
    """A sign-up of this person, active, overlapping the shift (or on it)."""
    return exists().where(
        Signup.user_id == user_id,
        Signup.state.in_(ACTIVE_STATES),
        Signup.starts_at < Shift.ends_at,
        Signup.ends_at > Shift.starts_at,
    )


def candidate_openings(
    person: Person,
    now: datetime,
    *,
    window_days: int = WINDOW_DAYS,
    limit: int = CANDIDATE_LIMIT,
) -> list[Opening]:
    """Open shifts near the person, not clashing with theirs, closest then soonest,
    as plain scorer inputs (columns only).

    Scoring needs ten columns of each candidate; loading 200 shifts with their
    projects, organizations, communities and grids as ORM objects cost more than
    the rest of the page (city-scale benchmark). Only the shown few are loaded.
    """
    closeness = case(
        (and_(literal(person.grid_id is not None), Shift.grid_id == person.grid_id), 2),
        (Project.community_id == person.community_id, 1),
        else_=0,
    )
    query = (
        select(
            Shift.id,
            Shift.starts_at,
            Shift.ends_at,
            Shift.required_skills,
            Project.category,
            Shift.grid_id,
            Project.community_id,
            Project.street_id,
            Shift.confirmed_count >= Shift.capacity,
        )
        .join(Shift.project)
        .where(
            Project.state == ProjectState.RECRUITING,
            Shift.state == ShiftState.SCHEDULED,
            Shift.starts_at > now,
            Shift.starts_at < now + timedelta(days=window_days),
            ~_clashes_with(person.user_id),
        )
        .order_by(closeness.desc(), Shift.starts_at, Shift.id)
        .limit(limit)
    )
    if person.street_id is not None:
        query = query.where(Project.street_id == person.street_id)
    return [
        Opening(
            shift_id=shift_id,
            starts_at=starts_at,
            ends_at=ends_at,
            required_skills=frozenset(skills or ()),
            category=category,
            grid_id=grid_id,
            community_id=community_id,
            street_id=street_id,
            is_full=bool(full),
        )
        for (
            shift_id,
            starts_at,
            ends_at,
            skills,
            category,
            grid_id,
            community_id,
            street_id,
            full,
        ) in db.session.execute(query)
    ]


def shifts_by_id(ids: Collection[int]) -> dict[int, Shift]:
    """These shifts with what their cards show (one query)."""
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Shift)
        .join(Shift.project)
        .where(Shift.id.in_(list(ids)))
        .options(
            contains_eager(Shift.project).joinedload(Project.organization),
            contains_eager(Shift.project).joinedload(Project.community),
            joinedload(Shift.grid),
        )
    ).unique()
    return {shift.id: shift for shift in rows}


def busy_times(
    user_id: int, start: datetime, end: datetime
) -> tuple[list[tuple[datetime, datetime]], frozenset[int]]:
    """The person's active sign-ups touching [start, end): times and shift ids."""
    rows = db.session.execute(
        select(Signup.shift_id, Signup.starts_at, Signup.ends_at).where(
            Signup.user_id == user_id,
            Signup.state.in_(ACTIVE_STATES),
            Signup.ends_at > start,
            Signup.starts_at < end,
        )
    ).all()
    return [(s, e) for _id, s, e in rows], frozenset(i for i, _s, _e in rows)


def candidate_people(
    shift: Shift,
    now: datetime,
    *,
    weekly_cap: int,
    limit: int = CANDIDATE_LIMIT,
) -> list[Candidate]:
    """Onboarded volunteers of the shift's street who are free then, not yet asked,
    and under the weekly invitation cap: closest and available first."""
    project = shift.project
    day, part = slot_of(shift.starts_at)
    free_then = VolunteerProfile.availability.op("&")(1 << (day * PARTS + part)) != 0
    closeness = case(
        (
            and_(
                literal(shift.grid_id is not None),
                VolunteerProfile.home_grid_id == shift.grid_id,
            ),
            2,
        ),
        (VolunteerProfile.home_community_id == project.community_id, 1),
        else_=0,
    )
    recent = (
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.user_id == VolunteerProfile.user_id,
            Invitation.created_at > now - timedelta(days=RECENT_DAYS),
        )
        .correlate(VolunteerProfile)
        .scalar_subquery()
    )
    street_communities = select(Community.id).where(
        Community.street_id == project.street_id
    )
    clash = exists().where(
        Signup.user_id == VolunteerProfile.user_id,
        Signup.state.in_(ACTIVE_STATES),
        Signup.starts_at < shift.ends_at,
        Signup.ends_at > shift.starts_at,
    )
    asked = exists().where(
        Invitation.user_id == VolunteerProfile.user_id,
        Invitation.shift_id == shift.id,
    )
    volunteer = exists().where(
        RoleGrant.user_id == VolunteerProfile.user_id,
        RoleGrant.role == Role.VOLUNTEER,
        RoleGrant.revoked_at.is_(None),
    )
    rows = db.session.execute(
        select(VolunteerProfile, User.name, User.mobile)
        .join(User, User.id == VolunteerProfile.user_id)
        .where(
            VolunteerProfile.home_community_id.in_(street_communities),
            VolunteerProfile.onboarded_at.is_not(None),
            User.active.is_(True),
            volunteer,
            ~clash,
            ~asked,
            recent < weekly_cap,
        )
        .order_by(closeness.desc(), free_then.desc(), VolunteerProfile.user_id)
        .limit(limit)
    ).all()
    ids = [profile.user_id for profile, _name, _mobile in rows]
    hours = monthly_load_hours(ids, now)
    invitations = recent_invitation_counts(ids, now)
    return [
        Candidate(
            person_from(
                profile,
                project.street_id,
                hours=hours.get(profile.user_id, 0.0),
                invitations=invitations.get(profile.user_id, 0),
            ),
            name,
            mobile,
        )
        for profile, name, mobile in rows
    ]


def invitations_for_shift(shift_id: int) -> list[Invitation]:
    """Everyone asked to a shift, newest first, with their people."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.shift_id == shift_id)
            .options(joinedload(Invitation.user))
            .order_by(Invitation.id.desc())
            .limit(CANDIDATE_LIMIT)
        )
    )


def pending_invitations(
    user_id: int, now: datetime, limit: int = 10
) -> list[Invitation]:
    """My invitations still waiting for an answer, for shifts not yet started."""
    return list(
        db.session.scalars(
            select(Invitation)
            .join(Invitation.shift)
            .join(Shift.project)
            .where(
                Invitation.user_id == user_id,
                Invitation.state == InvitationState.PENDING,
                Shift.state == ShiftState.SCHEDULED,
                Shift.starts_at > now,
            )
            .options(contains_eager(Invitation.shift).contains_eager(Shift.project))
            .order_by(Shift.starts_at)
            .limit(limit)
        )
    )
