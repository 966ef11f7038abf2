"""Roles, permissions and the one table that joins them.

A permission says what kind of thing a role may do at all; whether a person may do
it to a given object (this street's filing, that organization's project) is decided
in the feature's ``policy.py``.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    ORG_OWNER = "org_owner"
    ORG_MANAGER = "org_manager"
    SOCIAL_WORKER = "social_worker"
    STREET_REVIEWER = "street_reviewer"
    ADMIN = "admin"


class Scope(StrEnum):
    """What kind of place or body a role is granted on."""

    NONE = "none"
    STREET = "street"
    COMMUNITY = "community"
    ORGANIZATION = "organization"


#: The scope each role must be granted on.
ROLE_SCOPES: dict[Role, Scope] = {
    Role.VOLUNTEER: Scope.NONE,
    Role.ORG_OWNER: Scope.ORGANIZATION,
    Role.ORG_MANAGER: Scope.ORGANIZATION,
    Role.SOCIAL_WORKER: Scope.COMMUNITY,
    Role.STREET_REVIEWER: Scope.STREET,
    Role.ADMIN: Scope.NONE,
}

ROLE_LABELS = {
    Role.VOLUNTEER: _p("role", "Volunteer"),
    Role.ORG_OWNER: _p("role", "Organization owner"),
    Role.ORG_MANAGER: _p("role", "Organization manager"),
    Role.SOCIAL_WORKER: _p("role", "Social worker"),
    Role.STREET_REVIEWER: _p("role", "Street reviewer"),
    Role.ADMIN: _p("role", "Administrator"),
}


class Qualification(StrEnum):
    """A social worker's qualification (the staffing standard counts these)."""

    NONE = "none"
    GRADUATE = "graduate"  # 大学生社工
    ASSISTANT = "assistant_social_worker"  # 助理社会工作师
    SOCIAL_WORKER = "social_worker"  # 社会工作师


QUALIFICATION_LABELS = {
    Qualification.NONE: _l("No qualification"),
    Qualification.GRADUATE: _l("University graduate"),
    Qualification.ASSISTANT: _l("Assistant social worker"),
    Qualification.SOCIAL_WORKER: _l("Social worker (certified)"),
}


class Permission(StrEnum):
    """``resource:action``; a route declares one of these or is public."""

    ACCOUNT_USE = "account:use"
    PLACES_MANAGE = "places:manage"
    ACCOUNTS_MANAGE = "accounts:manage"
    ROLES_MANAGE = "roles:manage"
    ORGANIZATIONS_APPLY = "organizations:apply"
    ORGANIZATIONS_MANAGE = "organizations:manage"
    FILINGS_REVIEW = "filings:review"
    PROJECTS_MANAGE = "projects:manage"
    PROJECTS_COORDINATE = "projects:coordinate"
    PROJECTS_APPROVE = "projects:approve"
    SHIFTS_SIGNUP = "shifts:signup"
    REPORTS_VIEW = "reports:view"
    ACCOUNTS_RECOVER = "accounts:recover"
    SMS_VIEW = "sms:view"
    PROJECTS_CANCEL = "projects:cancel"
    SHIFTS_RUN = "shifts:run"
    TENDERS_PUBLISH = "tenders:publish"
    TENDERS_PROPOSE = "tenders:propose"
    NEEDS_RAISE = "needs:raise"
    NEEDS_TRIAGE = "needs:triage"
    NEEDS_WORK = "needs:work"
    NEEDS_OVERSEE = "needs:oversee"
    HOURS_OWN = "hours:own"
    HOURS_KEEP = "hours:keep"
    MATCHING_INVITE = "matching:invite"
    EVALUATIONS_RATE = "evaluations:rate"
    #: Register a resident on their behalf (协助注册), in one's community.
    ACCOUNTS_ASSIST = "accounts:assist"


#: Every account holder is a resident: may raise a need and rate the projects of
#: their community (the evaluation's own rules say who may rate which project).
_EVERYONE = {
    Permission.ACCOUNT_USE,
    Permission.NEEDS_RAISE,
    Permission.EVALUATIONS_RATE,
}
#: Running the work an organization does: rosters, check-in, hours, invitations.
_ORGANIZER = {
    Permission.SHIFTS_RUN,
    Permission.HOURS_KEEP,
    Permission.MATCHING_INVITE,
    Permission.NEEDS_WORK,
}

#: The single role → permission table.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VOLUNTEER: frozenset(
        _EVERYONE
        | {
            Permission.SHIFTS_SIGNUP,
            Permission.ORGANIZATIONS_APPLY,
            Permission.HOURS_OWN,
        }
    ),
    Role.ORG_OWNER: frozenset(
        _EVERYONE
        | _ORGANIZER
        | {
            Permission.ORGANIZATIONS_MANAGE,
            Permission.PROJECTS_MANAGE,
            Permission.PROJECTS_CANCEL,
            Permission.TENDERS_PROPOSE,
        }
    ),
    Role.ORG_MANAGER: frozenset(
        _EVERYONE
        | _ORGANIZER
        | {
            Permission.ORGANIZATIONS_MANAGE,
            Permission.PROJECTS_MANAGE,
            Permission.PROJECTS_CANCEL,
            Permission.TENDERS_PROPOSE,
        }
    ),
    Role.SOCIAL_WORKER: frozenset(
        _EVERYONE
        | _ORGANIZER
        | {
            Permission.PROJECTS_COORDINATE,
            Permission.REPORTS_VIEW,
            Permission.NEEDS_TRIAGE,
            Permission.ACCOUNTS_ASSIST,
        }
    ),
    Role.STREET_REVIEWER: frozenset(
        _EVERYONE
        | {
            Permission.FILINGS_REVIEW,
            Permission.PROJECTS_APPROVE,
            Permission.PROJECTS_CANCEL,
            Permission.TENDERS_PUBLISH,
            Permission.NEEDS_OVERSEE,
            Permission.REPORTS_VIEW,
            Permission.ACCOUNTS_RECOVER,
            Permission.SMS_VIEW,
        }
    ),
    Role.ADMIN: frozenset(
        _EVERYONE
        | {
            Permission.PLACES_MANAGE,
            Permission.ACCOUNTS_MANAGE,
            Permission.ROLES_MANAGE,
            Permission.ACCOUNTS_RECOVER,
            Permission.SMS_VIEW,
        }
    ),
}
