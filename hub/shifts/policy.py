"""Who may run a shift (see its roster with full numbers, remove, message, cancel)."""

from __future__ import annotations

from typing import Any

from hub.models import Shift
from hub.permissions import Permission
from hub.projects.policy import can_manage_project, is_coordinator


def can_organize_shift(user: Any, shift: Shift) -> bool:
    """Staff of the project's organization, or its coordinating social worker."""
    project = shift.project
    if can_manage_project(user, project):
        return True
    # Only a coordinator who accepted, and still holds the social worker's role:
    # being asked, or having been a social worker once, shows nobody's number.
    return (
        is_coordinator(user, project)
        and project.link_accepted
        and user.has_permission(Permission.PROJECTS_COORDINATE)
    )


POLICIES = {"organize_shift": can_organize_shift}
