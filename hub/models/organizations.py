"""Social organizations (社会组织), their filing into the incubation base, documents."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin, UTCDateTime, utcnow
from hub.models.places import Community, Street
from hub.models.states import TransitionNotAllowed

__all__ = ["TransitionNotAllowed"]  # re-exported: older imports name it here


def name_key(name: str) -> str:
    """The form of a name used for uniqueness: full-width and half-width forms
    (（二期） and (二期)), case and all spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


class FilingState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class Stage(StrEnum):
    """Incubation stage after approval."""

    INCUBATING = "incubating"  # 入驻孵化
    GRADUATED = "graduated"  # 出壳
    EXITED = "exited"  # 退驻
    REVOKED = "revoked"


#: Filing transitions: state -> states it may move to.
FILING_TRANSITIONS: dict[FilingState, set[FilingState]] = {
    FilingState.DRAFT: {FilingState.SUBMITTED},
    FilingState.SUBMITTED: {
        FilingState.CHANGES_REQUESTED,
        FilingState.APPROVED,
        FilingState.REJECTED,
    },
    FilingState.CHANGES_REQUESTED: {FilingState.SUBMITTED},
    FilingState.APPROVED: set(),
    FilingState.REJECTED: set(),
}

STAGE_TRANSITIONS: dict[Stage | None, set[Stage]] = {
    None: {Stage.INCUBATING},
    Stage.INCUBATING: {Stage.GRADUATED, Stage.EXITED, Stage.REVOKED},
    Stage.GRADUATED: {Stage.REVOKED},
    Stage.EXITED: {Stage.REVOKED},
    Stage.REVOKED: set(),
}

organization_communities = Table(
    "organization_communities",
    db.metadata,
    Column(
        "organization_id",
        Integer,
        ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("community_id", Integer, ForeignKey("communities.id"), primary_key=True),
)


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"
    __table_args__ = (
        # A name is taken while its filing is alive; a rejected filing frees it.
        Index(
            "uq_organizations_name_key_live",
            "name_key",
            unique=True,
            sqlite_where=text("filing_state != 'rejected'"),
            postgresql_where=text("filing_state != 'rejected'"),
        ),
        Index(
            "ix_organizations_filing_queue", "street_id", "filing_state", "submitted_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: ``name_key(name)``: unique in the district among live filings.
    name_key: Mapped[str] = mapped_column(String(100))
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    org_type: Mapped[str] = mapped_column(String(30), default="other")
    service_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    lead_person: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(11), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    member_count: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Unified social credit code (统一社会信用代码), optional.
    credit_code: Mapped[str | None] = mapped_column(String(18))

    filing_state: Mapped[str] = mapped_column(String(20), default=FilingState.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    filing_number: Mapped[str | None] = mapped_column(String(24), unique=True)

    stage: Mapped[str | None] = mapped_column(String(20))
    stage_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stage_reason: Mapped[str | None] = mapped_column(Text)
    #: After a 不合格 evaluation: no proposals for tenders before this day.
    barred_until: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    street: Mapped[Street] = relationship()
    communities: Mapped[list[Community]] = relationship(
        secondary=organization_communities, order_by="Community.name"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="organization",
        order_by="Document.id",
        primaryjoin="and_(Document.organization_id == Organization.id, "
        "Document.removed_at.is_(None))",
        viewonly=True,
    )

    AUDIT_TYPE = "organization"

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        """The applicant may change the application only before or between reviews."""
        return self.filing_state in (FilingState.DRAFT, FilingState.CHANGES_REQUESTED)

    @property
    def is_public(self) -> bool:
        return self.filing_state == FilingState.APPROVED

    @property
    def awaits_review(self) -> bool:
        """Submitted: the street may approve, reject or ask for changes."""
        return (
            FilingState.APPROVED in FILING_TRANSITIONS[FilingState(self.filing_state)]
        )

    @property
    def changes_requested(self) -> bool:
        return self.filing_state == FilingState.CHANGES_REQUESTED

    @property
    def stage_steps(self) -> set[Stage]:
        """The incubation stages it may move to: none before approval."""
        if self.filing_state != FilingState.APPROVED:
            return set()
        return STAGE_TRANSITIONS[Stage(self.stage) if self.stage else None]

    @property
    def may_change_stage(self) -> bool:
        return bool(self.stage_steps)

    @property
    def may_propose(self) -> bool:
        """Approved, not revoked and not barred: may take part in tenders."""
        return self.is_public and self.stage != Stage.REVOKED and not self.is_barred()

    def is_barred(self, today: date | None = None) -> bool:
        """Still within 12 months of a 不合格 evaluation conclusion."""
        if self.barred_until is None:
            return False
        return (today or utcnow().date()) < self.barred_until

    def move_filing(self, target: FilingState) -> FilingState:
        """Change the filing state if the machine allows it; returns the old state."""
        current = FilingState(self.filing_state)
        if target not in FILING_TRANSITIONS[current]:
            raise TransitionNotAllowed(current, target)
        self.filing_state = target
        return current

    def move_stage(self, target: Stage, *, reason: str | None = None) -> Stage | None:
        """Change the incubation stage if allowed; returns the old one."""
        current = Stage(self.stage) if self.stage else None
        if target not in self.stage_steps:
            raise TransitionNotAllowed(str(current), target)
        self.stage = target
        self.stage_changed_at = utcnow()
        self.stage_reason = reason
        return current


class DocumentKind(StrEnum):
    CHARTER = "charter"  # 章程
    LEAD_ID = "lead_id"  # 负责人身份证明
    OTHER = "other"


class Document(db.Model):
    """An uploaded file, stored outside static/ under a generated name."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship(back_populates="documents")

    AUDIT_TYPE = "document"


class FilingSequence(db.Model):
    """The last filing number issued per street and year; numbers are never reused."""

    __tablename__ = "filing_sequences"

    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class StaffInvitation(TimestampMixin, db.Model):
    """An owner's invitation to join the organization, accepted after logging in."""

    __tablename__ = "staff_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    mobile: Mapped[str] = mapped_column(String(11), index=True)
    role: Mapped[str] = mapped_column(String(20))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship()

    AUDIT_TYPE = "staff_invitation"

    @property
    def is_open(self) -> bool:
        return not (self.accepted_at or self.declined_at or self.cancelled_at)
