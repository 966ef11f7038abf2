"""Models, one module per aggregate; imported here so Alembic sees them all."""

from hub.models import indexes as _indexes  # noqa: F401 - benchmark indexes
from hub.models.accounts import Consent, RoleGrant, User
from hub.models.audit import AuditEntry
from hub.models.base import TimestampMixin, utcnow
from hub.models.evaluations import EvaluationMeeting, EvaluationWindow, Rating
from hub.models.hours import Attendance, Certificate, HourDispute, HourRecord
from hub.models.matching import Invitation
from hub.models.needs import ServiceNeed
from hub.models.notifications import Notification, OutboxMessage
from hub.models.organizations import (
    Document,
    FilingSequence,
    Organization,
    StaffInvitation,
)
from hub.models.places import Community, Grid, Street
from hub.models.profiles import VolunteerProfile
from hub.models.projects import Project
from hub.models.shifts import Shift, Signup
from hub.models.tenders import Proposal, Tender
from hub.models.verification import NumberRecovery, VerificationCode

__all__ = [
    "Attendance",
    "AuditEntry",
    "Certificate",
    "Community",
    "Consent",
    "Document",
    "EvaluationMeeting",
    "EvaluationWindow",
    "FilingSequence",
    "Grid",
    "HourDispute",
    "HourRecord",
    "Invitation",
    "Notification",
    "NumberRecovery",
    "Organization",
    "Project",
    "Proposal",
    "Rating",
    "OutboxMessage",
    "RoleGrant",
    "ServiceNeed",
    "Shift",
    "Signup",
    "StaffInvitation",
    "Street",
    "Tender",
    "TimestampMixin",
    "User",
    "VerificationCode",
    "VolunteerProfile",
    "utcnow",
]
