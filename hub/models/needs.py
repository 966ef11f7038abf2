"""Service needs (居民需求) residents raise in their grid, and how they are handled."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin, UTCDateTime, utcnow
from hub.models.organizations import Organization, TransitionNotAllowed
from hub.models.places import Community, Grid, Street
from hub.models.projects import Project

#: The most a resident may write about a need.
DESCRIPTION_MAX = 1000


class NeedState(StrEnum):
    OPEN = "open"  # waiting for a social worker of the community
    TRIAGED = "triaged"  # assigned to an organization (or one of its projects)
    IN_PROGRESS = "in_progress"  # the organization took it on
    RESOLVED = "resolved"
    DECLINED = "declined"  # the social worker said no, with a reason
    WITHDRAWN = "withdrawn"  # the resident took it back before triage


#: Need transitions: state -> states it may move to.
NEED_TRANSITIONS: dict[NeedState, set[NeedState]] = {
    NeedState.OPEN: {NeedState.TRIAGED, NeedState.DECLINED, NeedState.WITHDRAWN},
    # An organization that cannot help hands the need back to the social worker.
    NeedState.TRIAGED: {NeedState.IN_PROGRESS, NeedState.RESOLVED, NeedState.OPEN},
    NeedState.IN_PROGRESS: {NeedState.RESOLVED},
    NeedState.RESOLVED: set(),
    NeedState.DECLINED: set(),
    NeedState.WITHDRAWN: set(),
}

#: States in which someone still has to act.
ACTIVE_STATES = (NeedState.OPEN, NeedState.TRIAGED, NeedState.IN_PROGRESS)
#: States in which an organization has the need and still works on it.
WITH_ORGANIZATION_STATES = (NeedState.TRIAGED, NeedState.IN_PROGRESS)
#: States in which the need is with an organization.
HANDLED_STATES = (NeedState.TRIAGED, NeedState.IN_PROGRESS, NeedState.RESOLVED)


class ServiceNeed(TimestampMixin, db.Model):
    """What a resident needs where they live: a community (and its street), and the
    grid when the resident knows it; the community's social workers triage it."""

    __tablename__ = "service_needs"
    __table_args__ = (
        # The social worker's triage queue: a community's open needs, oldest first.
        Index("ix_service_needs_triage_queue", "community_id", "state", "created_at"),
        # The organization's list of needs assigned to it.
        Index("ix_service_needs_organization_state", "organization_id", "state"),
        Index("ix_service_needs_street_state", "street_id", "state"),
        Index("ix_service_needs_user_created", "user_id", "created_at"),
        # A need with an organization's name on it always says which organization.
        CheckConstraint(
            "state NOT IN ('triaged', 'in_progress', 'resolved') "
            "OR organization_id IS NOT NULL",
            name="assigned_when_handled",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    #: None when the resident did not know their grid.
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    #: A ``hub.categories.ServiceCategory`` code.
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    #: The optional photo, checked by its content and stored privately.
    photo_stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    photo_content_type: Mapped[str | None] = mapped_column(String(40))
    photo_size: Mapped[int | None] = mapped_column(Integer)
    photo_sha256: Mapped[str | None] = mapped_column(String(64))

    state: Mapped[str] = mapped_column(String(20), default=NeedState.OPEN)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id"), index=True
    )
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The social worker's message to the organization when assigning.
    triage_note: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    resident = relationship("User", foreign_keys=[user_id])
    street: Mapped[Street] = relationship()
    community: Mapped[Community] = relationship()
    grid: Mapped[Grid | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    project: Mapped[Project | None] = relationship()

    AUDIT_TYPE = "service_need"

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        """The first line of the description, short enough for a card title."""
        return need_summary(self.description)

    @property
    def place_names(self) -> list[str]:
        """The community and, when known, the grid: for "where" lines."""
        names = [self.community.name]
        return names + [self.grid.name] if self.grid is not None else names

    @property
    def has_photo(self) -> bool:
        return self.photo_stored_name is not None

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    def may_move_to(self, target: NeedState) -> bool:
        """NEED_TRANSITIONS allow this step from here."""
        return target in NEED_TRANSITIONS[NeedState(self.state)]

    @property
    def may_triage(self) -> bool:
        """Open: a social worker may pass it on (or decline it)."""
        return self.may_move_to(NeedState.TRIAGED)

    @property
    def may_withdraw(self) -> bool:
        return self.may_move_to(NeedState.WITHDRAWN)

    @property
    def may_start(self) -> bool:
        """Assigned: the organization may take it on (or hand it back)."""
        return self.may_move_to(NeedState.IN_PROGRESS)

    @property
    def may_hand_back(self) -> bool:
        return self.may_move_to(NeedState.OPEN)

    @property
    def is_with_organization(self) -> bool:
        """Assigned or in progress: its organization acts on it."""
        return self.state in WITH_ORGANIZATION_STATES

    @property
    def may_resolve(self) -> bool:
        """With an organization (assigned or in progress), not yet resolved."""
        return self.may_move_to(NeedState.RESOLVED)

    def _move(self, target: NeedState) -> NeedState:
        current = NeedState(self.state)
        if not self.may_move_to(target):
            raise TransitionNotAllowed(current, target)
        self.state = target
        self.state_changed_at = utcnow()
        return current

    # One method per change ------------------------------------------------------

    def assign(
        self,
        organization: Organization,
        *,
        by_id: int,
        project: Project | None = None,
        note: str | None = None,
    ) -> NeedState:
        """Open → triaged: to an organization, or to one of its projects."""
        if project is not None and project.organization_id != organization.id:
            raise ValueError("the project belongs to another organization")
        before = self._move(NeedState.TRIAGED)
        self.organization = organization
        self.organization_id = organization.id
        self.project = project
        self.project_id = project.id if project is not None else None
        self.triaged_by_id = by_id
        self.triaged_at = self.state_changed_at
        self.triage_note = note
        return before

    def decline(self, reason: str) -> NeedState:
        """Open → declined, with the reason the resident will read."""
        before = self._move(NeedState.DECLINED)
        self.decline_reason = reason
        return before

    def withdraw(self) -> NeedState:
        """Open → withdrawn: the resident no longer needs it."""
        return self._move(NeedState.WITHDRAWN)

    def hand_back(self) -> NeedState:
        """Triaged → open: the organization cannot take it; triage again."""
        before = self._move(NeedState.OPEN)
        self.organization = None
        self.organization_id = None
        self.project = None
        self.project_id = None
        self.triaged_by_id = None
        self.triaged_at = None
        self.triage_note = None
        return before

    def start(self) -> NeedState:
        """Triaged → in progress: the organization took it on."""
        return self._move(NeedState.IN_PROGRESS)

    def resolve(self, note: str, *, by_id: int) -> NeedState:
        """Triaged or in progress → resolved, with what was done."""
        before = self._move(NeedState.RESOLVED)
        self.resolution_note = note
        self.resolved_by_id = by_id
        self.resolved_at = self.state_changed_at
        return before


def need_summary(description: str | None) -> str:
    """A need's first line, at most 40 characters: its title on cards and in logs."""
    first = (description or "").strip().splitlines()[0:1]
    text = first[0] if first else ""
    return text if len(text) <= 40 else text[:39] + "…"
