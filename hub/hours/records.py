"""Ledger changes: confirm shift hours, back-fill (补录), adjust, dispute.

A confirmed record is final (the model refuses to flush a change); everything
after confirmation is a new row: an adjustment with its author and reason.
Time added by hand (a back-fill, a correction upwards) needs a second person's
approval and then waits 7 days, visible, before it counts; a correction downwards
counts at once and the volunteer is told. The limits on what may be entered are
in ``hub.hours.rules``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import select

from hub import audit
from hub.db import begin_writing
from hub.errors import DomainError
from hub.extensions import db
from hub.hours import ledger, rules
from hub.hours.rules import BadEntry
from hub.localtime import local_date
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
    NotAwaitingApproval,
    RecordKind,
    RecordState,
    SecondPersonNeeded,
    Verification,
)
from hub.models.shifts import SignupState
from hub.notifications.services import notify

#: Hours added by hand stay visible as waiting this long after approval.
BACKFILL_WAIT = timedelta(days=7)

__all__ = [
    "BadEntry",
    "ConfirmedRecordIsFinal",
    "NotAwaitingApproval",
    "SecondPersonNeeded",
]


class NotStarted(DomainError):
    """Hours are confirmed once the shift has started."""


class StillCheckedIn(DomainError):
    """Someone is still checked in before the shift's end: end the shift first."""


class AwaitingReview(DomainError):
    """A check-in sent later waits for the staff's check: confirm it or refuse it
    before confirming the person's hours (afterwards they are final)."""


class NotCorrectable(DomainError):
    """Only a confirmed shift record or back-fill is corrected (not a correction)."""


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


def awaiting_review(shift: Shift, user_id: int | None = None) -> set[int]:
    """People on the shift with a check-in sent later that waits for the staff."""
    query = select(Attendance.user_id).where(
        Attendance.shift_id == shift.id,
        Attendance.verification == Verification.PENDING,
    )
    if user_id is not None:
        query = query.where(Attendance.user_id == user_id)
    return set(db.session.scalars(query))


def confirm_hours(
    shift: Shift,
    *,
    by: User,
    signup: Signup | None = None,
    now: datetime | None = None,
) -> list[HourRecord]:
    """Confirm the hours of everyone who attended (or of one person); final.

    People with a check-in sent later that waits for the staff's check are left
    pending (asked for one person: ``AwaitingReview``).
    """
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
    waiting = awaiting_review(shift, signup.user_id if signup is not None else None)
    if signup is not None and waiting:
        raise AwaitingReview(signup.id)
    confirmed: list[HourRecord] = []
    for person in db.session.scalars(query.order_by(Signup.id)).all():
        existing = ledger.shift_record(shift.id, person.user_id)
        if existing is not None and existing.state == RecordState.CONFIRMED:
            continue
        if person.user_id in waiting:
            continue
        _close_open_spans(shift, person.user_id, now)
        record = ledger.refresh_pending(shift, person.user_id)
        record.confirm(by_id=by.id, now=now, counts_from=now)
        db.session.flush()
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
    begin_writing()
    now = now or utcnow()
    minutes = rules.check_minutes(minutes)
    rules.check_day(project, served_on, now)
    reason = rules.check_reason(reason)
    # One person's entries queue here, so two at once cannot both fit the day.
    db.session.execute(select(User.id).where(User.id == volunteer.id).with_for_update())
    rules.check_day_room(volunteer.id, served_on, minutes)
    record = HourRecord(
        user_id=volunteer.id,
        kind=RecordKind.BACKFILL,
        state=RecordState.AWAITING_APPROVAL,
        minutes=minutes,
        organization_id=project.organization_id,
        project_id=project.id,
        served_on=served_on,
        reason=reason,
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


def approve_entry(
    record: HourRecord, *, by: User, now: datetime | None = None
) -> HourRecord:
    """A second person approves hours added by hand; they count 7 days later."""
    now = now or utcnow()
    counts_from = now + BACKFILL_WAIT
    if record.adjusts is not None and record.adjusts.counts_from is not None:
        counts_from = max(counts_from, record.adjusts.counts_from)
    record.approve(by_id=by.id, now=now, counts_from=counts_from)
    db.session.flush()
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
        "hours_added" if record.kind == RecordKind.ADJUSTMENT else "hours_approved",
        params={
            "hours": _hours(record.minutes),
            "project": record.project.title,
            "date": local_date(counts_from).isoformat(),
        },
        url=url_for("hours.mine"),
        now=now,
    )
    return record


def reject_entry(
    record: HourRecord, *, by: User, reason: str, now: datetime | None = None
) -> HourRecord:
    """Refuse hours added by hand, with a reason."""
    now = now or utcnow()
    record.reject(by_id=by.id)
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
    """Correct a confirmed record by ± minutes: a new row, never an edit.

    Upwards it waits for a second person's approval (then 7 days, as a back-fill);
    downwards it counts at once and the volunteer is told.
    """
    begin_writing()
    now = now or utcnow()
    minutes = rules.check_minutes(minutes, signed=True)
    reason = rules.check_reason(reason)
    if record.state != RecordState.CONFIRMED or record.kind == RecordKind.ADJUSTMENT:
        raise NotCorrectable(record.id)
    # Corrections of one record queue here: two at once cannot both pass the ceiling.
    db.session.execute(
        select(HourRecord.id).where(HourRecord.id == record.id).with_for_update()
    )
    rules.check_correction(record, minutes)
    upwards = minutes > 0
    adjustment = HourRecord(
        user_id=record.user_id,
        kind=RecordKind.ADJUSTMENT,
        state=RecordState.AWAITING_APPROVAL if upwards else RecordState.CONFIRMED,
        minutes=minutes,
        organization_id=record.organization_id,
        project_id=record.project_id,
        served_on=record.served_on,
        adjusts_id=record.id,
        reason=reason,
        created_by_id=by.id,
    )
    if not upwards:  # taking time away counts as soon as the record does
        adjustment.confirmed_by_id = by.id
        adjustment.confirmed_at = now
        adjustment.counts_from = max(now, record.counts_from or now)
    db.session.add(adjustment)
    db.session.flush()
    audit.record(
        by,
        adjustment,
        "hours.adjust",
        to_state=adjustment.state,
        reason=adjustment.reason,
        street_id=record.project.street_id,
        data={"minutes": minutes, "adjusts": record.id},
        now=now,
    )
    if not upwards:
        notify(
            record.user,
            "hours_reduced",
            params={
                "hours": _hours(-minutes),
                "project": record.project.title,
                "reason": adjustment.reason,
            },
            url=url_for("hours.mine"),
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
    """Answer a dispute; a change of minutes is made as an adjustment (its rules:
    upwards it waits for a second person, downwards the volunteer is told)."""
    now = now or utcnow()
    if not dispute.is_open:
        raise DisputeClosed(dispute.id)
    rules.check_reason(resolution)
    if minutes:
        adjustment = add_adjustment(
            dispute.record, by=by, minutes=minutes, reason=resolution, now=now
        )
        dispute.adjustment_id = adjustment.id
    dispute.resolve(by_id=by.id, resolution=resolution.strip(), now=now)
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
