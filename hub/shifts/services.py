"""Shift and sign-up services. Capacity is never exceeded and nobody holds two
overlapping confirmed shifts, also under many simultaneous requests: a
conditional UPDATE moves the confirmed count (a CHECK constraint backs it), and
the person's row is locked (PostgreSQL) or the write lock taken (SQLite,
BEGIN IMMEDIATE) while their overlaps are checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from hub import audit
from hub.db import begin_writing
from hub.errors import DomainError, NumberNotVerified
from hub.extensions import db
from hub.i18n import LANGUAGE_CODES
from hub.models import Grid, Project, Shift, Signup, User
from hub.models.base import utcnow
from hub.models.shifts import ACTIVE_STATES, ShiftState, SignupState
from hub.notifications.services import notify
from hub.shifts import when

MAX_REPEAT_WEEKS = 26


class ShiftNotOpen(DomainError):
    """The shift is cancelled, has started, or its project is not recruiting."""


class OverlapsAnotherShift(DomainError):
    """The person already holds a confirmed shift at that time."""

    def __init__(self, other: Signup) -> None:
        super().__init__(other.shift_id)
        self.other = other


class NewAccountLimit(DomainError):
    """An account that has not yet attended a shift holds the most places it may."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def newcomers(user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who have never attended a shift (one query)."""
    ids = set(user_ids)
    if not ids:
        return set()
    attended = db.session.scalars(
        select(Signup.user_id)
        .where(Signup.user_id.in_(ids), Signup.state == SignupState.ATTENDED)
        .distinct()
    )
    return ids - set(attended)


def _check_new_account_limit(user: User, now: datetime) -> None:
    """Throwaway accounts cannot fill shifts: until someone has attended once,
    they hold at most NEW_ACCOUNT_SIGNUPS upcoming confirmed places."""
    limit = current_app.config["NEW_ACCOUNT_SIGNUPS"]
    if not newcomers([user.id]):
        return
    held = db.session.scalar(
        select(func.count())
        .select_from(Signup)
        .where(
            Signup.user_id == user.id,
            Signup.state == SignupState.CONFIRMED,
            Signup.starts_at > now,
        )
    )
    if held >= limit:
        raise NewAccountLimit(limit)


class CapacityBelowConfirmed(DomainError):
    """Capacity cannot go below the number already confirmed."""


class BadShift(DomainError):
    """The shift ends before it starts, or its grid is not in the community."""


def _check_shift(
    project: Project, starts_at: datetime, ends_at: datetime, grid: Grid | None
) -> None:
    if ends_at <= starts_at:
        raise BadShift("times")
    if grid is not None and grid.community_id != project.community_id:
        raise BadShift("grid")


def add_shifts(
    project: Project,
    *,
    by: User,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int,
    grid: Grid | None = None,
    required_skills: list[str] | None = None,
    repeat_weeks: int = 0,
) -> list[Shift]:
    """Add a shift, and the same weekday and time for ``repeat_weeks`` more weeks."""
    if not project.is_running:
        raise ShiftNotOpen(project.state)
    _check_shift(project, starts_at, ends_at, grid)
    repeat_weeks = max(0, min(repeat_weeks, MAX_REPEAT_WEEKS))
    shifts: list[Shift] = []
    for week in range(repeat_weeks + 1):
        shift = Shift(
            project_id=project.id,
            starts_at=starts_at + timedelta(weeks=week),
            ends_at=ends_at + timedelta(weeks=week),
            place=place.strip(),
            grid_id=grid.id if grid else None,
            capacity=capacity,
            confirmed_count=0,
            required_skills=list(required_skills or []),
            created_by_id=by.id,
        )
        db.session.add(shift)
        db.session.flush()
        shift.series_id = shifts[0].id if shifts else shift.id
        shifts.append(shift)
    db.session.flush()
    audit.record(
        by,
        project,
        "shift.add",
        street_id=project.street_id,
        data={"shift_ids": [s.id for s in shifts]},
    )
    return shifts


def update_shift(
    shift: Shift,
    *,
    by: User,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int,
    grid: Grid | None = None,
    required_skills: list[str] | None = None,
) -> None:
    """Change a shift; capacity never below those already confirmed. When its time
    or place changes, everyone signed up or waiting is told the new one, and a
    reminder is due again for the new time."""
    begin_writing()
    if not shift.may_edit():
        raise ShiftNotOpen(shift.id)
    _check_shift(shift.project, starts_at, ends_at, grid)
    before = (shift.starts_at, shift.ends_at, shift.place)
    result = db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.confirmed_count <= capacity)
        .values(
            capacity=capacity,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place.strip(),
            grid_id=grid.id if grid else None,
            required_skills=list(required_skills or []),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise CapacityBelowConfirmed(shift.id)
    moved = (starts_at, ends_at) != before[:2]
    db.session.execute(
        update(Signup)
        .where(Signup.shift_id == shift.id)
        .values(
            starts_at=starts_at,
            ends_at=ends_at,
            **({"reminded_at": None} if moved else {}),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(shift)
    shift = db.session.get(Shift, shift.id)
    if moved or place.strip() != before[2]:
        _tell_changed(shift)
    _promote(shift)
    audit.record(by, shift, "shift.update", street_id=shift.project.street_id)


def _tell_changed(shift: Shift) -> None:
    """Tell the people on a shift its new time and place, each in their language."""
    for signup in _people_on(shift):
        notify(
            signup.user,
            "shift_changed",
            params={
                "project": shift.project.title,
                "when": when_for(signup.user, shift.starts_at, shift.ends_at),
                "place": shift.place,
            },
            url=url_for("shifts.mine"),
        )


def _people_on(shift: Shift) -> list[Signup]:
    """Everyone confirmed or waiting on a shift, first come first, with accounts."""
    return list(
        db.session.scalars(
            select(Signup)
            .where(Signup.shift_id == shift.id, Signup.state.in_(ACTIVE_STATES))
            .options(selectinload(Signup.user))
            .order_by(Signup.queued_at, Signup.id)
        )
    )


def _active(shift_id: int, user_id: int) -> Signup | None:
    return db.session.scalar(
        select(Signup).where(Signup.shift_id == shift_id, Signup.user_id == user_id)
    )


def _overlap(user_id: int, shift: Shift) -> Signup | None:
    return db.session.scalar(
        select(Signup).where(
            Signup.user_id == user_id,
            Signup.state == SignupState.CONFIRMED,
            Signup.shift_id != shift.id,
            Signup.starts_at < shift.ends_at,
            Signup.ends_at > shift.starts_at,
        )
    )


def _take_place(shift_id: int) -> bool:
    """One atomic step: a place is taken only while one is left."""
    taken = db.session.execute(
        update(Shift)
        .where(
            Shift.id == shift_id,
            Shift.state == ShiftState.SCHEDULED,
            Shift.confirmed_count < Shift.capacity,
        )
        .values(confirmed_count=Shift.confirmed_count + 1)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def _state_now(shift_id: int) -> str:
    """The shift's state as committed now, not as this session last saw it."""
    return db.session.scalar(
        select(Shift.state)
        .where(Shift.id == shift_id)
        .execution_options(populate_existing=True)
    )


def _free_place(shift_id: int) -> None:
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift_id, Shift.confirmed_count > 0)
        .values(confirmed_count=Shift.confirmed_count - 1)
        .execution_options(synchronize_session=False)
    )


def sign_up(shift: Shift, *, user: User, now: datetime | None = None) -> Signup:
    """Confirm a place, or join the waitlist when full; repeating changes nothing."""
    begin_writing()
    now = now or utcnow()
    shift = db.session.get(Shift, shift.id)
    if not shift.is_open(now):
        raise ShiftNotOpen(shift.id)
    if user.mobile_verified_at is None:
        raise NumberNotVerified(user.id)
    # Serialise this person's sign-ups, so two overlapping requests cannot both pass.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    existing = _active(shift.id, user.id)
    if existing is not None and existing.is_active:
        return existing  # a double tap
    _check_new_account_limit(user, now)
    clash = _overlap(user.id, shift)
    if clash is not None:
        raise OverlapsAnotherShift(clash)
    if _take_place(shift.id):
        state = SignupState.CONFIRMED
    elif _state_now(shift.id) != ShiftState.SCHEDULED:
        # Cancelled by someone else while this request ran (the UPDATE waited for
        # it): no place to wait for.
        raise ShiftNotOpen(shift.id)
    else:
        state = SignupState.WAITLISTED
    if existing is None:
        signup = Signup(
            shift_id=shift.id,
            user_id=user.id,
            state=state,
            queued_at=now,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            state_changed_at=now,
        )
        db.session.add(signup)
    else:  # signing up again after cancelling: back of the queue
        signup = existing
        signup.move(state, now=now)
        signup.queued_at = now
    db.session.flush()
    db.session.expire(shift, ["confirmed_count"])
    audit.record(
        user, signup, "signup.create", to_state=state, street_id=shift.project.street_id
    )
    return signup


def _promote(shift: Shift) -> list[Signup]:
    """Fill free places from the waitlist, first come first served, and tell them.

    Someone who meanwhile took another shift at that time is passed over (and
    keeps their place in the queue).
    """
    waiting = db.session.scalars(
        select(Signup)
        .where(Signup.shift_id == shift.id, Signup.state == SignupState.WAITLISTED)
        .order_by(Signup.queued_at, Signup.id)
        .with_for_update()
    ).all()
    promoted: list[Signup] = []
    for candidate in waiting:
        if _overlap(candidate.user_id, shift) is not None:
            continue
        if not _take_place(shift.id):
            break
        candidate.move(SignupState.CONFIRMED)
        promoted.append(candidate)
        notify(
            candidate.user,
            "signup_promoted",
            params={"project": shift.project.title},
            url=url_for("shifts.mine"),
        )
    db.session.flush()
    db.session.expire(shift, ["confirmed_count"])
    return promoted


def cancel_signup(
    signup: Signup, *, by: User, reason: str | None = None
) -> list[Signup]:
    """Give up a place (or leave the waitlist); the first waiting person moves up."""
    begin_writing()
    signup = db.session.get(Signup, signup.id)
    if not signup.is_active:
        return []
    was_confirmed = signup.is_confirmed
    signup.move(SignupState.CANCELLED, reason=(reason or "").strip() or None)
    db.session.flush()
    action = "signup.cancel" if by.id == signup.user_id else "signup.remove"
    audit.record(
        by,
        signup,
        action,
        from_state=SignupState.CONFIRMED if was_confirmed else SignupState.WAITLISTED,
        to_state=SignupState.CANCELLED,
        reason=signup.reason,
        street_id=signup.shift.project.street_id,
    )
    if by.id != signup.user_id:
        notify(
            signup.user,
            "signup_removed",
            params={
                "project": signup.shift.project.title,
                "reason": signup.reason or "",
            },
            url=url_for("shifts.mine"),
        )
    if not was_confirmed:
        return []
    _free_place(signup.shift_id)
    return _promote(signup.shift)


def cancel_shift(shift: Shift, *, by: User, reason: str) -> None:
    """Cancel a shift with a reason; everyone signed up is told."""
    begin_writing()
    _cancel(shift, by=by, reason=reason)


def cancel_upcoming_shifts(
    project: Project, *, by: User, reason: str, now: datetime | None = None
) -> int:
    """Cancel a project's shifts that have not started (the project is cancelled):
    everyone signed up or waiting is told, as for one shift. Returns how many."""
    now = now or utcnow()
    shifts = db.session.scalars(
        select(Shift)
        .where(
            Shift.project_id == project.id,
            Shift.state == ShiftState.SCHEDULED,
            Shift.starts_at > now,
        )
        .order_by(Shift.starts_at, Shift.id)
    ).all()
    for shift in shifts:
        _cancel(shift, by=by, reason=reason)
    return len(shifts)


def _cancel(shift: Shift, *, by: User, reason: str) -> None:
    if not reason.strip():
        raise ValueError("a reason is required")
    shift = db.session.get(Shift, shift.id)
    if shift.is_cancelled:
        return
    now = utcnow()
    shift.cancel(reason.strip(), now=now)
    people = db.session.scalars(
        select(Signup).where(
            Signup.shift_id == shift.id, Signup.state.in_(ACTIVE_STATES)
        )
    ).all()
    for signup in people:
        signup.move(SignupState.CANCELLED, now=now, reason=shift.cancel_reason)
        notify(
            signup.user,
            "shift_cancelled",
            params={"project": shift.project.title, "reason": shift.cancel_reason},
            url=url_for("shifts.mine"),
        )
    shift.confirmed_count = 0
    db.session.flush()
    audit.record(
        by,
        shift,
        "shift.cancel",
        to_state=ShiftState.CANCELLED,
        reason=shift.cancel_reason,
        street_id=shift.project.street_id,
    )


def when_for(user: User, starts_at: datetime, ends_at: datetime | None = None) -> str:
    """A shift's time (or only its start) in this person's language, Asia/Shanghai."""
    locale = user.locale
    if locale not in LANGUAGE_CODES:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        return when(starts_at, ends_at)


def message_shift(shift: Shift, *, by: User, text: str) -> int:
    """Tell everyone confirmed or waiting on a shift; returns how many were told."""
    text = text.strip()
    if not text:
        raise ValueError("a message needs text")
    people = _people_on(shift)
    if not people:
        return 0
    for signup in people:
        notify(
            signup.user,
            "shift_message",
            params={
                "project": shift.project.title,
                "when": when_for(signup.user, shift.starts_at, shift.ends_at),
                "text": text,
            },
            url=url_for("shifts.mine"),
        )
    # Who wrote to how many, not what: the log is read by the street's reviewers.
    audit.record(
        by,
        shift,
        "shift.message",
        street_id=shift.project.street_id,
        data={"recipients": len(people)},
    )
    return len(people)
