"""Who may do what to a project or tender: the one place these rules live."""

from __future__ import annotations

from typing import Any

from hub.models import Organization, Project, Tender
from hub.organizations.policy import is_staff, reviewed_street_ids
from hub.permissions import Role


def can_manage_project(user: Any, project: Project) -> bool:
    """Staff of the organization that runs it."""
    return is_staff(user, project.organization)


def can_approve_project(user: Any, project: Project) -> bool:
    """Reviewers of the project's street."""
    return project.street_id in reviewed_street_ids(user)


def is_coordinator(user: Any, project: Project) -> bool:
    """The social worker asked to coordinate (whether or not they accepted yet)."""
    return bool(user and user.is_authenticated and project.coordinator_id == user.id)


def can_view_project(user: Any, project: Project) -> bool:
    """Everyone once public; before that its staff, coordinator and reviewers."""
    return (
        project.is_public
        or can_manage_project(user, project)
        or can_approve_project(user, project)
        or is_coordinator(user, project)
    )


def community_social_worker_ids(user: Any) -> list[int]:
    """The communities this person is a social worker of."""
    if not (user and user.is_authenticated):
        return []
    return [g.community_id for g in user.grants if g.role == Role.SOCIAL_WORKER]


def can_manage_tender(user: Any, tender: Tender) -> bool:
    """Reviewers of the tender's own street."""
    return tender.street_id in reviewed_street_ids(user)


def can_propose_for(user: Any, org: Organization) -> bool:
    """Staff of an approved, not revoked organization."""
    return is_staff(user, org) and org.may_propose


POLICIES = {
    "manage_project": can_manage_project,
    "approve_project": can_approve_project,
    "coordinate_project": is_coordinator,
    "manage_tender": can_manage_tender,
}
