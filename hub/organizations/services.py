"""Filing services: the rules a street reviewer answers for. Routes stay thin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from flask import current_app, url_for
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from hub import audit
from hub.admin.services import grant_role
from hub.auth.services import people_with_role
from hub.errors import DomainError
from hub.extensions import db
from hub.localtime import local
from hub.models import Community, Document, FilingSequence, Organization, Street, User
from hub.models.base import utcnow
from hub.models.organizations import (
    FILING_TRANSITIONS,
    FilingState,
    Stage,
    TransitionNotAllowed,
    name_key,
)
from hub.notifications.services import notify
from hub.permissions import Role
from hub.uploads import store_document
from hub.workdays import working_days_waiting


class NameTaken(DomainError):
    """Another live organization in the district has this name."""


class IncompleteApplication(DomainError):
    """Required fields or documents are missing; ``missing`` names them."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


class AlreadyDecided(DomainError):
    """Someone else decided this filing first."""


#: Fields an application must have before it can be submitted.
REQUIRED_FIELDS = [
    "name",
    "org_type",
    "service_categories",
    "communities",
    "lead_person",
    "contact_phone",
    "address",
    "member_count",
    "description",
]
REQUIRED_DOCUMENTS = ["charter", "lead_id"]
EDITABLE_FIELDS = {
    "name",
    "org_type",
    "service_categories",
    "lead_person",
    "contact_phone",
    "address",
    "member_count",
    "description",
    "credit_code",
}


def _check_name_free(name: str, *, exclude_id: int | None) -> None:
    query = select(func.count()).where(
        Organization.name_key == name_key(name),
        Organization.filing_state != FilingState.REJECTED,
    )
    if exclude_id is not None:
        query = query.where(Organization.id != exclude_id)
    if db.session.scalar(query):
        raise NameTaken(name)


def start_application(
    *, user: User, name: str, street: Street, org_type: str
) -> Organization:
    """Create an organization as a draft filing; its creator becomes owner."""
    name = " ".join(name.split())
    _check_name_free(name, exclude_id=None)
    org = Organization(
        name=name,
        name_key=name_key(name),
        street=street,
        org_type=org_type,
        service_categories=[],
        created_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(org)
            db.session.flush()
    except IntegrityError as e:  # a concurrent application took the name
        raise NameTaken(name) from e
    grant_role(user, Role.ORG_OWNER, by=user, organization=org)
    audit.record(
        user, org, "filing.create", to_state=FilingState.DRAFT, street_id=street.id
    )
    return org


def update_application(
    org: Organization,
    *,
    by: User,
    fields: dict[str, Any],
    community_ids: list[int] | None = None,
) -> None:
    """Save part of the application (a draft or one asked to change)."""
    if not org.is_editable:
        raise TransitionNotAllowed(org.filing_state, "edit")
    if "name" in fields:
        fields["name"] = " ".join(fields["name"].split())
        _check_name_free(fields["name"], exclude_id=org.id)
        org.name_key = name_key(fields["name"])
    for key, value in fields.items():
        if key not in EDITABLE_FIELDS:
            raise KeyError(key)
        setattr(org, key, value)
    if community_ids is not None:
        communities = db.session.scalars(
            select(Community).where(
                Community.id.in_(community_ids), Community.street_id == org.street_id
            )
        ).all()
        org.communities = list(communities)
    db.session.flush()


def missing_items(org: Organization) -> list[str]:
    """What still has to be filled in or uploaded before submitting."""
    missing = []
    for field in REQUIRED_FIELDS:
        value = org.communities if field == "communities" else getattr(org, field)
        if value in (None, "", []):
            missing.append(field)
    kinds = {d.kind for d in org.documents}
    missing += [f"document:{k}" for k in REQUIRED_DOCUMENTS if k not in kinds]
    return missing


def add_document(
    org: Organization, *, by: User, kind: str, stream: BinaryIO, filename: str
) -> Document:
    """Attach a checked document to an application that may still change."""
    if not org.is_editable:
        raise TransitionNotAllowed(org.filing_state, "upload")
    stored = store_document(stream, current_app.config["UPLOAD_DIR"])
    document = Document(
        organization_id=org.id,
        kind=kind,
        original_name=(filename or "document")[:200],
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=by.id,
    )
    db.session.add(document)
    db.session.flush()
    db.session.expire(org, ["documents"])
    audit.record(
        by,
        org,
        "filing.document_add",
        street_id=org.street_id,
        data={"document_id": document.id, "kind": kind, "sha256": stored.sha256},
    )
    return document


def remove_document(document: Document, *, by: User) -> None:
    """Take a document off an editable application (the file is kept for the record)."""
    org = document.organization
    if not org.is_editable:
        raise TransitionNotAllowed(org.filing_state, "remove document")
    document.removed_at = utcnow()
    db.session.flush()
    db.session.expire(org, ["documents"])
    audit.record(
        by,
        org,
        "filing.document_remove",
        street_id=org.street_id,
        data={"document_id": document.id, "kind": document.kind},
    )


def snapshot(org: Organization) -> dict[str, Any]:
    """The application as submitted, kept in the audit trail."""
    return {
        "name": org.name,
        "org_type": org.org_type,
        "service_categories": list(org.service_categories or []),
        "communities": [c.name for c in org.communities],
        "lead_person": org.lead_person,
        "contact_phone": org.contact_phone,
        "address": org.address,
        "member_count": org.member_count,
        "description": org.description,
        "credit_code": org.credit_code,
        "documents": [
            {"id": d.id, "kind": d.kind, "sha256": d.sha256} for d in org.documents
        ],
    }


def street_reviewers(street_id: int) -> list[User]:
    """The active reviewers of a street."""
    return people_with_role(Role.STREET_REVIEWER, street_id=street_id)


def organization_staff(org_id: int) -> list[User]:
    """The active owners and managers of an organization."""
    return people_with_role((Role.ORG_OWNER, Role.ORG_MANAGER), organization_id=org_id)


def _url(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, **values)


def submit_application(org: Organization, *, by: User) -> None:
    """Send the application to the street's reviewers."""
    missing = missing_items(org)
    if missing:
        raise IncompleteApplication(missing)
    before = org.move_filing(FilingState.SUBMITTED)
    org.submitted_at = utcnow()
    org.first_submitted_at = org.first_submitted_at or org.submitted_at
    audit.record(
        by,
        org,
        "filing.submit",
        from_state=before,
        to_state=org.filing_state,
        street_id=org.street_id,
        data=snapshot(org),
    )
    for reviewer in street_reviewers(org.street_id):
        notify(
            reviewer,
            "filing_submitted",
            params={"organization": org.name},
            url=_url("review.filing", org_id=org.id),
        )
    db.session.flush()


def _decide(org: Organization, target: FilingState) -> FilingState:
    """Move a submitted filing, guarded so two reviewers cannot both decide it."""
    before = FilingState(org.filing_state)
    if target not in FILING_TRANSITIONS[before]:
        raise TransitionNotAllowed(before, target)
    # The guard: only one of several concurrent deciders finds it still `before`.
    result = db.session.execute(
        update(Organization)
        .where(Organization.id == org.id, Organization.filing_state == before)
        .values(filing_state=target, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(org)
        raise AlreadyDecided(org.id)
    with db.session.no_autoflush:
        org.move_filing(target)
        org.decided_at = utcnow()
    return before


def request_changes(org: Organization, *, by: User, comment: str) -> None:
    """Send the application back to the applicant with what to change."""
    before = _decide(org, FilingState.CHANGES_REQUESTED)
    audit.record(
        by,
        org,
        "filing.request_changes",
        from_state=before,
        to_state=FilingState.CHANGES_REQUESTED,
        reason=comment,
        street_id=org.street_id,
    )
    _tell_staff(org, "filing_changes_requested", comment=comment)


def reject_application(org: Organization, *, by: User, reason: str) -> None:
    """Refuse the filing, with the reason the applicant will read."""
    before = _decide(org, FilingState.REJECTED)
    audit.record(
        by,
        org,
        "filing.reject",
        from_state=before,
        to_state=FilingState.REJECTED,
        reason=reason,
        street_id=org.street_id,
    )
    _tell_staff(org, "filing_rejected", reason=reason)


def next_filing_number(street: Street, year: int) -> str:
    """``<street code>-<year>-<4 digits>``: atomic, gap-free per street and year."""
    key = {"street_id": street.id, "year": year}
    exists = db.session.scalar(
        select(func.count()).select_from(FilingSequence).filter_by(**key)
    )
    if not exists:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(FilingSequence).values(**key, last_value=0))
        except IntegrityError:
            pass  # another approval created it first
    # One UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite), so
    # concurrent approvals queue here and each gets its own number.
    value = db.session.execute(
        update(FilingSequence)
        .filter_by(**key)
        .values(last_value=FilingSequence.last_value + 1)
        .returning(FilingSequence.last_value)
    ).scalar_one()
    return f"{street.code}-{year}-{value:04d}"


def approve_application(org: Organization, *, by: User) -> str:
    """Approve the filing: issue its number and start incubation."""
    before = _decide(org, FilingState.APPROVED)
    now = utcnow()
    org.filing_number = next_filing_number(org.street, local(now).year)
    org.stage = Stage.INCUBATING
    org.stage_changed_at = now
    db.session.flush()
    audit.record(
        by,
        org,
        "filing.approve",
        from_state=before,
        to_state=FilingState.APPROVED,
        street_id=org.street_id,
        data={"filing_number": org.filing_number},
    )
    audit.record(
        by, org, "incubation.stage", to_state=Stage.INCUBATING, street_id=org.street_id
    )
    _tell_staff(org, "filing_approved", filing_number=org.filing_number)
    return org.filing_number


def change_stage(
    org: Organization, target: Stage, *, by: User, reason: str | None
) -> None:
    """Move an approved organization through incubation; leaving needs a reason."""
    if target in (Stage.EXITED, Stage.REVOKED) and not (reason and reason.strip()):
        raise IncompleteApplication(["reason"])
    before = org.move_stage(target, reason=reason)
    db.session.flush()
    audit.record(
        by,
        org,
        "incubation.stage",
        from_state=before,
        to_state=target,
        reason=reason,
        street_id=org.street_id,
    )
    _tell_staff(org, "incubation_stage_changed", stage=target.value)


def _tell_staff(org: Organization, kind: str, **params: Any) -> None:
    for member in organization_staff(org.id):
        notify(
            member,
            kind,
            params={"organization": org.name, **params},
            url=_url("organizations.application", org_id=org.id),
        )


@dataclass(frozen=True)
class QueueItem:
    organization: Organization
    days_waiting: int
    overdue: bool


REVIEW_DUE_WORKING_DAYS = 5


def review_queue(street_ids: list[int], *, now=None) -> list[QueueItem]:  # noqa: ANN001
    """Submitted filings of these streets, oldest first, with working days waiting."""
    now = now or utcnow()
    orgs = db.session.scalars(
        select(Organization)
        .where(
            Organization.street_id.in_(street_ids),
            Organization.filing_state == FilingState.SUBMITTED,
        )
        .options(selectinload(Organization.street))
        .order_by(Organization.submitted_at, Organization.id)
    ).all()
    items = []
    for org in orgs:
        days = working_days_waiting(org.submitted_at, now)
        items.append(QueueItem(org, days, days > REVIEW_DUE_WORKING_DAYS))
    return items
