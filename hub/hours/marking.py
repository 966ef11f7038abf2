"""The shift's staff, by hand: someone who came without signing up, attended or
did not come, the end of the shift for everyone, and the check of check-ins that
arrived late from offline phones (see ``hub.hours.attendance``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hub import audit
from hub.db import begin_writing
from hub.errors import DomainError
from hub.extensions import db
from hub.hours import attendance, ledger
from hub.models import Attendance, Shift, Signup, User
from hub.models.base import utcnow
from hub.models.hours import (
    Method,
    NotAwaitingReview,
    RecordState,
    SecondPersonNeeded,
)
from hub.models.shifts import ShiftState, SignupState
from hub.phones import normalize_mobile


class UnknownMobile(DomainError):
    """No account has that mobile number."""


class HasAttendance(DomainError):
    """Someone who checked in cannot be marked as a no-show."""


def _organizer_window(shift: Shift, now: datetime) -> None:
    if shift.state != ShiftState.SCHEDULED:
        raise attendance.ShiftNotRunning(shift.id)
    if now < attendance.checkin_window(shift)[0]:
        raise attendance.OutsideWindow(too_early=True)


def add_walk_in(
    shift: Shift, *, by: User, mobile: str, now: datetime | None = None
) -> attendance.Outcome:
    """Someone registered turned up unannounced: put them on the shift, checked in."""
    begin_writing()
    now = now or utcnow()
    _organizer_window(shift, now)
    number = normalize_mobile(mobile)
    person = (
        db.session.scalar(select(User).where(User.mobile == number)) if number else None
    )
    if person is None:
        raise UnknownMobile(mobile)
    signup = db.session.scalar(
        select(Signup).where(Signup.shift_id == shift.id, Signup.user_id == person.id)
    )
    if signup is None:
        # An extra person, beyond the places: the shift's count of places is untouched.
        signup = Signup(
            shift_id=shift.id,
            user_id=person.id,
            state=SignupState.ATTENDED,
            queued_at=now,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            state_changed_at=now,
        )
        db.session.add(signup)
        db.session.flush()
        audit.record(
            by,
            signup,
            "signup.walk_in",
            to_state=SignupState.ATTENDED,
            street_id=shift.project.street_id,
            now=now,
        )
    elif signup.state not in attendance.MAY_CHECK_IN:
        attendance.mark_signup_attended(signup, by, now, Method.MANUAL)
    at = min(max(now, shift.starts_at), shift.ends_at)
    return attendance.open_cycle(
        shift, user=person, at=at, method=Method.MANUAL, by=by, now=now
    )


def mark_attended(signup: Signup, *, by: User, now: datetime | None = None) -> Signup:
    """Attended by hand: with no cycle yet, one covering the whole shift."""
    begin_writing()
    now = now or utcnow()
    shift = signup.shift
    _organizer_window(shift, now)
    if signup.state not in attendance.MAY_CHECK_IN:
        raise attendance.NotSignedUp(signup.id)
    if not attendance.standing_spans(ledger.spans_of(shift.id, signup.user_id)):
        attendance.open_cycle(
            shift,
            user=signup.user,
            at=shift.starts_at,
            method=Method.MANUAL,
            by=by,
            now=now,
        )
        attendance.close_cycle(
            shift,
            user=signup.user,
            at=shift.ends_at,
            method=Method.MANUAL,
            by=by,
            now=now,
        )
    else:
        attendance.mark_signup_attended(signup, by, now, Method.MANUAL)
    return signup


def mark_no_show(signup: Signup, *, by: User, now: datetime | None = None) -> Signup:
    """Did not come: only for someone confirmed who never checked in."""
    begin_writing()
    now = now or utcnow()
    shift = signup.shift
    _organizer_window(shift, now)
    if now < shift.starts_at:
        raise attendance.OutsideWindow(too_early=True)
    if attendance.standing_spans(ledger.spans_of(shift.id, signup.user_id)):
        raise HasAttendance(signup.id)
    if not signup.holds_place:
        raise attendance.NotSignedUp(signup.id)
    before = signup.move(SignupState.NO_SHOW, now=now)
    db.session.flush()
    audit.record(
        by,
        signup,
        "signup.no_show",
        from_state=before,
        to_state=SignupState.NO_SHOW,
        street_id=shift.project.street_id,
        now=now,
    )
    return signup


def end_shift_for_all(shift: Shift, *, by: User, now: datetime | None = None) -> int:
    """Check out everyone still checked in (at now, or the end if that is earlier)."""
    begin_writing()
    now = now or utcnow()
    _organizer_window(shift, now)
    open_spans = db.session.scalars(
        select(Attendance).where(
            Attendance.shift_id == shift.id, Attendance.checked_out_at.is_(None)
        )
    ).all()
    at = min(now, shift.ends_at)
    for span in open_spans:
        span.checked_out_at = max(at, span.checked_in_at)
        span.out_method = Method.END_ALL
    db.session.flush()
    for span in open_spans:
        ledger.refresh_pending(shift, span.user_id)
    audit.record(
        by,
        shift,
        "attendance.end_all",
        street_id=shift.project.street_id,
        data={"checked_out": len(open_spans)},
        now=now,
    )
    return len(open_spans)


def review_sent_later(
    signup: Signup, *, by: User, accept: bool, now: datetime | None = None
) -> int:
    """The shift's staff say whether a person whose check-in arrived late from an
    offline phone was there: its time counts, or never does. Returns how many
    cycles were decided; ``NotAwaitingReview`` when none waited."""
    begin_writing()
    now = now or utcnow()
    shift = db.session.get(Shift, signup.shift_id)
    if by.id == signup.user_id:
        raise SecondPersonNeeded(signup.id)
    record = ledger.shift_record(shift.id, signup.user_id)
    if record is not None and record.state == RecordState.CONFIRMED:
        raise attendance.HoursAlreadyConfirmed(record.id)
    waiting = [s for s in ledger.spans_of(shift.id, signup.user_id) if s.awaits_review]
    if not waiting:
        raise NotAwaitingReview(signup.id)
    for span in waiting:
        span.review(accept=accept, by_id=by.id, now=now)
    db.session.flush()
    if accept and signup.state in attendance.MAY_CHECK_IN:
        attendance.mark_signup_attended(signup, by, now, Method.OFFLINE)
    audit.record(
        by,
        signup,
        "attendance.vouch" if accept else "attendance.refuse",
        street_id=shift.project.street_id,
        data={"cycles": [s.id for s in waiting]},
        now=now,
    )
    ledger.refresh_pending(shift, signup.user_id)
    return len(waiting)
