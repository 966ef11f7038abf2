"""Check-in spans, the service-hours ledger, disputes and issued certificates.

A confirmed hour record is final: the ORM refuses to flush a change to one (and the
database refuses raw SQL, see migration 0010); corrections are new adjustment rows.
The moves between states are methods here (``HourRecord.confirm``, ``approve``,
``reject``; ``Attendance.review``), each refusing a wrong move with a typed error.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql import Delete, Update

from hub.errors import DomainError
from hub.extensions import db
from hub.models.base import TimestampMixin, UTCDateTime, utcnow
from hub.models.states import move

if TYPE_CHECKING:
    from sqlalchemy.orm import ORMExecuteState, UOWTransaction

    from hub.models.accounts import User
    from hub.models.organizations import Organization
    from hub.models.projects import Project
    from hub.models.shifts import Shift


class ConfirmedRecordIsFinal(DomainError):
    """A confirmed hour record is never changed or deleted; add an adjustment."""


class RecordTransitionNotAllowed(DomainError):
    """The record's state does not allow that move (e.g. confirming a refused one)."""


class NotAwaitingApproval(RecordTransitionNotAllowed):
    """The record is not entered hours waiting for a second person's approval."""


class SecondPersonNeeded(DomainError):
    """Entered hours are decided by someone other than who entered them or the
    volunteer; a volunteer's own check-in is confirmed by someone else too."""


class NotAwaitingReview(DomainError):
    """The check-in is not one sent later that waits for the staff's check."""


class Method(StrEnum):
    """How a check-in or check-out was recorded."""

    QR = "qr"
    CODE = "code"
    OFFLINE = "offline"
    MANUAL = "manual"
    END_ALL = "end_all"


class RecordKind(StrEnum):
    SHIFT = "shift"  # from check-in and check-out on a shift
    BACKFILL = "backfill"  # 补录: entered after the fact, a second person approves
    ADJUSTMENT = "adjustment"  # a correction of a confirmed record, ± minutes


class RecordState(StrEnum):
    PENDING = "pending"  # shift hours not yet confirmed by the organizer
    #: Entered by hand to add time (a back-fill, or a correction upwards), waiting
    #: for a second person's approval.
    AWAITING_APPROVAL = "awaiting_approval"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Verification(StrEnum):
    """Whether a check-in cycle was seen live, and so whether it counts."""

    LIVE = "live"  # a fresh code, or marked by the shift's staff: counts
    PENDING = "pending"  # sent later (a code no longer fresh): waits for the staff
    VOUCHED = "vouched"  # sent later, then confirmed by the staff: counts
    REFUSED = "refused"  # sent later, the staff said the person was not there


#: Where each record state may go (a confirmed or refused record goes nowhere).
RECORD_TRANSITIONS: dict[RecordState, frozenset[RecordState]] = {
    RecordState.PENDING: frozenset({RecordState.CONFIRMED}),
    RecordState.AWAITING_APPROVAL: frozenset(
        {RecordState.CONFIRMED, RecordState.REJECTED}
    ),
    RecordState.CONFIRMED: frozenset(),
    RecordState.REJECTED: frozenset(),
}


class DisputeState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


DISPUTE_TRANSITIONS: dict[DisputeState, set[DisputeState]] = {
    DisputeState.OPEN: {DisputeState.RESOLVED},
    DisputeState.RESOLVED: set(),
}


class Attendance(TimestampMixin, db.Model):
    """One check-in/check-out cycle of a person on a shift."""

    __tablename__ = "attendances"
    __table_args__ = (Index("ix_attendances_shift_user", "shift_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime())
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    in_method: Mapped[str] = mapped_column(String(12))
    out_method: Mapped[str | None] = mapped_column(String(12))
    #: The 30-second slot of the code used, so a replayed code changes nothing.
    in_slot: Mapped[int | None] = mapped_column(Integer)
    out_slot: Mapped[int | None] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Live, or sent later and waiting for (or given) the staff's check. (A server
    #: default too: bulk loads such as the demo seed name no value.)
    verification: Mapped[str] = mapped_column(
        String(12), default=Verification.LIVE, server_default=Verification.LIVE.value
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_open(self) -> bool:
        return self.checked_out_at is None

    @property
    def counts(self) -> bool:
        """Seen live or confirmed by the staff: its time goes into the hours."""
        return self.verification in (Verification.LIVE, Verification.VOUCHED)

    @property
    def awaits_review(self) -> bool:
        return self.verification == Verification.PENDING

    @property
    def refused(self) -> bool:
        return self.verification == Verification.REFUSED

    def review(self, *, accept: bool, by_id: int, now: datetime) -> Verification:
        """The shift's staff say whether the person was there; returns the new state."""
        if self.verification != Verification.PENDING:
            raise NotAwaitingReview(self.id)
        if by_id == self.user_id:
            raise SecondPersonNeeded(self.id)
        self.verification = Verification.VOUCHED if accept else Verification.REFUSED
        self.reviewed_by_id = by_id
        self.reviewed_at = now
        return Verification(self.verification)


class HourRecord(TimestampMixin, db.Model):
    """Minutes of service credited to a person by the organization that kept them."""

    __tablename__ = "hour_records"
    __table_args__ = (
        # One shift record per person and shift (NULL shift_id: back-fill, adjustment).
        UniqueConstraint("shift_id", "user_id"),
        Index("ix_hour_records_user_state", "user_id", "state", "served_on"),
        Index("ix_hour_records_org_state", "organization_id", "state"),
        CheckConstraint(
            "kind = 'adjustment' OR minutes >= 0", name="only_adjustments_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12))
    #: active_history: the state before a change is always known (the final guard).
    state: Mapped[str] = mapped_column(String(20), active_history=True)
    #: Whole minutes, a multiple of 15; negative only on an adjustment.
    minutes: Mapped[int] = mapped_column(Integer)
    #: The organization that kept the record (the certificate's issuer).
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"))
    #: The day the service was done (local time): periods and months use it.
    served_on: Mapped[date] = mapped_column(Date)
    #: What an adjustment corrects (at most to the record's ceiling, see
    #: ``hub.hours.records.correction_ceiling``).
    adjusts_id: Mapped[int | None] = mapped_column(
        ForeignKey("hour_records.id"), index=True
    )
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: From when a confirmed record counts (back-fills: 7 days after approval).
    counts_from: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization] = relationship()
    project: Mapped[Project] = relationship()
    shift: Mapped[Shift | None] = relationship()
    adjusts: Mapped[HourRecord | None] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    AUDIT_TYPE = "hour_record"

    def counts(self, now: datetime | None = None) -> bool:
        """Confirmed and past its waiting period."""
        return (
            self.state == RecordState.CONFIRMED
            and self.counts_from is not None
            and self.counts_from <= (now or utcnow())
        )

    @classmethod
    def counting(cls, now: datetime) -> ColumnElement[bool]:
        """The SQL form of ``counts``: the one definition of hours that count."""
        return and_(cls.state == RecordState.CONFIRMED, cls.counts_from <= now)

    @property
    def needs_second_person(self) -> bool:
        """Entered by hand to add time (a back-fill or an increase): two people."""
        return self.kind == RecordKind.BACKFILL or (
            self.kind == RecordKind.ADJUSTMENT and self.minutes > 0
        )

    def move_state(self, target: RecordState) -> RecordState:
        """Change the state if the machine allows it; returns the old state."""
        current = RecordState(self.state)
        if target not in RECORD_TRANSITIONS[current]:
            raise RecordTransitionNotAllowed(current, target)
        self.state = target
        return current

    def confirm(self, *, by_id: int, now: datetime, counts_from: datetime) -> None:
        """Shift hours to confirmed; every field set before the one flush that makes
        the record final (the caller flushes)."""
        if self.needs_second_person:
            raise SecondPersonNeeded(self.id)
        self._confirm(by_id=by_id, now=now, counts_from=counts_from)

    def approve(self, *, by_id: int, now: datetime, counts_from: datetime) -> None:
        """A second person approves entered hours; they count from ``counts_from``."""
        if self.state != RecordState.AWAITING_APPROVAL:
            raise NotAwaitingApproval(self.id)
        if by_id in (self.created_by_id, self.user_id):
            raise SecondPersonNeeded(self.id)
        self._confirm(by_id=by_id, now=now, counts_from=counts_from)

    def reject(self, *, by_id: int) -> None:
        """Entered hours refused (not by the volunteer they are for)."""
        if self.state != RecordState.AWAITING_APPROVAL:
            raise NotAwaitingApproval(self.id)
        if by_id == self.user_id:
            raise SecondPersonNeeded(self.id)
        self.move_state(RecordState.REJECTED)

    def _confirm(self, *, by_id: int, now: datetime, counts_from: datetime) -> None:
        self.move_state(RecordState.CONFIRMED)
        self.confirmed_by_id = by_id
        self.confirmed_at = now
        self.counts_from = counts_from


class HourDispute(TimestampMixin, db.Model):
    """A volunteer says a record is wrong; an organizer resolves it."""

    __tablename__ = "hour_disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("hour_records.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default=DisputeState.OPEN)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("hour_records.id"))

    record: Mapped[HourRecord] = relationship(foreign_keys=[record_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    AUDIT_TYPE = "hour_dispute"

    @property
    def is_open(self) -> bool:
        """Not answered yet."""
        return self.state == DisputeState.OPEN

    def resolve(self, *, by_id: int, resolution: str, now: datetime) -> None:
        """Answered once, with what was decided."""
        move(self, DISPUTE_TRANSITIONS, DisputeState.RESOLVED)
        self.resolution = resolution
        self.resolved_by_id = by_id
        self.resolved_at = now


class Certificate(db.Model):
    """An issued hours certificate; what it says is frozen at issue."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SZ-<year>-<6 digits>, printed on the paper.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    #: The random part of /verify/<code>.
    code: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    total_minutes: Mapped[int] = mapped_column(Integer)
    #: The records behind it, and a SHA-256 over their ids and minutes.
    record_ids: Mapped[list[int]] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: [{"organization": name, "minutes": n, "services": [project titles]}]
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


def _was_confirmed(record: HourRecord) -> bool:
    """The state this record had in the database, before this flush's changes."""
    history = inspect(record).attrs.state.history
    before = history.deleted[0] if history.deleted else record.state
    return before == RecordState.CONFIRMED


@event.listens_for(Session, "before_flush")
def _refuse_changing_confirmed(
    session: Session, _context: UOWTransaction, _instances: object
) -> None:
    """Refuse to flush a change to, or the deletion of, a confirmed hour record."""
    for obj in session.deleted:
        if isinstance(obj, HourRecord) and _was_confirmed(obj):
            raise ConfirmedRecordIsFinal(f"cannot delete hour record {obj.id}")
    for obj in session.dirty:
        if (
            isinstance(obj, HourRecord)
            and inspect(obj).persistent
            and _was_confirmed(obj)
            and session.is_modified(obj, include_collections=False)
        ):
            raise ConfirmedRecordIsFinal(f"cannot change hour record {obj.id}")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    """Refuse ``update(HourRecord)`` / ``delete(HourRecord)``: go through services."""
    statement = state.statement
    if (
        isinstance(statement, Update | Delete)
        and getattr(statement.table, "name", None) == HourRecord.__tablename__
    ):
        raise ConfirmedRecordIsFinal("hour records are not changed in bulk")
