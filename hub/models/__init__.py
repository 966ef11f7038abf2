"""Models, one module per aggregate; imported here so Alembic sees them all."""

from hub.models.accounts import Consent, RoleGrant, User
from hub.models.audit import AuditEntry
from hub.models.base import TimestampMixin, utcnow
from hub.models.evaluations import EvaluationMeeting
from hub.models.notifications import Notification, OutboxMessage
from hub.models.organizations import (
    Document,
    FilingSequence,
    Organization,
    StaffInvitation,
)
from hub.models.places import Community, Grid, Street
from hub.models.projects import Project, Proposal, Tender
from hub.models.shifts import Shift, Signup

__all__ = [
    "AuditEntry",
    "Community",
    "Consent",
    "Document",
    "EvaluationMeeting",
    "FilingSequence",
    "Grid",
    "Notification",
    "Organization",
    "Project",
    "Proposal",
    "OutboxMessage",
    "RoleGrant",
    "Shift",
    "Signup",
    "StaffInvitation",
    "Street",
    "Tender",
    "TimestampMixin",
    "User",
    "utcnow",
]
