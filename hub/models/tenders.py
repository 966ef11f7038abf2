"""Purchase needs (政府购买服务) and organizations' proposals, with their states."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin, UTCDateTime, utcnow
from hub.models.organizations import Organization
from hub.models.places import Community, Street
from hub.models.states import move


class TenderState(StrEnum):
    OPEN = "open"  # taking proposals until the deadline, then compared
    AWARDED = "awarded"
    CANCELLED = "cancelled"


class ProposalState(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"


TENDER_TRANSITIONS: dict[TenderState, set[TenderState]] = {
    TenderState.OPEN: {TenderState.AWARDED, TenderState.CANCELLED},
    TenderState.AWARDED: set(),
    TenderState.CANCELLED: set(),
}

PROPOSAL_TRANSITIONS: dict[ProposalState, set[ProposalState]] = {
    ProposalState.SUBMITTED: {
        ProposalState.WITHDRAWN,
        ProposalState.AWARDED,
        ProposalState.NOT_AWARDED,
    },
    # A withdrawn proposal may be sent again while the tender takes proposals.
    ProposalState.WITHDRAWN: {ProposalState.SUBMITTED},
    ProposalState.AWARDED: set(),
    ProposalState.NOT_AWARDED: set(),
}


class Tender(TimestampMixin, db.Model):
    """A street's purchase need (政府购买服务): what, where, how much, until when."""

    __tablename__ = "tenders"
    __table_args__ = (Index("ix_tenders_state_deadline", "state", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(30))
    #: Budget in fen (分), exact.
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=TenderState.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    street: Mapped[Street] = relationship()
    community: Mapped[Community] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="tender", order_by="Proposal.price_fen"
    )

    AUDIT_TYPE = "tender"

    @property
    def is_open(self) -> bool:
        """Not yet awarded or cancelled (taking proposals, or being compared)."""
        return self.state == TenderState.OPEN

    @property
    def is_awarded(self) -> bool:
        return self.state == TenderState.AWARDED

    @property
    def is_cancelled(self) -> bool:
        return self.state == TenderState.CANCELLED

    def is_taking_proposals(self, now: datetime | None = None) -> bool:
        return self.is_open and (now or utcnow()) < self.deadline

    def may_award(self, now: datetime | None = None) -> bool:
        """Awarded only after the deadline, when every proposal is in to compare."""
        return self.is_open and (now or utcnow()) >= self.deadline

    def move(self, target: TenderState) -> TenderState:
        """Award or cancel an open tender; returns the state it left."""
        return move(self, TENDER_TRANSITIONS, target)


class Proposal(TimestampMixin, db.Model):
    """An organization's answer to a tender: one per organization and tender."""

    __tablename__ = "proposals"
    __table_args__ = (UniqueConstraint("tender_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    plan: Mapped[str] = mapped_column(Text)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    team: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=ProposalState.SUBMITTED)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tender: Mapped[Tender] = relationship(back_populates="proposals")
    organization: Mapped[Organization] = relationship()

    AUDIT_TYPE = "proposal"

    @property
    def is_submitted(self) -> bool:
        """In, and not yet decided or withdrawn."""
        return self.state == ProposalState.SUBMITTED

    @property
    def is_withdrawn(self) -> bool:
        return self.state == ProposalState.WITHDRAWN

    @property
    def is_awarded(self) -> bool:
        return self.state == ProposalState.AWARDED

    def move(
        self, target: ProposalState, *, now: datetime | None = None
    ) -> ProposalState:
        """Withdraw, resubmit or decide a proposal; returns the state it left."""
        before = move(self, PROPOSAL_TRANSITIONS, target)
        self.updated_at = now or utcnow()
        return before
