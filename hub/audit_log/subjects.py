"""What an audit entry is about, by name (王五 · 社区助老), not "project #7".

Each kind of record has a loader that names a whole page of entries' objects in
one query (``OBJECT_LOADERS``: audit type -> loader). An object deleted since
(an erased person's sign-up, a removed document) is named by its kind and number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_pgettext as _p
from flask_login import current_user
from sqlalchemy import Select, select

from hub.extensions import db
from hub.models import (
    Certificate,
    Community,
    Consent,
    Document,
    EvaluationMeeting,
    EvaluationWindow,
    Grid,
    HourDispute,
    HourRecord,
    Invitation,
    NumberRecovery,
    Organization,
    Project,
    Proposal,
    Rating,
    RoleGrant,
    ServiceNeed,
    Shift,
    Signup,
    StaffInvitation,
    Street,
    Tender,
    User,
    VolunteerProfile,
)
from hub.models.needs import need_summary
from hub.permissions import ROLE_LABELS, Permission, Role
from hub.shifts import when


@dataclass(frozen=True)
class ObjectRef:
    label: str
    url: str | None = None


#: The pages objects link to, and what the reader needs to open them.
_PAGE_PERMISSIONS = {
    "admin.user": Permission.ACCOUNTS_MANAGE,
    "review.filing": Permission.FILINGS_REVIEW,
    "projects.review": Permission.PROJECTS_APPROVE,
    "tenders.review": Permission.PROJECTS_APPROVE,
}

Loader = Callable[[set[int]], dict[int, ObjectRef]]

#: Each kind of record in words, for objects that no longer exist.
OBJECT_KIND_LABELS: dict[str, Any] = {
    "user": _p("record type", "Account"),
    "role_grant": _p("record type", "Role"),
    "consent": _p("record type", "Consent"),
    "number_recovery": _p("record type", "Number change"),
    "volunteer_profile": _p("record type", "Volunteer profile"),
    "organization": _p("record type", "Organization"),
    "document": _p("record type", "Document"),
    "staff_invitation": _p("record type", "Staff invitation"),
    "tender": _p("record type", "Purchase need"),
    "proposal": _p("record type", "Proposal"),
    "project": _p("record type", "Project"),
    "shift": _p("record type", "Shift"),
    "signup": _p("record type", "Sign-up"),
    "invitation": _p("record type", "Shift invitation"),
    "hour_record": _p("record type", "Hour record"),
    "hour_dispute": _p("record type", "Question about hours"),
    "certificate": _p("record type", "Certificate"),
    "service_need": _p("record type", "Need"),
    "evaluation_window": _p("record type", "Rating period"),
    "evaluation_meeting": _p("record type", "Evaluation meeting"),
    "rating": _p("record type", "Rating"),
    "street": _p("record type", "Street"),
    "community": _p("record type", "Community"),
    "grid": _p("record type", "Grid"),
}


def _link(endpoint: str, **values: Any) -> str | None:
    """A link to the object's page, when it exists and the reader may open it."""
    needed = _PAGE_PERMISSIONS[endpoint]
    if endpoint not in current_app.view_functions:
        return None
    if not current_user.is_authenticated or not current_user.has_permission(needed):
        return None
    return url_for(endpoint, **values)


def _named(query: Select, link: Callable[..., str | None] | None = None) -> Loader:
    """A loader from a query of (id, label[, link argument]) filtered by id."""

    def load(ids: set[int]) -> dict[int, ObjectRef]:
        id_column = query.selected_columns[0]
        rows = db.session.execute(query.where(id_column.in_(ids)))
        return {
            row[0]: ObjectRef(row[1], link(*row[2:]) if link is not None else None)
            for row in rows
        }

    return load


def _person_and_project(model: Any, user_column: Any, project_column: Any) -> Loader:
    """Someone's record on a project: 王五 · 社区助老."""
    return _named(
        select(model.id, User.name + " · " + Project.title)
        .join(User, User.id == user_column)
        .join(Project, Project.id == project_column)
    )


def _grants(ids: set[int]) -> dict[int, ObjectRef]:
    rows = db.session.execute(
        select(RoleGrant.id, RoleGrant.role, User.id, User.name)
        .join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.id.in_(ids))
    )
    return {
        grant_id: ObjectRef(
            f"{name} · {ROLE_LABELS.get(Role(role), role)}",
            _link("admin.user", user_id=user_id),
        )
        for grant_id, role, user_id, name in rows
    }


def _needs(ids: set[int]) -> dict[int, ObjectRef]:
    rows = db.session.execute(
        select(ServiceNeed.id, ServiceNeed.description).where(ServiceNeed.id.in_(ids))
    )
    return {need_id: ObjectRef(need_summary(text)) for need_id, text in rows}


def _shifts(ids: set[int]) -> dict[int, ObjectRef]:
    rows = db.session.execute(
        select(Shift.id, Project.title, Shift.starts_at, Shift.ends_at)
        .join(Project, Project.id == Shift.project_id)
        .where(Shift.id.in_(ids))
    )
    return {
        shift_id: ObjectRef(f"{title} · {when(starts, ends)}")
        for shift_id, title, starts, ends in rows
    }


def _invitation_of_staff(ids: set[int]) -> dict[int, ObjectRef]:
    rows = db.session.execute(
        select(StaffInvitation.id, Organization.name, StaffInvitation.role)
        .join(Organization, Organization.id == StaffInvitation.organization_id)
        .where(StaffInvitation.id.in_(ids))
    )
    return {
        invitation_id: ObjectRef(f"{name} · {ROLE_LABELS.get(Role(role), role)}")
        for invitation_id, name, role in rows
    }


def _user_link(user_id: int) -> str | None:
    return _link("admin.user", user_id=user_id)


#: audit type -> loader of names (and links) for a set of ids, one query each.
OBJECT_LOADERS: dict[str, Loader] = {
    "user": _named(select(User.id, User.name, User.id), _user_link),
    "role_grant": _grants,
    "consent": _named(
        select(Consent.id, User.name, User.id).join(User, User.id == Consent.user_id),
        _user_link,
    ),
    "number_recovery": _named(
        select(NumberRecovery.id, User.name, User.id).join(
            User, User.id == NumberRecovery.user_id
        ),
        _user_link,
    ),
    "volunteer_profile": _named(
        select(VolunteerProfile.user_id, User.name).join(
            User, User.id == VolunteerProfile.user_id
        )
    ),
    "organization": _named(
        select(Organization.id, Organization.name, Organization.id),
        lambda org_id: _link("review.filing", org_id=org_id),
    ),
    "document": _named(
        select(Document.id, Organization.name + " · " + Document.original_name).join(
            Organization, Organization.id == Document.organization_id
        )
    ),
    "staff_invitation": _invitation_of_staff,
    "project": _named(
        select(Project.id, Project.title, Project.id),
        lambda project_id: _link("projects.review", project_id=project_id),
    ),
    "tender": _named(
        select(Tender.id, Tender.title, Tender.id),
        lambda tender_id: _link("tenders.review", tender_id=tender_id),
    ),
    "proposal": _named(
        select(
            Proposal.id,
            Organization.name + " · " + Tender.title,
            Proposal.tender_id,
        )
        .join(Organization, Proposal.organization_id == Organization.id)
        .join(Tender, Proposal.tender_id == Tender.id),
        lambda tender_id: _link("tenders.review", tender_id=tender_id),
    ),
    "shift": _shifts,
    "signup": _named(
        select(Signup.id, User.name + " · " + Project.title)
        .join(User, User.id == Signup.user_id)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Project, Project.id == Shift.project_id)
    ),
    "invitation": _named(
        select(Invitation.id, User.name + " · " + Project.title)
        .join(User, User.id == Invitation.user_id)
        .join(Shift, Shift.id == Invitation.shift_id)
        .join(Project, Project.id == Shift.project_id)
    ),
    "hour_record": _person_and_project(
        HourRecord, HourRecord.user_id, HourRecord.project_id
    ),
    "hour_dispute": _named(
        select(HourDispute.id, User.name + " · " + Project.title)
        .join(HourRecord, HourRecord.id == HourDispute.record_id)
        .join(User, User.id == HourDispute.user_id)
        .join(Project, Project.id == HourRecord.project_id)
    ),
    "certificate": _named(
        select(Certificate.id, User.name + " · " + Certificate.number).join(
            User, User.id == Certificate.user_id
        )
    ),
    "service_need": _needs,
    "evaluation_window": _named(
        select(EvaluationWindow.id, Project.title).join(
            Project, Project.id == EvaluationWindow.project_id
        )
    ),
    "evaluation_meeting": _named(
        select(EvaluationMeeting.id, Project.title).join(
            Project, Project.id == EvaluationMeeting.project_id
        )
    ),
    "rating": _person_and_project(Rating, Rating.user_id, Rating.project_id),
    "street": _named(select(Street.id, Street.name)),
    "community": _named(select(Community.id, Community.name)),
    "grid": _named(select(Grid.id, Grid.name)),
}


def missing_object(object_type: str, object_id: int) -> ObjectRef:
    """An object that is no longer there (or of a kind nobody named yet)."""
    kind = OBJECT_KIND_LABELS.get(object_type)
    if kind is None:
        return ObjectRef(f"{object_type} #{object_id}")
    return ObjectRef(_("%(kind)s no. %(id)d (deleted)", kind=kind, id=object_id))


def subjects(entries: Iterable[Any]) -> dict[tuple[str, int], ObjectRef]:
    """Names (and links) for the entries' objects: one query per kind of record."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        wanted[entry.object_type].add(entry.object_id)
    found: dict[tuple[str, int], ObjectRef] = {}
    for object_type, ids in wanted.items():
        loader = OBJECT_LOADERS.get(object_type)
        named = loader(ids) if loader is not None else {}
        for object_id in ids:
            found[object_type, object_id] = named.get(object_id) or missing_object(
                object_type, object_id
            )
    return found
