"""SMS verification codes and assisted number changes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.errors import DomainError
from hub.extensions import db
from hub.models.base import UTCDateTime, utcnow


class Purpose(StrEnum):
    """What a code proves; a code for one purpose never serves another."""

    REGISTER = "register"
    SIGN_IN = "sign_in"
    RESET = "reset"
    CHANGE_NUMBER = "change_number"
    INVITATION = "invitation"


class VerificationCode(db.Model):
    """A 6-digit code sent to a number for one purpose: 5 minutes, one use, 5 tries.

    The code itself is never stored: it is an HMAC, keyed with the app secret, of
    ``nonce`` (``hub.verification.codes.derive``); without the key the row tells
    nothing. The number is kept as a keyed digest too.
    """

    __tablename__ = "verification_codes"
    __table_args__ = (
        Index("ix_verification_codes_lookup", "number_digest", "purpose", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number_digest: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(20))
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Wrong codes typed against this one; at the limit it is void.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def is_open(self, now: datetime) -> bool:
        """Still usable: not used, not void, not expired."""
        return self.used_at is None and self.voided_at is None and now < self.expires_at


class RecoveryState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class RecoveryNotPending(DomainError):
    """The number change was already decided."""


class SameReviewer(DomainError):
    """The person who asked for a number change may not also approve it."""


class NumberRecovery(db.Model):
    """A street reviewer moves an account to a new number; another person approves."""

    __tablename__ = "number_recoveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    old_mobile: Mapped[str] = mapped_column(String(11))
    new_mobile: Mapped[str] = mapped_column(String(11))
    #: How the reviewer knew the person (saw the ID card at the office…).
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=RecoveryState.PENDING)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)

    user = relationship("User", foreign_keys=[user_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.state == RecoveryState.PENDING

    def decide(
        self, *, approve: bool, by_id: int, note: str | None, now: datetime
    ) -> None:
        """Approve or decline once, by someone other than the requester."""
        if self.state != RecoveryState.PENDING:
            raise RecoveryNotPending(self.id)
        if by_id == self.requested_by_id:
            raise SameReviewer(self.id)
        self.state = RecoveryState.APPROVED if approve else RecoveryState.DECLINED
        self.decided_by_id = by_id
        self.decided_at = now
        self.decision_note = note
