"""Who may see results, hide comments and confirm residents."""

from __future__ import annotations

from typing import Any

from hub.models import Project, VolunteerProfile
from hub.models.evaluations import Rating
from hub.projects.policy import (
    can_approve_project,
    can_view_project,
    community_social_worker_ids,
)


def can_see_result(user: Any, project: Project) -> bool:
    """Everyone once the window has closed; the street's reviewers at any time."""
    window = project.evaluation_window
    if window is None or not can_view_project(user, project):
        return False
    return window.is_closed() or can_approve_project(user, project)


def can_hide_comment(user: Any, rating: Rating) -> bool:
    """Reviewers of the project's street."""
    return can_approve_project(user, rating.project)


def can_confirm_residence(user: Any, profile: VolunteerProfile) -> bool:
    """Social workers of the person's home community."""
    return profile.home_community_id in community_social_worker_ids(user)


POLICIES = {
    "see_evaluation_result": can_see_result,
    "hide_comment": can_hide_comment,
}
