"""Check in and out: by the rotating code, late from an offline phone, or by hand.

Windows: check-in from 30 minutes before the start to the end; check-out until 30
minutes after the end (people leave when it ends). Separate codes for in and out
(the organizer's screen switches mode), so scanning twice never checks you out by
accident: a repeated check-in, a repeated check-out and a replayed code are all
harmless no-ops. At most 3 check-in/check-out cycles per person, shift and day.

Late delivery (offline phones): the service worker keeps the signed link and posts
it when the phone is back online. A code still fresh when it arrives is as good as
a live scan. An older one opens a cycle at the code's signed time (if that lies in
the window and it arrives within 24 hours of the shift's end) that is NOT verified:
a photo of the screen passed around could be sent "late" by someone who was not
there. Such a cycle adds no time and does not mark the person as attended until
someone on the shift's staff confirms it (``marking.review_sent_later``); the
screen lists it apart. A late check-out needs no check: it only closes the cycle
already open, at its signed time (never later than its arrival), so it can only
shorten what would otherwise be counted.
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
from hub.hours.tokens import CheckinToken, check_fresh, is_fresh
from hub.models import Attendance, Shift, Signup, User
from hub.models.base import utcnow
from hub.models.hours import (
    Method,
    RecordState,
    Verification,
)
from hub.models.shifts import ShiftState, SignupState

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


def standing_spans(spans: list[Attendance]) -> list[Attendance]:
    """The cycles that stand (all but those the staff refused)."""
    return [s for s in spans if not s.refused]


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


def mark_signup_attended(signup: Signup, by: User, now: datetime, method: str) -> None:
    if signup.state == SignupState.ATTENDED:
        return
    before = signup.move(SignupState.ATTENDED, now=now)
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
    return open_cycle(shift, **kwargs)


def check_out(shift: Shift, **kwargs: Any) -> Outcome:
    """Close the open cycle (at ``at``, default now); repeats change nothing."""
    begin_writing()
    return close_cycle(shift, **kwargs)


def open_cycle(
    shift: Shift,
    *,
    user: User,
    at: datetime | None = None,
    method: str = Method.QR,
    slot: int | None = None,
    by: User | None = None,
    verified: bool = True,
    now: datetime | None = None,
) -> Outcome:
    """Open a cycle at ``at``; a repeat or replayed code changes nothing.

    ``verified=False`` (a code sent later, no longer fresh): the cycle waits for
    the staff's check; it never takes the place of one seen live.
    """
    now = now or utcnow()
    at = at or now
    shift, signup = _load(shift, user)
    _inside(checkin_window(shift), at)
    spans = ledger.spans_of(shift.id, user.id)
    replayed = next((s for s in spans if slot is not None and s.in_slot == slot), None)
    if replayed is not None:
        return Outcome("already_in", replayed)
    spans = standing_spans(spans)
    current = next((s for s in spans if s.is_open), None)
    if current is not None and (not verified or current.counts):
        return Outcome("already_in", current)
    covering = next(
        (
            s
            for s in spans
            if s.checked_out_at is not None
            and s.checked_in_at <= at <= s.checked_out_at
            and (s.counts or not verified)
        ),
        None,
    )
    if covering is not None:  # a late delivery for a time already covered
        return Outcome("already_in", covering)
    day = ledger.local_day(at)
    if sum(ledger.local_day(s.checked_in_at) == day for s in spans) >= (
        MAX_CYCLES_PER_DAY
    ):
        raise TooManyCycles(shift.id)
    if current is not None:
        # Open but sent later: seen live now, so it ends here and a live one starts.
        current.checked_out_at = max(at, current.checked_in_at)
        current.out_method = method
    span = Attendance(
        shift_id=shift.id,
        user_id=user.id,
        checked_in_at=at,
        in_method=method,
        in_slot=slot,
        recorded_by_id=by.id if by is not None else None,
        verification=Verification.LIVE if verified else Verification.PENDING,
    )
    db.session.add(span)
    db.session.flush()
    actor = by or user
    if verified:
        mark_signup_attended(signup, actor, now, method)
    audit.record(
        actor,
        signup,
        "attendance.check_in",
        street_id=shift.project.street_id,
        data={
            "method": str(method),
            "at": at.isoformat(),
            "verification": str(span.verification),
        },
        now=now,
    )
    ledger.refresh_pending(shift, user.id)
    return Outcome("checked_in", span)


def close_cycle(
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
    spans = standing_spans(spans)
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
    offline phone) and no longer fresh, the time is the code's signed time, which
    must lie in the window, delivery must come within 24 hours of the shift's end,
    and a check-in so made waits for the staff's check. ``fresh_at``: when this
    browser first opened the link (before logging in), if earlier than now.
    """
    begin_writing()
    now = now or utcnow()
    shift = db.session.get(Shift, token.shift_id)
    if shift is None:
        raise NotSignedUp(token.shift_id)
    if late and is_fresh(token, now):
        late = False  # back online within the minute: as good as a live scan
    if late:
        if now > shift.ends_at + LATE_DELIVERY_LIMIT:
            raise OutsideWindow(too_early=False)
        at, method = min(token.signed_at, now), Method.OFFLINE
    else:
        check_fresh(token, fresh_at or now)
        at, method = now, Method.QR
    if token.mode == "out":
        return close_cycle(
            shift, user=user, at=at, method=method, slot=token.slot, now=now
        )
    return open_cycle(
        shift,
        user=user,
        at=at,
        method=method,
        slot=token.slot,
        verified=not late,
        now=now,
    )
