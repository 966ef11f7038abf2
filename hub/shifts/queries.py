"""Shift queries other features read (projects, posters, finding, templates):
the shifts feature owns its data, so the questions about it live here."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from hub.extensions import db
from hub.models import Project, Shift, Signup
from hub.models.base import utcnow
from hub.models.shifts import ACTIVE_STATES, ShiftState, SignupState

#: Scheduled shifts listed on a project's manage page.
MANAGE_PAGE_SHIFTS = 50
#: Shifts on the project page; the rest are on its "all upcoming shifts" pages.
PROJECT_PAGE_SHIFTS = 10


def upcoming_query(project: Project) -> Select:
    """A project's scheduled shifts that have not started (a query)."""
    return select(Shift).where(
        Shift.project_id == project.id,
        Shift.state == ShiftState.SCHEDULED,
        Shift.starts_at > utcnow(),
    )


def upcoming_shifts(
    project: Project, *, limit: int = PROJECT_PAGE_SHIFTS, offset: int = 0
) -> list[Shift]:
    """A project's scheduled shifts that have not started, soonest first."""
    return list(
        db.session.scalars(
            upcoming_query(project)
            .options(selectinload(Shift.grid))
            .order_by(Shift.starts_at, Shift.id)
            .limit(limit)
            .offset(offset)
        )
    )


def my_signups_for(user, shift_ids: list[int]) -> dict[int, Signup]:  # noqa: ANN001
    """This person's active sign-ups among these shifts, by shift id (one query)."""
    if not (user and user.is_authenticated) or not shift_ids:
        return {}
    rows = db.session.scalars(
        select(Signup).where(
            Signup.user_id == user.id,
            Signup.shift_id.in_(shift_ids),
            Signup.state.in_(ACTIVE_STATES),
        )
    )
    return {s.shift_id: s for s in rows}


def organizer_shifts(project: Project) -> list[tuple[Shift, int]]:
    """Scheduled shifts not yet over, soonest first, each with how many wait."""
    waiting = (
        select(func.count(Signup.id))
        .where(Signup.shift_id == Shift.id, Signup.state == SignupState.WAITLISTED)
        .correlate(Shift)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Shift, waiting)
        .where(
            Shift.project_id == project.id,
            Shift.state == ShiftState.SCHEDULED,
            Shift.ends_at > utcnow(),
        )
        .order_by(Shift.starts_at, Shift.id)
        .limit(MANAGE_PAGE_SHIFTS)
    )
    return [(shift, count) for shift, count in rows]
