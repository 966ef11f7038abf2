"""Service needs: raise, triage, take on, resolve. Routes stay thin."""

from __future__ import annotations

import io
from datetime import date
from typing import Any, BinaryIO

import filetype
from flask import current_app, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from hub import audit
from hub.categories import ServiceCategory
from hub.errors import DomainError
from hub.extensions import db
from hub.models import Community, Grid, Organization, Project, User
from hub.models.needs import NeedState, ServiceNeed
from hub.models.organizations import (
    FilingState,
    Stage,
    TransitionNotAllowed,
    organization_communities,
)
from hub.models.projects import RUNNING_STATES, Funding
from hub.notifications.services import notify
from hub.organizations.services import organization_staff
from hub.projects import services as projects
from hub.projects.services import social_workers_of
from hub.uploads import MAX_DOCUMENT_BYTES, StoredFile, UploadRefused, store_document

#: A photo is a picture: documents may be PDFs, needs' photos may not.
PHOTO_TYPES = {"image/jpeg", "image/png"}


class NotServingHere(DomainError):
    """The organization is not approved, or does not serve the need's community."""


class ProjectNotHere(DomainError):
    """The project is not a running project of the need's community."""


class AlreadyLinked(DomainError):
    """The need already has a project."""


# Raising a need ------------------------------------------------------------------


def store_photo(stream: BinaryIO) -> StoredFile:
    """Check a photo by its content (JPEG or PNG only) and keep it privately."""
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if data and len(data) <= MAX_DOCUMENT_BYTES:
        kind = filetype.guess(data)
        if kind is None or kind.mime not in PHOTO_TYPES:
            raise UploadRefused("type")
    return store_document(io.BytesIO(data), current_app.config["UPLOAD_DIR"])


def _url(need: ServiceNeed) -> str:
    return url_for("needs.show", need_id=need.id)


def _record(by: User | None, need: ServiceNeed, action: str, **kwargs: Any) -> None:
    audit.record(by, need, action, street_id=need.street_id, **kwargs)


def _tell_resident(need: ServiceNeed, kind: str, **params: Any) -> None:
    notify(need.resident, kind, params={"need": need.summary, **params}, url=_url(need))


class GridNotInCommunity(DomainError):
    """The grid chosen is not one of the community's."""


def post_need(
    user: User,
    *,
    community: Community | None = None,
    grid: Grid | None = None,
    category: str,
    description: str,
    photo: BinaryIO | None = None,
) -> ServiceNeed:
    """A resident raises a need in a community, in a grid if they know it; the
    community's social workers are told (and triage it either way)."""
    if grid is not None:
        if community is not None and grid.community_id != community.id:
            raise GridNotInCommunity(grid.id)
        community = grid.community
    if community is None:
        raise ValueError("a need is raised in a community")
    category = ServiceCategory(category).value
    stored = store_photo(photo) if photo is not None else None
    need = ServiceNeed(
        user_id=user.id,
        resident=user,
        grid=grid,
        community=community,
        street_id=community.street_id,
        category=category,
        description=description.strip(),
        state=NeedState.OPEN,
    )
    if stored is not None:
        need.photo_stored_name = stored.stored_name
        need.photo_content_type = stored.content_type
        need.photo_size = stored.size
        need.photo_sha256 = stored.sha256
    db.session.add(need)
    db.session.flush()
    _record(
        user,
        need,
        "need.post",
        to_state=NeedState.OPEN,
        data={
            "grid_id": grid.id if grid else None,
            "category": category,
            "photo_sha256": stored.sha256 if stored else None,
        },
    )
    for worker in social_workers_of(community):
        if grid is None:
            params = {"community": community.name, "need": need.summary}
            kind = "need_posted_no_grid"
        else:
            params = {"grid": grid.name, "community": community.name}
            params["need"] = need.summary
            kind = "need_posted"
        notify(worker, kind, params=params, url=_url(need))
    return need


def withdraw_need(need: ServiceNeed, *, by: User) -> None:
    """The resident takes back a need nobody has taken on yet."""
    before = need.withdraw()
    db.session.flush()
    _record(by, need, "need.withdraw", from_state=before, to_state=NeedState.WITHDRAWN)


# Triage (the community's social worker) ------------------------------------------


def eligible_organizations(need: ServiceNeed) -> list[Organization]:
    """Approved, not revoked organizations that serve the need's community."""
    return list(
        db.session.scalars(
            select(Organization)
            .join(
                organization_communities,
                organization_communities.c.organization_id == Organization.id,
            )
            .where(
                organization_communities.c.community_id == need.community_id,
                Organization.filing_state == FilingState.APPROVED,
                or_(Organization.stage.is_(None), Organization.stage != Stage.REVOKED),
            )
            .order_by(Organization.name)
        )
    )


def eligible_projects(need: ServiceNeed) -> list[Project]:
    """Running projects of the need's community (``Project.may_take_need``)."""
    return list(
        db.session.scalars(
            select(Project)
            .where(
                Project.community_id == need.community_id,
                Project.state.in_(RUNNING_STATES),
            )
            .options(selectinload(Project.organization))
            .order_by(Project.title, Project.id)
        )
    )


def assign_need(
    need: ServiceNeed,
    *,
    by: User,
    organization: Organization | None = None,
    project: Project | None = None,
    note: str | None = None,
) -> None:
    """Pass an open need to an organization serving the community, or a project."""
    if project is not None:
        if not project.may_take_need(need.community_id):
            raise ProjectNotHere(project.id)
        organization = project.organization
    elif organization is None or organization.id not in {
        o.id for o in eligible_organizations(need)
    }:
        raise NotServingHere(getattr(organization, "id", None))
    note = (note or "").strip() or None
    before = need.assign(organization, by_id=by.id, project=project, note=note)
    db.session.flush()
    _record(
        by,
        need,
        "need.assign",
        from_state=before,
        to_state=NeedState.TRIAGED,
        reason=note,
        data={
            "organization_id": organization.id,
            "project_id": project.id if project else None,
        },
    )
    _tell_resident(need, "need_triaged", organization=organization.name)
    for member in organization_staff(organization.id):
        notify(
            member,
            "need_assigned",
            params={"community": need.community.name, "need": need.summary},
            url=_url(need),
        )


def decline_need(need: ServiceNeed, *, by: User, reason: str) -> None:
    """Say no to an open need, with the reason the resident reads."""
    reason = reason.strip()
    before = need.decline(reason)
    db.session.flush()
    _record(
        by,
        need,
        "need.decline",
        from_state=before,
        to_state=NeedState.DECLINED,
        reason=reason,
    )
    _tell_resident(need, "need_declined", reason=reason)


# The organization's side ------------------------------------------------------------


def start_need(need: ServiceNeed, *, by: User) -> None:
    """The assigned organization takes the need on."""
    before = need.start()
    db.session.flush()
    _record(by, need, "need.start", from_state=before, to_state=NeedState.IN_PROGRESS)
    _tell_resident(need, "need_started", organization=need.organization.name)


def hand_back_need(need: ServiceNeed, *, by: User, reason: str) -> None:
    """The organization cannot take it on: back to the social workers to triage."""
    reason = reason.strip()
    organization = need.organization
    before = need.hand_back()
    db.session.flush()
    _record(
        by,
        need,
        "need.hand_back",
        from_state=before,
        to_state=NeedState.OPEN,
        reason=reason,
        data={"organization_id": organization.id},
    )
    _tell_resident(need, "need_reopened", organization=organization.name)
    for worker in social_workers_of(need.community):
        notify(
            worker,
            "need_handed_back",
            params={
                "organization": organization.name,
                "need": need.summary,
                "reason": reason,
            },
            url=_url(need),
        )


def resolve_need(need: ServiceNeed, *, by: User, note: str) -> None:
    """The organization or the social worker closes the need with what was done."""
    note = note.strip()
    before = need.resolve(note, by_id=by.id)
    db.session.flush()
    _record(
        by,
        need,
        "need.resolve",
        from_state=before,
        to_state=NeedState.RESOLVED,
        reason=note,
    )
    _tell_resident(need, "need_resolved", note=note)


def create_project_from_need(
    need: ServiceNeed,
    *,
    by: User,
    title: str,
    category: str,
    funding: Funding,
    period_start: date,
    period_end: date,
    description: str = "",
    place: str = "",
    amount_fen: int | None = None,
) -> Project:
    """Turn an assigned need into a draft project of its organization, linked back."""
    if not need.is_with_organization:
        raise TransitionNotAllowed(need.state, "project")
    if need.project_id is not None:
        raise AlreadyLinked(need.project_id)
    project = projects.create_project(
        need.organization,
        by=by,
        title=title,
        category=category,
        community=need.community,
        funding=funding,
        period_start=period_start,
        period_end=period_end,
        description=description,
        place=place,
        amount_fen=amount_fen,
    )
    need.project = project
    need.project_id = project.id
    db.session.flush()
    _record(by, need, "need.project", data={"project_id": project.id})
    if need.may_start:
        before = need.start()
        db.session.flush()
        _record(
            by, need, "need.start", from_state=before, to_state=NeedState.IN_PROGRESS
        )
    _tell_resident(
        need,
        "need_project",
        organization=need.organization.name,
        project=project.title,
    )
    return project
