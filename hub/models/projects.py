"""Projects and their linkage (三社联动); tenders are in hub.models.tenders."""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.localtime import local_date
from hub.models.base import TimestampMixin, UTCDateTime, utcnow
from hub.models.organizations import Organization, TransitionNotAllowed
from hub.models.places import Community, Street
from hub.models.tenders import Proposal, ProposalState, Tender, TenderState

# Re-exported for older imports; new code imports them from hub.models.tenders.
__all__ = ["Proposal", "ProposalState", "Tender", "TenderState"]


class Funding(StrEnum):
    TENDER = "tender"  # 政府购买服务
    SELF = "self"  # 自筹
    CHARITY = "charity"  # 公益慈善
    DISTRICT = "district"  # 区级项目


class ProjectState(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    RECRUITING = "recruiting"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    EVALUATED = "evaluated"
    CANCELLED = "cancelled"


class LinkState(StrEnum):
    """The coordinating social worker's link: asked, accepted or declined."""

    NONE = "none"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


PROJECT_TRANSITIONS: dict[ProjectState, set[ProjectState]] = {
    ProjectState.DRAFT: {ProjectState.PENDING_APPROVAL, ProjectState.CANCELLED},
    ProjectState.PENDING_APPROVAL: {
        ProjectState.RECRUITING,
        ProjectState.DRAFT,
        ProjectState.CANCELLED,
    },
    ProjectState.RECRUITING: {ProjectState.IN_PROGRESS, ProjectState.CANCELLED},
    ProjectState.IN_PROGRESS: {ProjectState.COMPLETED, ProjectState.CANCELLED},
    ProjectState.COMPLETED: {ProjectState.EVALUATED},
    ProjectState.EVALUATED: set(),
    ProjectState.CANCELLED: set(),
}

#: States in which the public may see a project.
PUBLIC_STATES = {
    ProjectState.RECRUITING,
    ProjectState.IN_PROGRESS,
    ProjectState.COMPLETED,
    ProjectState.EVALUATED,
}


#: States of a project doing its work now: what needs may be passed to.
RUNNING_STATES = (ProjectState.RECRUITING, ProjectState.IN_PROGRESS)

#: States of a project whose work is done: residents may evaluate it.
FINISHED_STATES = (ProjectState.COMPLETED, ProjectState.EVALUATED)

#: States in which the organization may ask a social worker to coordinate.
LINKAGE_STATES = (ProjectState.DRAFT, ProjectState.PENDING_APPROVAL)


class ProjectNotLinked(TransitionNotAllowed):
    """Only projects whose three links hold may recruit."""

    def __init__(self) -> None:
        super().__init__(ProjectState.PENDING_APPROVAL, ProjectState.RECRUITING)


class ProjectNotStarted(TransitionNotAllowed):
    """A project is not completed before its period starts."""

    def __init__(self, starts: date) -> None:
        super().__init__(ProjectState.IN_PROGRESS, ProjectState.COMPLETED)
        self.starts = starts


def local_today() -> date:
    """Today's date where the projects run (periods are local dates)."""
    return local_date(utcnow())


class Project(TimestampMixin, db.Model):
    """Work an organization does in a community, coordinated by a social worker."""

    __tablename__ = "projects"
    __table_args__ = (
        Index("ix_projects_street_state", "street_id", "state"),
        Index("ix_projects_coordinator_link", "coordinator_id", "link_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    funding: Mapped[str] = mapped_column(String(20))
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id"), unique=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    #: Contract amount in fen (tender projects) or the declared budget (others).
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=ProjectState.DRAFT)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    link_state: Mapped[str] = mapped_column(String(20), default=LinkState.NONE)
    link_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    link_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organization: Mapped[Organization] = relationship()
    street: Mapped[Street] = relationship()
    community: Mapped[Community] = relationship()
    tender: Mapped[Tender | None] = relationship()
    coordinator = relationship("User", foreign_keys=[coordinator_id])
    meeting = relationship("EvaluationMeeting", back_populates="project", uselist=False)
    evaluation_window = relationship(
        "EvaluationWindow", back_populates="project", uselist=False
    )

    AUDIT_TYPE = "project"

    def __str__(self) -> str:
        return self.title

    @property
    def is_linked(self) -> bool:
        """三社联动: its community, an accepted social worker, its organization."""
        return (
            self.community_id is not None
            and self.organization_id is not None
            and self.coordinator_id is not None
            and self.link_accepted
        )

    @property
    def link_accepted(self) -> bool:
        """The asked social worker agreed to coordinate."""
        return self.link_state == LinkState.ACCEPTED

    @property
    def may_request_linkage(self) -> bool:
        """Before approval the organization may ask a social worker to coordinate."""
        return self.state in LINKAGE_STATES

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    @property
    def is_running(self) -> bool:
        """Recruiting or in progress: not a draft, not waiting, not finished."""
        return self.state in RUNNING_STATES

    @property
    def is_recruiting(self) -> bool:
        """Volunteers may sign up for its shifts."""
        return self.state == ProjectState.RECRUITING

    @property
    def awaits_approval(self) -> bool:
        """Sent to the street, waiting for its decision."""
        return self.state == ProjectState.PENDING_APPROVAL

    @property
    def is_finished(self) -> bool:
        """Completed or evaluated: its evaluation may be opened."""
        return self.state in FINISHED_STATES

    def may_move_to(self, target: ProjectState) -> bool:
        """The lifecycle (PROJECT_TRANSITIONS) allows this step from here."""
        return target in PROJECT_TRANSITIONS[ProjectState(self.state)]

    @property
    def may_cancel(self) -> bool:
        return self.may_move_to(ProjectState.CANCELLED)

    @property
    def may_record_meeting(self) -> bool:
        """The evaluation meeting is what moves a completed project to evaluated."""
        return self.may_move_to(ProjectState.EVALUATED)

    def may_take_need(self, community_id: int) -> bool:
        """A need of ``community_id`` may be passed to this project."""
        return self.is_running and self.community_id == community_id

    @property
    def is_editable(self) -> bool:
        return self.state == ProjectState.DRAFT

    def has_started(self, today: date | None = None) -> bool:
        """Its period has begun (Shanghai's date)."""
        return (today or local_today()) >= self.period_start

    def may_complete(self, today: date | None = None) -> bool:
        """In progress, and its period has begun: only then can it be completed."""
        return self.state == ProjectState.IN_PROGRESS and self.has_started(today)

    def move(self, target: ProjectState, *, reason: str | None = None) -> ProjectState:
        """Change state if the lifecycle allows; recruiting needs all three links;
        nothing is completed before its period starts."""
        current = ProjectState(self.state)
        if not self.may_move_to(target):
            raise TransitionNotAllowed(current, target)
        if target == ProjectState.RECRUITING and not self.is_linked:
            raise ProjectNotLinked()
        if target == ProjectState.COMPLETED and not self.has_started():
            raise ProjectNotStarted(self.period_start)
        self.state = target
        self.state_changed_at = utcnow()
        if target == ProjectState.CANCELLED:
            self.cancel_reason = reason
        return current
