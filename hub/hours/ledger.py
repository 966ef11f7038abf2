"""The hours ledger: how attendance becomes minutes, and what counts.

Rounding rule: attended time is the UNION of the person's check-in/check-out
cycles that count (seen live, or confirmed by the shift's staff), clipped to the
shift, so overlapping cycles are never added twice; it is capped at the shift's
length, then rounded to the NEAREST quarter hour; a tie (exactly 7 min 30 s past a
quarter) rounds UP. So 7:29 → 0, 7:30 → 15, 52:29 → 45, 52:30 → 60. Minutes are
stored as integers. A cycle sent later from an offline phone with a code that was
no longer fresh adds nothing until someone on the shift's staff confirms it.

What counts: a record counts once it is confirmed and its ``counts_from`` has
passed (shift hours and corrections downwards at confirmation; back-filled hours
and corrections upwards 7 days after a second person approved them). The one
definition is ``HourRecord.counting(now)``; periods select by the day of service.

The functions other features use (keep their names stable):
``counting_minutes`` (a person, a period), ``minutes_by_user`` (many people),
``minutes_by_organization`` (scorecards), ``attended`` (evaluation eligibility).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import exists, func, select

from hub.extensions import db
from hub.localtime import local_date
from hub.models import Attendance, HourRecord, Project, Shift, Signup, User
from hub.models.base import utcnow
from hub.models.hours import RecordKind, RecordState
from hub.models.shifts import SignupState

QUARTER_SECONDS = 15 * 60


def round_to_quarter(seconds: float) -> int:
    """Whole minutes, to the nearest quarter hour; ties round up."""
    seconds = max(0, int(seconds))
    return (seconds + QUARTER_SECONDS // 2) // QUARTER_SECONDS * 15


def attended_seconds(spans: Iterable[Attendance], shift: Shift) -> int:
    """Seconds inside the shift covered by closed cycles that count: their union,
    so time covered by two overlapping cycles is counted once."""
    pieces = sorted(
        (
            max(span.checked_in_at, shift.starts_at),
            min(span.checked_out_at, shift.ends_at),
        )
        for span in spans
        if span.checked_out_at is not None and span.counts
    )
    total = 0
    covered_to: datetime | None = None
    for start, end in pieces:
        if covered_to is not None:
            start = max(start, covered_to)
        if end > start:
            total += int((end - start).total_seconds())
            covered_to = end
    length = int((shift.ends_at - shift.starts_at).total_seconds())
    return min(total, length)


def shift_minutes(spans: Iterable[Attendance], shift: Shift) -> int:
    """The minutes a person earns on a shift from their cycles (see the rule)."""
    return round_to_quarter(attended_seconds(spans, shift))


def local_day(moment: datetime) -> date:
    """The calendar day in local time."""
    return local_date(moment)


def spans_of(shift_id: int, user_id: int) -> list[Attendance]:
    """A person's cycles on a shift, oldest first."""
    return list(
        db.session.scalars(
            select(Attendance)
            .where(Attendance.shift_id == shift_id, Attendance.user_id == user_id)
            .order_by(Attendance.checked_in_at, Attendance.id)
        )
    )


def shift_record(shift_id: int, user_id: int) -> HourRecord | None:
    """The person's record for a shift (pending or confirmed), if any."""
    return db.session.scalar(
        select(HourRecord).where(
            HourRecord.shift_id == shift_id, HourRecord.user_id == user_id
        )
    )


def refresh_pending(shift: Shift, user_id: int) -> HourRecord | None:
    """Write the person's minutes on the shift into their pending record.

    A confirmed record is left alone (the callers refuse such changes first).
    """
    record = shift_record(shift.id, user_id)
    if record is not None and record.state != RecordState.PENDING:
        return record
    minutes = shift_minutes(spans_of(shift.id, user_id), shift)
    if record is None:
        record = HourRecord(
            user_id=user_id,
            kind=RecordKind.SHIFT,
            state=RecordState.PENDING,
            organization_id=shift.project.organization_id,
            project_id=shift.project_id,
            shift_id=shift.id,
            served_on=local_day(shift.starts_at),
            minutes=minutes,
        )
        db.session.add(record)
    elif record.minutes != minutes:
        record.minutes = minutes
    db.session.flush()
    return record


# What counts: the API other features use -------------------------------------------


def _counting(now: datetime, start: date | None, end: date | None) -> list:
    conditions = [HourRecord.counting(now)]
    if start is not None:
        conditions.append(HourRecord.served_on >= start)
    if end is not None:
        conditions.append(HourRecord.served_on <= end)
    return conditions


def counting_minutes(
    user: User | int,
    start: date | None = None,
    end: date | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """A person's confirmed, counting minutes served between start and end (days)."""
    user_id = user if isinstance(user, int) else user.id
    total = db.session.scalar(
        select(func.coalesce(func.sum(HourRecord.minutes), 0)).where(
            HourRecord.user_id == user_id, *_counting(now or utcnow(), start, end)
        )
    )
    return max(0, int(total or 0))


def minutes_by_user(
    user_ids: Sequence[int],
    start: date | None = None,
    end: date | None = None,
    *,
    now: datetime | None = None,
) -> dict[int, int]:
    """Confirmed, counting minutes per person (one query); missing means 0."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(HourRecord.user_id, func.sum(HourRecord.minutes))
        .where(
            HourRecord.user_id.in_(list(user_ids)),
            *_counting(now or utcnow(), start, end),
        )
        .group_by(HourRecord.user_id)
    )
    return {user_id: max(0, int(total or 0)) for user_id, total in rows}


def minutes_by_organization(
    organization_ids: Sequence[int] | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    now: datetime | None = None,
) -> dict[int, int]:
    """Confirmed, counting minutes each organization recorded (all if ids is None)."""
    query = (
        select(HourRecord.organization_id, func.sum(HourRecord.minutes))
        .where(*_counting(now or utcnow(), start, end))
        .group_by(HourRecord.organization_id)
    )
    if organization_ids is not None:
        query = query.where(HourRecord.organization_id.in_(list(organization_ids)))
    return {org_id: int(total or 0) for org_id, total in db.session.execute(query)}


def attended(user: User | int, project: Project | int) -> bool:
    """Whether the person attended one of the project's shifts (checked in/marked)."""
    user_id = user if isinstance(user, int) else user.id
    project_id = project if isinstance(project, int) else project.id
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Signup.user_id == user_id,
                    Signup.state == SignupState.ATTENDED,
                    Signup.shift_id == Shift.id,
                    Shift.project_id == project_id,
                )
            )
        )
    )


def shifts_awaiting_confirmation(
    project: Project, now: datetime | None = None
) -> list[tuple[Shift, int]]:
    """The project's shifts that are over with hours still to confirm, oldest
    first, each with how many people's hours wait (one grouped query)."""
    rows = db.session.execute(
        select(Shift, func.count(HourRecord.id))
        .join(HourRecord, HourRecord.shift_id == Shift.id)
        .where(
            HourRecord.project_id == project.id,
            HourRecord.state == RecordState.PENDING,
            Shift.ends_at <= (now or utcnow()),
        )
        .group_by(Shift.id)
        .order_by(Shift.starts_at, Shift.id)
    ).all()
    return [(shift, count) for shift, count in rows]
