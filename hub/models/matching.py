"""Organizers invite volunteers to shifts; the invitee accepts or declines."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin, UTCDateTime
from hub.models.shifts import Shift
from hub.models.states import move


class InvitationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    #: The shift started, was cancelled or stopped taking sign-ups first.
    EXPIRED = "expired"


INVITATION_TRANSITIONS: dict[InvitationState, set[InvitationState]] = {
    InvitationState.PENDING: {
        InvitationState.ACCEPTED,
        InvitationState.DECLINED,
        InvitationState.EXPIRED,
    },
    InvitationState.ACCEPTED: set(),
    InvitationState.DECLINED: set(),
    InvitationState.EXPIRED: set(),
}


class Invitation(TimestampMixin, db.Model):
    """One person asked to one shift, once; answered through the sign-up service."""

    __tablename__ = "shift_invitations"
    __table_args__ = (
        UniqueConstraint("shift_id", "user_id"),
        # The weekly cap and the load term: this person's invitations since a time.
        Index("ix_shift_invitations_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Leads the unique constraint's index, which also serves "invited to a shift".
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default=InvitationState.PENDING)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    shift: Mapped[Shift] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    AUDIT_TYPE = "invitation"

    @property
    def is_pending(self) -> bool:
        return self.state == InvitationState.PENDING

    @property
    def is_accepted(self) -> bool:
        return self.state == InvitationState.ACCEPTED

    def answer(self, state: InvitationState, *, now: datetime) -> InvitationState:
        """Accepted, declined or expired, once; returns the state it left."""
        before = move(self, INVITATION_TRANSITIONS, state)
        self.answered_at = now
        return before


#: "For you" looks up a street's (or community's) recruiting projects, then their
#: scheduled shifts in a time window: one index range per project.
Index(
    "ix_shifts_project_state_starts",
    Shift.__table__.c.project_id,
    Shift.__table__.c.state,
    Shift.__table__.c.starts_at,
)
