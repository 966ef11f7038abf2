"""Roles, permissions and the one table that joins them.

A permission says what kind of thing a role may do at all; whether a person may do
it to a given object (this street's filing, that organization's project) is decided
in the feature's ``policy.py``.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


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
    Role.VOLUNTEER: _l("Volunteer"),
    Role.ORG_OWNER: _l("Organization owner"),
    Role.ORG_MANAGER: _l("Organization manager"),
    Role.SOCIAL_WORKER: _l("Social worker"),
    Role.STREET_REVIEWER: _l("Street reviewer"),
    Role.ADMIN: _l("Administrator"),
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
    #: Register a resident on their behalf (协助注册), in one's community.
    ACCOUNTS_ASSIST = "accounts:assist"


_EVERYONE = {Permission.ACCOUNT_USE}

#: The single role → permission table.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VOLUNTEER: frozenset(
        _EVERYONE | {Permission.SHIFTS_SIGNUP, Permission.ORGANIZATIONS_APPLY}
    ),
    Role.ORG_OWNER: frozenset(
        _EVERYONE | {Permission.ORGANIZATIONS_MANAGE, Permission.PROJECTS_MANAGE}
    ),
    Role.ORG_MANAGER: frozenset(
        _EVERYONE | {Permission.ORGANIZATIONS_MANAGE, Permission.PROJECTS_MANAGE}
    ),
    Role.SOCIAL_WORKER: frozenset(
        _EVERYONE
        | {
            Permission.PROJECTS_COORDINATE,
            Permission.REPORTS_VIEW,
            Permission.ACCOUNTS_ASSIST,
        }
    ),
    Role.STREET_REVIEWER: frozenset(
        _EVERYONE
        | {
            Permission.FILINGS_REVIEW,
            Permission.PROJECTS_APPROVE,
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
