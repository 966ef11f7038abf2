"""Who may run check-in, keep the ledger, approve back-fills, see certificates."""

from __future__ import annotations

from typing import Any

from hub.models import Certificate, HourRecord, Project, Signup
from hub.models.hours import RecordKind, RecordState
from hub.permissions import Permission
from hub.projects.policy import can_manage_project, is_coordinator
from hub.shifts.policy import can_organize_shift


def can_organize_project(user: Any, project: Project) -> bool:
    """Its organization's staff, or its accepted coordinating social worker."""
    if can_manage_project(user, project):
        return True
    return (
        is_coordinator(user, project)
        and project.link_accepted
        and user.has_permission(Permission.PROJECTS_COORDINATE)
    )


def can_keep_record(user: Any, record: HourRecord) -> bool:
    """Adjust a record or resolve its dispute: the project's organizers."""
    return can_organize_project(user, record.project)


def can_approve_entry(user: Any, record: HourRecord) -> bool:
    """Hours added by hand (a back-fill, a correction upwards) waiting: a second
    organizer decides, not who entered them, not the volunteer."""
    return (
        record.needs_second_person
        and record.state == RecordState.AWAITING_APPROVAL
        and can_organize_project(user, record.project)
        and user.id not in (record.created_by_id, record.user_id)
    )


def can_review_sent_later(user: Any, signup: Signup) -> bool:
    """Say whether someone whose check-in arrived late was here: the shift's
    organizers, never about themselves."""
    return can_organize_shift(user, signup.shift) and user.id != signup.user_id


def can_dispute(user: Any, record: HourRecord) -> bool:
    """The volunteer, about their own confirmed (not adjustment) record."""
    return (
        bool(user and user.is_authenticated)
        and record.user_id == user.id
        and record.state == RecordState.CONFIRMED
        and record.kind != RecordKind.ADJUSTMENT
    )


def can_view_certificate(user: Any, certificate: Certificate) -> bool:
    """The full certificate is its holder's; anyone else uses /verify/<code>."""
    return bool(user and user.is_authenticated) and certificate.user_id == user.id


POLICIES = {
    "organize_project_hours": can_organize_project,
    "approve_entry": can_approve_entry,
    "dispute_hours": can_dispute,
    "organize_checkin": can_organize_shift,
    "review_sent_later": can_review_sent_later,
}
