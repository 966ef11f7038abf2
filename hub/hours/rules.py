"""The rules every hour entered by hand passes, in one place.

The services (``hub.hours.records``) call these on every path (the pages, and any
other caller); the forms call ``check_minutes`` too, only to put the message
beside the field.

- **Minutes entered** (a back-fill, a correction): a multiple of 15, not zero, at
  most a day (24 h); negative only for a correction.
- **The day of a back-fill** lies in the project's span and not in the future. The
  span is the project's period, stretched to any day one of its shifts was held
  (a shift may run just outside the period written on paper), and never past today.
- **A correction** may not take a record below zero, nor above its ceiling: for a
  shift record the shift's length plus ``CORRECTION_MARGIN`` (30 minutes, the time
  the check-in opens before the start for setting up, which the cap on attended
  time leaves out); for a back-fill, a day. Corrections upwards still waiting for
  approval are counted against the ceiling, so two of them cannot pass it together.
- **A day of back-fills**: one person's back-filled hours for one day, all entries
  together (refused ones aside), are at most 24 h.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from hub.errors import DomainError
from hub.extensions import db
from hub.hours import ledger
from hub.models import HourRecord, Project, Shift
from hub.models.hours import RecordKind, RecordState
from hub.models.shifts import ShiftState

#: The most one entry may say, and the most one day may hold: a day.
DAY_MINUTES = 24 * 60
#: How far a correction may take a shift record past the shift's length.
CORRECTION_MARGIN = timedelta(minutes=30)


class BadEntry(DomainError):
    """Entered hours or their day break a rule (the subclass says which)."""


class ZeroHours(BadEntry):
    """Zero hours entered."""


class NegativeHours(BadEntry):
    """A negative number where only a correction may take time away."""


class NotQuarterHours(BadEntry):
    """Not a whole number of quarter hours."""


class OverADay(BadEntry):
    """More than 24 hours in one entry."""


class ReasonMissing(BadEntry):
    """Entered hours always say why."""


class DayInFuture(BadEntry):
    """Service cannot be entered for a day that has not come."""


class DayOutsideProject(BadEntry):
    """The day lies outside the project's span (``first``..``last``)."""

    def __init__(self, first: date, last: date) -> None:
        super().__init__(first, last)
        self.first = first
        self.last = last


class DayFull(BadEntry):
    """With what is already entered for that day, the person would pass 24 hours."""

    def __init__(self, room: int) -> None:
        super().__init__(room)
        #: Minutes still free on that day.
        self.room = room


class AboveCeiling(BadEntry):
    """The correction would take the record above its ceiling."""

    def __init__(self, ceiling: int, standing: int) -> None:
        super().__init__(ceiling, standing)
        self.ceiling = ceiling
        #: The record with its corrections so far (waiting ones included).
        self.standing = standing


class BelowZero(BadEntry):
    """The correction would take the record below zero."""

    def __init__(self, standing: int) -> None:
        super().__init__(standing)
        #: The record with its approved corrections so far.
        self.standing = standing


def check_minutes(minutes: int | Decimal, *, signed: bool = False) -> int:
    """The minutes, if they are an entry people may make (see the module)."""
    if not Decimal(minutes).is_finite():
        raise NotQuarterHours(minutes)
    if minutes == 0:
        raise ZeroHours(minutes)
    if minutes < 0 and not signed:
        raise NegativeHours(minutes)
    if abs(minutes) > DAY_MINUTES:
        raise OverADay(minutes)
    if minutes % 15:
        raise NotQuarterHours(minutes)
    return int(minutes)


def check_reason(reason: str | None) -> str:
    """The reason, stripped; refused when empty."""
    text = (reason or "").strip()
    if not text:
        raise ReasonMissing()
    return text


def project_span(project: Project, now: datetime) -> tuple[date, date]:
    """The first and last day service may be entered for (``first > last``: none)."""
    first_shift, last_shift = db.session.execute(
        select(func.min(Shift.starts_at), func.max(Shift.ends_at)).where(
            Shift.project_id == project.id, Shift.state != ShiftState.CANCELLED
        )
    ).one()
    first, last = project.period_start, project.period_end
    if first_shift is not None:
        first = min(first, ledger.local_day(first_shift))
        last = max(last, ledger.local_day(last_shift))
    return first, min(last, ledger.local_day(now))


def check_day(project: Project, served_on: date, now: datetime) -> None:
    """Refuse a day in the future or outside the project's span."""
    if served_on > ledger.local_day(now):
        raise DayInFuture(served_on)
    first, last = project_span(project, now)
    if not first <= served_on <= last:
        raise DayOutsideProject(first, last)


def check_day_room(user_id: int, served_on: date, minutes: int) -> None:
    """Refuse a back-fill that would give the person more than a day that day."""
    entered = db.session.scalar(
        select(func.coalesce(func.sum(HourRecord.minutes), 0)).where(
            HourRecord.user_id == user_id,
            HourRecord.served_on == served_on,
            HourRecord.kind == RecordKind.BACKFILL,
            HourRecord.state != RecordState.REJECTED,
        )
    )
    if int(entered or 0) + minutes > DAY_MINUTES:
        raise DayFull(max(0, DAY_MINUTES - int(entered or 0)))


def correction_ceiling(record: HourRecord) -> int:
    """The most a record may come to with its corrections (see the module)."""
    if record.shift is None:
        return DAY_MINUTES
    length = record.shift.ends_at - record.shift.starts_at + CORRECTION_MARGIN
    return int(length.total_seconds()) // 60


def standing(record: HourRecord) -> tuple[int, int]:
    """The record with its approved corrections, and the corrections upwards still
    waiting for approval: (minutes, waiting minutes)."""
    rows = db.session.execute(
        select(HourRecord.state, func.sum(HourRecord.minutes))
        .where(
            HourRecord.adjusts_id == record.id,
            HourRecord.state.in_(
                (RecordState.CONFIRMED, RecordState.AWAITING_APPROVAL)
            ),
        )
        .group_by(HourRecord.state)
    ).all()
    sums = {state: int(total or 0) for state, total in rows}
    return (
        record.minutes + sums.get(RecordState.CONFIRMED, 0),
        sums.get(RecordState.AWAITING_APPROVAL, 0),
    )


def check_correction(record: HourRecord, minutes: int) -> None:
    """Refuse a correction that takes the record above its ceiling or below zero."""
    approved, waiting = standing(record)
    if minutes > 0:
        ceiling = correction_ceiling(record)
        if approved + waiting + minutes > ceiling:
            raise AboveCeiling(ceiling, approved + waiting)
    elif approved + minutes < 0:
        raise BelowZero(approved)
