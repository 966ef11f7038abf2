"""The street's queue of projects waiting for approval: oldest first, days waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hub.extensions import db
from hub.models import Project
from hub.models.base import utcnow
from hub.models.projects import ProjectState
from hub.organizations.services import REVIEW_DUE_WORKING_DAYS
from hub.workdays import working_days_waiting


@dataclass(frozen=True)
class WaitingProject:
    project: Project
    days_waiting: int
    overdue: bool


def approval_queue(
    street_ids: list[int], *, now: datetime | None = None
) -> list[WaitingProject]:
    """Projects of these streets waiting for approval, oldest first, with working
    days waiting since they were sent (due like filings, within 5 working days)."""
    if not street_ids:
        return []
    now = now or utcnow()
    projects = db.session.scalars(
        select(Project)
        .where(
            Project.street_id.in_(street_ids),
            Project.state == ProjectState.PENDING_APPROVAL,
        )
        .options(selectinload(Project.organization), selectinload(Project.community))
        .order_by(Project.state_changed_at, Project.id)
    ).all()
    items = []
    for project in projects:
        days = working_days_waiting(project.state_changed_at, now)
        items.append(WaitingProject(project, days, days > REVIEW_DUE_WORKING_DAYS))
    return items
