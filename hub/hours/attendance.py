"""Check in and out: by the rotating code, late from an offline phone, or by hand.

Windows: check-in from 30 minutes before the start to the end; check-out until 30
minutes after the end (people leave when it ends). Separate codes for in and out
(the organizer's screen switches mode), so scanning twice never checks you out by
accident: a repeated check-in, a repeated check-out and a replayed code are all
harmless no-ops. At most 3 check-in/check-out cycles per person, shift and day.

Late delivery (offline phones): the service worker keeps the signed link and posts
it when the phone is back online. The check-in then happens at the code's signed
time, not at delivery, and is accepted if that signed time lies in the window and
it arrives within 24 hours of the shift's end. The trade-off: a photo of the code
could be delivered "late" by someone who was not there, defeating the rotation;
so late deliveries are marked "offline" on the attendance list for the organizer
to see before confirming, and the person must still be signed up for the shift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from hub import audit
from hub.db import begin_writing
from hub.errors import DomainError
from hub.extensions import db
from hub.hours import ledger
from hub.hours.tokens import CheckinToken, check_fresh
from hub.models import Attendance, Shift, Signup, User
from hub.models.base import utcnow
from hub.models.hours import Method, RecordState
from hub.models.shifts import ShiftState, SignupState
from hub.phones import normalize_mobile

CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
CHECKOUT_GRACE = timedelta(minutes=30)
LATE_DELIVERY_LIMIT = timedelta(hours=24)
MAX_CYCLES_PER_DAY = 3
#: Sign-up states that may check in themselves.
MAY_CHECK_IN = (SignupState.CONFIRMED, SignupState.ATTENDED, SignupState.NO_SHOW)


class NotSignedUp(DomainError):
    """The person holds no confirmed place on this shift."""


class OutsideWindow(DomainError):
    """Too early or too late to check in or out (``too_early`` says which)."""

    def __init__(self, too_early: bool) -> None:
        super().__init__("early" if too_early else "late")
        self.too_early = too_early


class ShiftNotRunning(DomainError):
    """The shift was cancelled."""


class TooManyCycles(DomainError):
    """Already three check-in/check-out cycles today."""


class NotCheckedIn(DomainError):
    """Checking out without having checked in."""


class HoursAlreadyConfirmed(DomainError):
    """The person's hours on this shift are confirmed: attendance is final."""


class UnknownMobile(DomainError):
    """No account has that mobile number."""


class HasAttendance(DomainError):
    """Someone who checked in cannot be marked as a no-show."""


@dataclass(frozen=True)
class Outcome:
    #: checked_in, checked_out, already_in, already_out
    result: str
    attendance: Attendance

    @property
    def changed(self) -> bool:
        return not self.result.startswith("already")


def checkin_window(shift: Shift) -> tuple[datetime, datetime]:
    """When the check-in code works: 30 minutes before the start to the end."""
    return shift.starts_at - CHECKIN_OPENS_BEFORE, shift.ends_at


def checkout_window(shift: Shift) -> tuple[datetime, datetime]:
    """When the check-out code works: as check-in, and 30 minutes longer."""
    return shift.starts_at - CHECKIN_OPENS_BEFORE, shift.ends_at + CHECKOUT_GRACE


def is_open_for_checkin(shift: Shift, now: datetime | None = None) -> bool:
    """The check-in screen shows a code now."""
    opens, _ = checkin_window(shift)
    _, closes = checkout_window(shift)
    return shift.state == ShiftState.SCHEDULED and opens <= (now or utcnow()) <= closes


def _inside(window: tuple[datetime, datetime], at: datetime) -> None:
    if at < window[0]:
        raise OutsideWindow(too_early=True)
    if at > window[1]:
        raise OutsideWindow(too_early=False)


def _load(shift: Shift, user: User) -> tuple[Shift, Signup]:
    """The shift and the person's sign-up, the person's row locked; refusals."""
    shift = db.session.get(Shift, shift.id)
    if shift.state != ShiftState.SCHEDULED:
        raise ShiftNotRunning(shift.id)
    # One person's taps queue here, so a double tap cannot open two cycles.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    signup = db.session.scalar(
        select(Signup).where(Signup.shift_id == shift.id, Signup.user_id == user.id)
    )
    if signup is None or signup.state not in MAY_CHECK_IN:
        raise NotSignedUp(shift.id)
    record = ledger.shift_record(shift.id, user.id)
    if record is not None and record.state == RecordState.CONFIRMED:
        raise HoursAlreadyConfirmed(record.id)
    return shift, signup


def _mark_attended(signup: Signup, by: User, now: datetime, method: str) -> None:
    if signup.state == SignupState.ATTENDED:
        return
    before = signup.state
    signup.state = SignupState.ATTENDED
    signup.state_changed_at = now
    db.session.flush()
    audit.record(
        by,
        signup,
        "signup.attended",
        from_state=before,
        to_state=SignupState.ATTENDED,
        street_id=signup.shift.project.street_id,
        data={"method": method},
        now=now,
    )


def check_in(shift: Shift, **kwargs: Any) -> Outcome:
    """Open a cycle (at ``at``, default now); repeats change nothing."""
    begin_writing()
    return _check_in(shift, **kwargs)


def check_out(shift: Shift, **kwargs: Any) -> Outcome:
    """Close the open cycle (at ``at``, default now); repeats change nothing."""
    begin_writing()
    return _check_out(shift, **kwargs)


def _check_in(
    shift: Shift,
    *,
    user: User,
    at: datetime | None = None,
    method: str = Method.QR,
    slot: int | None = None,
    by: User | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Open a cycle at ``at``; a repeat or replayed code changes nothing."""
    now = now or utcnow()
    at = at or now
    shift, signup = _load(shift, user)
    _inside(checkin_window(shift), at)
    spans = ledger.spans_of(shift.id, user.id)
    replayed = next((s for s in spans if slot is not None and s.in_slot == slot), None)
    if replayed is not None:
        return Outcome("already_in", replayed)
    current = next((s for s in spans if s.is_open), None)
    if current is not None:
        return Outcome("already_in", current)
    covering = next(
        (s for s in spans if s.checked_in_at <= at <= s.checked_out_at), None
    )
    if covering is not None:  # a late delivery for a time already covered
        return Outcome("already_in", covering)
    day = ledger.local_day(at)
    if sum(ledger.local_day(s.checked_in_at) == day for s in spans) >= (
        MAX_CYCLES_PER_DAY
    ):
        raise TooManyCycles(shift.id)
    span = Attendance(
        shift_id=shift.id,
        user_id=user.id,
        checked_in_at=at,
        in_method=method,
        in_slot=slot,
        recorded_by_id=by.id if by is not None else None,
    )
    db.session.add(span)
    db.session.flush()
    actor = by or user
    _mark_attended(signup, actor, now, method)
    audit.record(
        actor,
        signup,
        "attendance.check_in",
        street_id=shift.project.street_id,
        data={"method": str(method), "at": at.isoformat()},
        now=now,
    )
    ledger.refresh_pending(shift, user.id)
    return Outcome("checked_in", span)


def _check_out(
    shift: Shift,
    *,
    user: User,
    at: datetime | None = None,
    method: str = Method.QR,
    slot: int | None = None,
    by: User | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Close the open cycle at ``at``; repeating (or a replayed code) is harmless."""
    now = now or utcnow()
    at = at or now
    shift, _signup = _load(shift, user)
    _inside(checkout_window(shift), at)
    spans = ledger.spans_of(shift.id, user.id)
    replayed = next((s for s in spans if slot is not None and s.out_slot == slot), None)
    if replayed is not None:
        return Outcome("already_out", replayed)
    current = next((s for s in spans if s.is_open), None)
    if current is None:
        if spans:
            return Outcome("already_out", spans[-1])
        raise NotCheckedIn(shift.id)
    current.checked_out_at = max(at, current.checked_in_at)
    current.out_method = method
    current.out_slot = slot
    db.session.flush()
    audit.record(
        by or user,
        _signup,
        "attendance.check_out",
        street_id=shift.project.street_id,
        data={"method": str(method), "at": current.checked_out_at.isoformat()},
        now=now,
    )
    ledger.refresh_pending(shift, user.id)
    return Outcome("checked_out", current)


def use_token(
    token: CheckinToken,
    *,
    user: User,
    late: bool = False,
    now: datetime | None = None,
    fresh_at: datetime | None = None,
) -> Outcome:
    """Check in or out with a rotating code: scanned now, or delivered late.

    Scanned now, the code must be fresh and the time is now. Delivered late (from an
    offline phone), the time is the code's signed time, which must lie in the window;
    delivery must come within 24 hours of the shift's end. ``fresh_at``: when this
    browser first opened the link (before logging in), if earlier than now.
    """
    begin_writing()
    now = now or utcnow()
    shift = db.session.get(Shift, token.shift_id)
    if shift is None:
        raise NotSignedUp(token.shift_id)
    if late:
        if now > shift.ends_at + LATE_DELIVERY_LIMIT:
            raise OutsideWindow(too_early=False)
        at, method = min(token.signed_at, now), Method.OFFLINE
    else:
        check_fresh(token, fresh_at or now)
        at, method = now, Method.QR
    action = _check_in if token.mode == "in" else _check_out
    return action(shift, user=user, at=at, method=method, slot=token.slot, now=now)


# The organizer, by hand ----------------------------------------------------------


def _organizer_window(shift: Shift, now: datetime) -> None:
    if shift.state != ShiftState.SCHEDULED:
        raise ShiftNotRunning(shift.id)
    if now < checkin_window(shift)[0]:
        raise OutsideWindow(too_early=True)


def add_walk_in(
    shift: Shift, *, by: User, mobile: str, now: datetime | None = None
) -> Outcome:
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
    elif signup.state not in MAY_CHECK_IN:
        _mark_attended(signup, by, now, Method.MANUAL)
    at = min(max(now, shift.starts_at), shift.ends_at)
    return _check_in(shift, user=person, at=at, method=Method.MANUAL, by=by, now=now)


def mark_attended(signup: Signup, *, by: User, now: datetime | None = None) -> Signup:
    """Attended by hand: with no cycle yet, one covering the whole shift."""
    begin_writing()
    now = now or utcnow()
    shift = signup.shift
    _organizer_window(shift, now)
    if signup.state not in MAY_CHECK_IN:
        raise NotSignedUp(signup.id)
    if not ledger.spans_of(shift.id, signup.user_id):
        _check_in(
            shift,
            user=signup.user,
            at=shift.starts_at,
            method=Method.MANUAL,
            by=by,
            now=now,
        )
        _check_out(
            shift,
            user=signup.user,
            at=shift.ends_at,
            method=Method.MANUAL,
            by=by,
            now=now,
        )
    else:
        _mark_attended(signup, by, now, Method.MANUAL)
    return signup


def mark_no_show(signup: Signup, *, by: User, now: datetime | None = None) -> Signup:
    """Did not come: only for someone confirmed who never checked in."""
    begin_writing()
    now = now or utcnow()
    shift = signup.shift
    _organizer_window(shift, now)
    if now < shift.starts_at:
        raise OutsideWindow(too_early=True)
    if ledger.spans_of(shift.id, signup.user_id):
        raise HasAttendance(signup.id)
    if signup.state not in (SignupState.CONFIRMED, SignupState.ATTENDED):
        raise NotSignedUp(signup.id)
    before = signup.state
    signup.state = SignupState.NO_SHOW
    signup.state_changed_at = now
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
