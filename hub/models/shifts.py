"""Shifts of a project and the sign-ups for them (capacity held by the database)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin, UTCDateTime, utcnow
from hub.models.places import Grid
from hub.models.projects import Project
from hub.models.states import TransitionNotAllowed, move


class ShiftState(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class SignupState(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


#: Sign-ups that hold a place or a place in the queue.
ACTIVE_STATES = (SignupState.CONFIRMED, SignupState.WAITLISTED)

SHIFT_TRANSITIONS: dict[ShiftState, set[ShiftState]] = {
    ShiftState.SCHEDULED: {ShiftState.CANCELLED},
    ShiftState.CANCELLED: set(),
}

SIGNUP_TRANSITIONS: dict[SignupState, set[SignupState]] = {
    SignupState.CONFIRMED: {
        SignupState.CANCELLED,
        SignupState.ATTENDED,
        SignupState.NO_SHOW,
    },
    # Moved up when a place frees, or gives up waiting.
    SignupState.WAITLISTED: {SignupState.CONFIRMED, SignupState.CANCELLED},
    # Signing up again after cancelling: a place, or the back of the queue.
    SignupState.CANCELLED: {SignupState.CONFIRMED, SignupState.WAITLISTED},
    # The organizer corrects a mark either way while the shift's hours are open.
    SignupState.ATTENDED: {SignupState.NO_SHOW},
    SignupState.NO_SHOW: {SignupState.ATTENDED},
}


class ShiftAlreadyStarted(TransitionNotAllowed):
    """A shift can be cancelled only until it starts."""

    def __init__(self) -> None:
        super().__init__(ShiftState.SCHEDULED, ShiftState.CANCELLED)


class Shift(TimestampMixin, db.Model):
    """A block of time a project needs volunteers for, with a fixed capacity."""

    __tablename__ = "shifts"
    __table_args__ = (
        # The guarantee: one conditional UPDATE moves confirmed_count, and these
        # refuse anything that would overbook, whatever the application does.
        CheckConstraint("confirmed_count <= capacity", name="within_capacity"),
        CheckConstraint("confirmed_count >= 0", name="count_not_negative"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_shifts_state_starts_at", "state", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default=ShiftState.SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: Shifts made together by "repeat weekly" share the first one's id.
    series_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project: Mapped[Project] = relationship()
    grid: Mapped[Grid | None] = relationship()

    AUDIT_TYPE = "shift"

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.confirmed_count)

    @property
    def is_full(self) -> bool:
        return self.confirmed_count >= self.capacity

    def is_open(self, now: datetime | None = None) -> bool:
        """Taking sign-ups: scheduled, not started, its project recruiting."""
        return (
            self.state == ShiftState.SCHEDULED
            and (now or utcnow()) < self.starts_at
            and self.project.is_recruiting
        )

    @property
    def is_cancelled(self) -> bool:
        return self.state == ShiftState.CANCELLED

    def may_edit(self) -> bool:
        """Time, place and places can change while the shift is scheduled."""
        return self.state == ShiftState.SCHEDULED

    def may_cancel(self, now: datetime | None = None) -> bool:
        """A shift can be cancelled until it starts."""
        return self.state == ShiftState.SCHEDULED and (now or utcnow()) < self.starts_at

    def cancel(self, reason: str, *, now: datetime | None = None) -> None:
        """Cancel with a reason; refused once the shift has started."""
        if self.state == ShiftState.SCHEDULED and not self.may_cancel(now):
            raise ShiftAlreadyStarted()
        move(self, SHIFT_TRANSITIONS, ShiftState.CANCELLED)
        self.cancel_reason = reason


class Signup(TimestampMixin, db.Model):
    """One person on one shift: confirmed, waiting, or what became of it."""

    __tablename__ = "signups"
    __table_args__ = (
        # A double tap finds the same row: one person, one sign-up per shift.
        UniqueConstraint("shift_id", "user_id"),
        Index("ix_signups_shift_state_queue", "shift_id", "state", "queued_at", "id"),
        Index("ix_signups_user_state_starts", "user_id", "state", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20))
    #: When this person joined the queue: waitlist order, first come first served.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The shift's times, copied so overlaps are checked on one table.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    #: When the 24-hour reminder went out (so it goes out once).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    shift: Mapped[Shift] = relationship()
    user = relationship("User")

    AUDIT_TYPE = "signup"

    @property
    def is_active(self) -> bool:
        """Holding a place or waiting for one: the organizer may still remove it."""
        return self.state in ACTIVE_STATES

    @property
    def is_confirmed(self) -> bool:
        return self.state == SignupState.CONFIRMED

    @property
    def holds_place(self) -> bool:
        """Confirmed, or came: the person had a place on the shift."""
        return self.state in (SignupState.CONFIRMED, SignupState.ATTENDED)

    @property
    def is_attended(self) -> bool:
        return self.state == SignupState.ATTENDED

    @property
    def is_no_show(self) -> bool:
        return self.state == SignupState.NO_SHOW

    def move(
        self,
        target: SignupState,
        *,
        now: datetime | None = None,
        reason: str | None = None,
    ) -> SignupState:
        """Change state as SIGNUP_TRANSITIONS allow; returns the state it left.

        Places are counted by the shift's own conditional UPDATE (services); this
        only keeps the sign-up's state and when it changed."""
        before = move(self, SIGNUP_TRANSITIONS, target)
        self.state_changed_at = now or utcnow()
        if target == SignupState.CANCELLED:
            self.reason = reason
        elif target in (SignupState.CONFIRMED, SignupState.WAITLISTED):
            self.reason = None
        return before
