"""Project services: create, link (三社联动), approve, run. Routes stay thin."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import url_for

from hub import audit
from hub.auth.services import people_with_role
from hub.db import begin_writing
from hub.errors import DomainError
from hub.extensions import db
from hub.models import Community, EvaluationMeeting, Organization, Project, User
from hub.models.base import utcnow
from hub.models.evaluations import Conclusion
from hub.models.organizations import TransitionNotAllowed
from hub.models.projects import (
    Funding,
    LinkState,
    ProjectState,
    Proposal,
)
from hub.notifications.services import notify
from hub.organizations.services import organization_staff, street_reviewers
from hub.permissions import Role


class NotAllowedForOrganization(DomainError):
    """The organization is not approved, or its approval was revoked."""


class NotASocialWorkerThere(DomainError):
    """The person asked to coordinate is not a social worker of the community."""


class BadPeriod(DomainError):
    """The service period ends before it starts."""


EDITABLE_FIELDS = {
    "title",
    "category",
    "description",
    "place",
    "amount_fen",
    "period_start",
    "period_end",
    "community_id",
}


def social_workers_of(community: Community) -> list[User]:
    """The active social workers of a community, by name."""
    return people_with_role(Role.SOCIAL_WORKER, community_id=community.id)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise BadPeriod(start, end)


def _record(by: User | None, project: Project, action: str, **kwargs: Any) -> None:
    audit.record(by, project, action, street_id=project.street_id, **kwargs)


def _tell(users: list[User], kind: str, project: Project, **params: Any) -> None:
    url = url_for("projects.manage", project_id=project.id)
    for user in users:
        notify(user, kind, params={"project": project.title, **params}, url=url)


def create_project(
    org: Organization,
    *,
    by: User,
    title: str,
    category: str,
    community: Community,
    funding: Funding,
    period_start: date,
    period_end: date,
    description: str = "",
    place: str = "",
    amount_fen: int | None = None,
) -> Project:
    """A project an organization funds otherwise; the street approves it later."""
    if not org.may_propose:
        raise NotAllowedForOrganization(org.id)
    if funding == Funding.TENDER:
        raise ValueError("tender projects come from an award")
    _check_period(period_start, period_end)
    project = Project(
        organization=org,
        street_id=community.street_id,
        community=community,
        title=title.strip(),
        category=category,
        description=description.strip(),
        place=place.strip(),
        funding=funding,
        amount_fen=amount_fen,
        period_start=period_start,
        period_end=period_end,
        created_by_id=by.id,
    )
    db.session.add(project)
    db.session.flush()
    _record(by, project, "project.create", to_state=ProjectState.DRAFT)
    return project


def create_project_from_award(
    proposal: Proposal,
    *,
    by: User,
    amount_fen: int,
    period_start: date,
    period_end: date,
) -> Project:
    """The draft project an award creates for the winning organization."""
    _check_period(period_start, period_end)
    tender = proposal.tender
    project = Project(
        organization_id=proposal.organization_id,
        street_id=tender.street_id,
        community_id=tender.community_id,
        title=tender.title,
        category=tender.category,
        description=proposal.plan,
        funding=Funding.TENDER,
        tender_id=tender.id,
        proposal_id=proposal.id,
        amount_fen=amount_fen,
        period_start=period_start,
        period_end=period_end,
        created_by_id=by.id,
    )
    db.session.add(project)
    db.session.flush()
    _record(
        by,
        project,
        "project.create",
        to_state=ProjectState.DRAFT,
        data={"tender_id": tender.id, "amount_fen": amount_fen},
    )
    return project


def update_project(project: Project, *, by: User, fields: dict[str, Any]) -> None:
    """Change a draft project's details (the contract amount of a tender stays)."""
    if not project.is_editable:
        raise TransitionNotAllowed(project.state, "edit")
    for key in fields:
        if key not in EDITABLE_FIELDS:
            raise KeyError(key)
    if project.funding == Funding.TENDER:
        fields = {
            k: v for k, v in fields.items() if k not in {"amount_fen", "community_id"}
        }
    _check_period(
        fields.get("period_start", project.period_start),
        fields.get("period_end", project.period_end),
    )
    if "community_id" in fields and fields["community_id"] != project.community_id:
        community = db.session.get(Community, fields["community_id"])
        if community is None or community.street_id != project.street_id:
            raise NotASocialWorkerThere(fields["community_id"])
        # A new community needs a coordinator from that community.
        project.coordinator_id = None
        project.link_state = LinkState.NONE
    for key, value in fields.items():
        setattr(project, key, value)
    db.session.flush()


def request_linkage(project: Project, social_worker: User, *, by: User) -> None:
    """Ask one of the community's social workers to coordinate the project."""
    if not project.may_request_linkage:
        raise TransitionNotAllowed(project.state, "request linkage")
    if social_worker.id not in {u.id for u in social_workers_of(project.community)}:
        raise NotASocialWorkerThere(social_worker.id)
    before = project.link_state
    project.coordinator_id = social_worker.id
    project.link_state = LinkState.REQUESTED
    project.link_changed_at = utcnow()
    project.link_note = None
    db.session.flush()
    _record(
        by,
        project,
        "project.link_request",
        from_state=before,
        to_state=LinkState.REQUESTED,
        data={"social_worker_id": social_worker.id},
    )
    notify(
        social_worker,
        "linkage_requested",
        params={"project": project.title, "organization": project.organization.name},
        url=url_for("projects.coordination"),
    )


def answer_linkage(
    project: Project, *, user: User, accept: bool, note: str | None
) -> None:
    """The asked social worker accepts or declines to coordinate."""
    if project.coordinator_id != user.id or project.link_state != LinkState.REQUESTED:
        raise TransitionNotAllowed(project.link_state, "answer linkage")
    target = LinkState.ACCEPTED if accept else LinkState.DECLINED
    project.link_state = target
    project.link_changed_at = utcnow()
    project.link_note = (note or "").strip() or None
    db.session.flush()
    _record(
        user,
        project,
        "project.link_answer",
        from_state=LinkState.REQUESTED,
        to_state=target,
        reason=project.link_note,
    )
    _tell(
        organization_staff(project.organization_id),
        "linkage_accepted" if accept else "linkage_declined",
        project,
        social_worker=user.name,
        note=project.link_note or "",
    )


def _move(
    project: Project, target: ProjectState, *, by: User, reason: str | None = None
) -> ProjectState:
    before = project.move(target, reason=reason)
    db.session.flush()
    _record(
        by, project, "project.state", from_state=before, to_state=target, reason=reason
    )
    return before


def submit_project(project: Project, *, by: User) -> None:
    """Send a draft to the street for approval."""
    _move(project, ProjectState.PENDING_APPROVAL, by=by)
    _tell(
        street_reviewers(project.street_id),
        "project_submitted",
        project,
        organization=project.organization.name,
    )


def approve_project(project: Project, *, by: User) -> None:
    """The street approves: a linked project starts recruiting."""
    _move(project, ProjectState.RECRUITING, by=by)
    _tell(organization_staff(project.organization_id), "project_approved", project)
    if project.coordinator is not None:
        _tell([project.coordinator], "project_approved", project)


def return_project(project: Project, *, by: User, reason: str) -> None:
    """The street sends the project back to draft with what to change."""
    _move(project, ProjectState.DRAFT, by=by, reason=reason)
    _tell(
        organization_staff(project.organization_id),
        "project_returned",
        project,
        reason=reason,
    )


def start_project(project: Project, *, by: User) -> None:
    """Recruiting is over; the work is under way."""
    _move(project, ProjectState.IN_PROGRESS, by=by)


def complete_project(project: Project, *, by: User) -> None:
    """The work is done; the street may now evaluate it."""
    _move(project, ProjectState.COMPLETED, by=by)
    _tell(
        street_reviewers(project.street_id),
        "project_completed",
        project,
        organization=project.organization.name,
    )


def mark_evaluated(project: Project, *, by: User) -> None:
    """The project has been evaluated (recorded by its evaluation meeting)."""
    _move(project, ProjectState.EVALUATED, by=by)


BAR_AFTER_FAIL_DAYS = 365


def record_meeting(
    project: Project,
    *,
    by: User,
    held_on: date,
    attendees: str,
    summary: str,
    conclusion: Conclusion,
) -> EvaluationMeeting:
    """Record the evaluation meeting (成效评议会); 不合格 bars tenders for 12 months."""
    if not project.may_record_meeting:
        raise TransitionNotAllowed(project.state, ProjectState.EVALUATED)
    meeting = EvaluationMeeting(
        project_id=project.id,
        held_on=held_on,
        attendees=attendees.strip(),
        summary=summary.strip(),
        conclusion=conclusion,
        recorded_by_id=by.id,
    )
    db.session.add(meeting)
    mark_evaluated(project, by=by)
    org = project.organization
    if conclusion == Conclusion.FAIL:
        until = held_on + timedelta(days=BAR_AFTER_FAIL_DAYS)
        org.barred_until = max(until, org.barred_until or until)
    db.session.flush()
    _record(
        by,
        project,
        "project.meeting",
        to_state=conclusion,
        data={"held_on": held_on.isoformat(), "barred_until": str(org.barred_until)},
    )
    _tell(
        organization_staff(org.id),
        "project_evaluated",
        project,
        conclusion=conclusion.value,
    )
    return meeting


def cancel_project(project: Project, *, by: User, reason: str) -> None:
    """Stop the project, with the reason everyone involved is told.

    Its shifts are the shifts feature's: ``hub.workflows.cancel_project`` cancels
    both, and is what pages call."""
    if not reason.strip():
        raise ValueError("a reason is required")
    begin_writing()
    _move(project, ProjectState.CANCELLED, by=by, reason=reason.strip())
    people = organization_staff(project.organization_id) + street_reviewers(
        project.street_id
    )
    if project.coordinator is not None:
        people.append(project.coordinator)
    seen: set[int] = set()
    unique = [
        p for p in people if not (p.id in seen or seen.add(p.id)) and p.id != by.id
    ]
    _tell(unique, "project_cancelled", project, reason=reason.strip())
