"""Who may do what to an organization: the one place these rules live."""

from __future__ import annotations

from typing import Any

from hub.models import Document, Organization, StaffInvitation
from hub.models.organizations import FilingState
from hub.permissions import Role

STAFF = (Role.ORG_OWNER, Role.ORG_MANAGER)


def _auth(user: Any) -> bool:
    return bool(user and user.is_authenticated)


def is_staff(user: Any, org: Organization) -> bool:
    """Owner or manager of this organization."""
    return _auth(user) and any(
        g.role in STAFF and g.organization_id == org.id for g in user.grants
    )


def is_owner(user: Any, org: Organization) -> bool:
    return _auth(user) and any(
        g.role == Role.ORG_OWNER and g.organization_id == org.id for g in user.grants
    )


def reviewed_street_ids(user: Any) -> list[int]:
    """The streets this person reviews."""
    if not _auth(user):
        return []
    return [g.street_id for g in user.grants if g.role == Role.STREET_REVIEWER]


def can_review(user: Any, org: Organization) -> bool:
    """A reviewer of the organization's own street, once the filing was submitted.

    A draft (its documents include the lead person's ID) is the applicant's alone
    until they send it; the street does not see what was never submitted.
    """
    return org.filing_state != FilingState.DRAFT and org.street_id in (
        reviewed_street_ids(user)
    )


def can_view_application(user: Any, org: Organization) -> bool:
    """Its staff and the reviewers of its street see the whole application."""
    return is_staff(user, org) or can_review(user, org)


def can_edit_application(user: Any, org: Organization) -> bool:
    return is_staff(user, org) and org.is_editable


def can_manage_staff(user: Any, org: Organization) -> bool:
    return is_owner(user, org)


def can_view_document(user: Any, document: Document) -> bool:
    return can_view_application(user, document.organization)


def can_answer_invitation(user: Any, invitation: StaffInvitation) -> bool:
    return (
        _auth(user)
        and user.mobile_verified_at is not None
        and invitation.mobile == user.mobile
        and invitation.is_open
    )


POLICIES = {
    "review_filing": can_review,
    "view_application": can_view_application,
    "edit_application": can_edit_application,
    "manage_staff": can_manage_staff,
    "view_document": can_view_document,
}
