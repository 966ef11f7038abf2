"""Who may see or act on a service need: the one place these rules live."""

from __future__ import annotations

from typing import Any

from hub.models.needs import ServiceNeed
from hub.organizations.policy import is_staff, reviewed_street_ids
from hub.projects.policy import community_social_worker_ids


def _auth(user: Any) -> bool:
    return bool(user and user.is_authenticated)


def is_resident(user: Any, need: ServiceNeed) -> bool:
    """The person who raised it."""
    return _auth(user) and need.user_id == user.id


def can_triage_need(user: Any, need: ServiceNeed) -> bool:
    """Social workers of the need's community."""
    return need.community_id in community_social_worker_ids(user)


def can_work_need(user: Any, need: ServiceNeed) -> bool:
    """Staff of the organization it is assigned to."""
    return (
        need.organization_id is not None
        and need.organization is not None
        and is_staff(user, need.organization)
    )


def can_oversee_need(user: Any, need: ServiceNeed) -> bool:
    """Reviewers of the need's street (read only)."""
    return need.street_id in reviewed_street_ids(user)


def can_view_need(user: Any, need: ServiceNeed) -> bool:
    """The need and its photo: the resident, and those who handle or oversee it."""
    return (
        is_resident(user, need)
        or can_triage_need(user, need)
        or can_work_need(user, need)
        or can_oversee_need(user, need)
    )


def can_see_resident_phone(user: Any, need: ServiceNeed) -> bool:
    """Those who must call the resident see the full number; reviewers do not."""
    return can_triage_need(user, need) or can_work_need(user, need)


def can_withdraw_need(user: Any, need: ServiceNeed) -> bool:
    """The resident, while nobody has taken it on."""
    return is_resident(user, need) and need.may_withdraw


def can_resolve_need(user: Any, need: ServiceNeed) -> bool:
    """The community's social worker or the assigned organization, once assigned."""
    return need.may_resolve and (
        can_triage_need(user, need) or can_work_need(user, need)
    )


POLICIES = {
    "view_need": can_view_need,
    "triage_need": can_triage_need,
    "work_need": can_work_need,
    "withdraw_need": can_withdraw_need,
    "resolve_need": can_resolve_need,
    "see_need_phone": can_see_resident_phone,
}
