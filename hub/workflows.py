"""Effects that cross features, one level above them.

Features depend one way (shifts on projects, hours on shifts …); when a step in
one feature must change another's records, the step is written here, calling
each feature's own service, so neither feature imports the other's services.
"""

from __future__ import annotations

from hub.models import Project, User
from hub.projects import services as projects
from hub.shifts import services as shifts


def cancel_project(project: Project, *, by: User, reason: str) -> None:
    """Cancel the project and its shifts that have not started; the people
    involved and the volunteers on those shifts are told (one transaction)."""
    projects.cancel_project(project, by=by, reason=reason)
    shifts.cancel_upcoming_shifts(project, by=by, reason=reason.strip())
