"""Ledger changes: confirm shift hours, back-fill (补录), adjust, dispute.

A confirmed record is final (the model refuses to flush a change); everything
after confirmation is a new row: an adjustment with its author and reason.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import select

from hub import audit
from hub.db import begin_writing
from hub.errors import DomainError
from hub.extensions import db
from hub.hours import ledger
from hub.models import (
    Attendance,
    HourDispute,
    HourRecord,
    Project,
    Shift,
    Signup,
    User,
)
from hub.models.base import utcnow
from hub.models.hours import (
    ConfirmedRecordIsFinal,
    DisputeState,
    Method,
    RecordKind,
    RecordState,
)
from hub.models.shifts import SignupState
from hub.notifications.services import notify
from hub.workdays import SHANGHAI

#: Back-filled hours stay visible as pending this long after approval.
BACKFILL_WAIT = timedelta(days=7)
#: The most one back-fill or adjustment may say (a very long day).
MAX_ENTRY_MINUTES = 24 * 60

__all__ = ["ConfirmedRecordIsFinal"]


class NotStarted(DomainError):
    """Hours are confirmed once the shift has started."""


class StillCheckedIn(DomainError):
    """Someone is still checked in before the shift's end: end the shift first."""


class SecondPersonNeeded(DomainError):
    """Back-filled hours are approved by someone other than who entered them."""


class NotAwaitingApproval(DomainError):
    """The record is not a back-fill waiting for approval."""


class BadEntry(DomainError):
    """Minutes not a positive multiple of 15, or a day in the future."""


class NotDisputable(DomainError):
    """Only your own confirmed records can be disputed, once at a time."""


class DisputeClosed(DomainError):
    """The dispute is already resolved."""


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def _close_open_spans(shift: Shift, user_id: int, now: datetime) -> None:
    spans = db.session.scalars(
        select(Attendance).where(
            Attendance.shift_id == shift.id,
            Attendance.user_id == user_id,
            Attendance.checked_out_at.is_(None),
        )
    ).all()
    if spans and now < shift.ends_at:
        raise StillCheckedIn(user_id)
    for span in spans:
        span.checked_out_at = max(shift.ends_at, span.checked_in_at)
        span.out_method = Method.END_ALL
    db.session.flush()


def _confirm(
    record: HourRecord, *, by_id: int, now: datetime, counts_from: datetime
) -> None:
    """The one step to confirmed: every field in one flush (after it, it is final)."""
    with db.session.no_autoflush:
        record.state = RecordState.CONFIRMED
        record.confirmed_by_id = by_id
        record.confirmed_at = now
        record.counts_from = counts_from
    db.session.flush()


def confirm_hours(
    shift: Shift,
    *,
    by: User,
    signup: Signup | None = None,
    now: datetime | None = None,
) -> list[HourRecord]:
    """Confirm the hours of everyone who attended (or of one person); final."""
    begin_writing()
    now = now or utcnow()
    shift = db.session.get(Shift, shift.id)
    if now < shift.starts_at:
        raise NotStarted(shift.id)
    query = select(Signup).where(
        Signup.shift_id == shift.id, Signup.state == SignupState.ATTENDED
    )
    if signup is not None:
        query = query.where(Signup.id == signup.id)
    confirmed: list[HourRecord] = []
    for person in db.session.scalars(query.order_by(Signup.id)).all():
        existing = ledger.shift_record(shift.id, person.user_id)
        if existing is not None and existing.state == RecordState.CONFIRMED:
            continue
        _close_open_spans(shift, person.user_id, now)
        record = ledger.refresh_pending(shift, person.user_id)
        _confirm(record, by_id=by.id, now=now, counts_from=now)
        audit.record(
            by,
            record,
            "hours.confirm",
            from_state=RecordState.PENDING,
            to_state=RecordState.CONFIRMED,
            street_id=shift.project.street_id,
            data={"minutes": record.minutes},
            now=now,
        )
        notify(
            person.user,
            "hours_confirmed",
            params={"hours": _hours(record.minutes), "project": shift.project.title},
            url=url_for("hours.mine"),
            now=now,
        )
        confirmed.append(record)
    return confirmed


def _check_entry(minutes: int, served_on: date | None, now: datetime) -> None:
    if minutes == 0 or minutes % 15 or abs(minutes) > MAX_ENTRY_MINUTES:
        raise BadEntry("minutes")
    if served_on is not None and served_on > ledger.local_day(now):
        raise BadEntry("served_on")


def add_backfill(
    project: Project,
    *,
    by: User,
    volunteer: User,
    served_on: date,
    minutes: int,
    reason: str,
    now: datetime | None = None,
) -> HourRecord:
    """Enter hours after the fact (补录); they wait for a second person's approval."""
    now = now or utcnow()
    _check_entry(minutes, served_on, now)
    if minutes < 0 or not reason.strip():
        raise BadEntry("reason")
    record = HourRecord(
        user_id=volunteer.id,
        kind=RecordKind.BACKFILL,
        state=RecordState.AWAITING_APPROVAL,
        minutes=minutes,
        organization_id=project.organization_id,
        project_id=project.id,
        served_on=served_on,
        reason=reason.strip(),
        created_by_id=by.id,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        by,
        record,
        "hours.backfill",
        to_state=RecordState.AWAITING_APPROVAL,
        reason=record.reason,
        street_id=project.street_id,
        data={"minutes": minutes, "user_id": volunteer.id},
        now=now,
    )
    return record


def approve_backfill(
    record: HourRecord, *, by: User, now: datetime | None = None
) -> HourRecord:
    """A second person approves back-filled hours; they count 7 days later."""
    now = now or utcnow()
    if record.state != RecordState.AWAITING_APPROVAL:
        raise NotAwaitingApproval(record.id)
    if by.id in (record.created_by_id, record.user_id):
        raise SecondPersonNeeded(record.id)
    _confirm(record, by_id=by.id, now=now, counts_from=now + BACKFILL_WAIT)
    audit.record(
        by,
        record,
        "hours.approve",
        from_state=RecordState.AWAITING_APPROVAL,
        to_state=RecordState.CONFIRMED,
        street_id=record.project.street_id,
        now=now,
    )
    notify(
        record.user,
        "hours_approved",
        params={
            "hours": _hours(record.minutes),
            "project": record.project.title,
            "date": (now + BACKFILL_WAIT).astimezone(SHANGHAI).date().isoformat(),
        },
        url=url_for("hours.mine"),
        now=now,
    )
    return record


def reject_backfill(
    record: HourRecord, *, by: User, reason: str, now: datetime | None = None
) -> HourRecord:
    """Refuse back-filled hours, with a reason."""
    now = now or utcnow()
    if record.state != RecordState.AWAITING_APPROVAL:
        raise NotAwaitingApproval(record.id)
    if by.id == record.user_id:
        raise SecondPersonNeeded(record.id)
    record.state = RecordState.REJECTED
    db.session.flush()
    audit.record(
        by,
        record,
        "hours.reject",
        from_state=RecordState.AWAITING_APPROVAL,
        to_state=RecordState.REJECTED,
        reason=reason.strip(),
        street_id=record.project.street_id,
        now=now,
    )
    return record


def add_adjustment(
    record: HourRecord,
    *,
    by: User,
    minutes: int,
    reason: str,
    now: datetime | None = None,
) -> HourRecord:
    """Correct a confirmed record by ± minutes: a new row, never an edit."""
    now = now or utcnow()
    _check_entry(minutes, None, now)
    if not reason.strip():
        raise BadEntry("reason")
    if record.state != RecordState.CONFIRMED or record.kind == RecordKind.ADJUSTMENT:
        raise NotDisputable(record.id)
    adjustment = HourRecord(
        user_id=record.user_id,
        kind=RecordKind.ADJUSTMENT,
        state=RecordState.CONFIRMED,
        minutes=minutes,
        organization_id=record.organization_id,
        project_id=record.project_id,
        served_on=record.served_on,
        adjusts_id=record.id,
        reason=reason.strip(),
        created_by_id=by.id,
        confirmed_by_id=by.id,
        confirmed_at=now,
        counts_from=max(now, record.counts_from or now),
    )
    db.session.add(adjustment)
    db.session.flush()
    audit.record(
        by,
        adjustment,
        "hours.adjust",
        to_state=RecordState.CONFIRMED,
        reason=adjustment.reason,
        street_id=record.project.street_id,
        data={"minutes": minutes, "adjusts": record.id},
        now=now,
    )
    return adjustment


def open_dispute(
    record: HourRecord, *, user: User, reason: str, now: datetime | None = None
) -> HourDispute:
    """The volunteer says their confirmed record is wrong."""
    now = now or utcnow()
    if (
        record.user_id != user.id
        or record.state != RecordState.CONFIRMED
        or record.kind == RecordKind.ADJUSTMENT
        or open_dispute_of(record) is not None
        or not reason.strip()
    ):
        raise NotDisputable(record.id)
    dispute = HourDispute(record_id=record.id, user_id=user.id, reason=reason.strip())
    db.session.add(dispute)
    db.session.flush()
    audit.record(
        user,
        dispute,
        "hours.dispute",
        to_state=DisputeState.OPEN,
        reason=dispute.reason,
        street_id=record.project.street_id,
        now=now,
    )
    return dispute


def open_dispute_of(record: HourRecord) -> HourDispute | None:
    return db.session.scalar(
        select(HourDispute).where(
            HourDispute.record_id == record.id, HourDispute.state == DisputeState.OPEN
        )
    )


def resolve_dispute(
    dispute: HourDispute,
    *,
    by: User,
    resolution: str,
    minutes: int = 0,
    now: datetime | None = None,
) -> HourDispute:
    """Answer a dispute; a change of minutes is made as an adjustment."""
    now = now or utcnow()
    if dispute.state != DisputeState.OPEN:
        raise DisputeClosed(dispute.id)
    if not resolution.strip():
        raise BadEntry("resolution")
    if minutes:
        adjustment = add_adjustment(
            dispute.record, by=by, minutes=minutes, reason=resolution, now=now
        )
        dispute.adjustment_id = adjustment.id
    dispute.state = DisputeState.RESOLVED
    dispute.resolution = resolution.strip()
    dispute.resolved_by_id = by.id
    dispute.resolved_at = now
    db.session.flush()
    audit.record(
        by,
        dispute,
        "hours.resolve",
        from_state=DisputeState.OPEN,
        to_state=DisputeState.RESOLVED,
        reason=dispute.resolution,
        street_id=dispute.record.project.street_id,
        now=now,
    )
    notify(
        dispute.user,
        "dispute_resolved",
        params={"project": dispute.record.project.title, "text": dispute.resolution},
        url=url_for("hours.mine"),
        now=now,
    )
    return dispute
