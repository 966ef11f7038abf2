"""Tender services: publish, propose, compare and award. Routes stay thin."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from hub import audit
from hub.errors import DomainError
from hub.extensions import db
from hub.models import Community, Organization, Project, Proposal, Street, Tender, User
from hub.models.base import utcnow
from hub.models.tenders import ProposalState, TenderState
from hub.notifications.services import notify
from hub.organizations.services import organization_staff
from hub.projects.services import BadPeriod, create_project_from_award


class CommunityNotInStreet(DomainError):
    """The tender's community belongs to another street."""


class DeadlineInPast(DomainError):
    """A new tender's proposal deadline must be in the future."""


class BadAmount(DomainError):
    """A budget, price or contract amount must be more than zero."""


class TenderClosed(DomainError):
    """The tender was cancelled or awarded: nothing more can happen to it."""


class AlreadyAwarded(TenderClosed):
    """Someone (perhaps another reviewer, at the same moment) decided it first."""


class DeadlinePassed(DomainError):
    """Proposals are taken, changed or withdrawn only before the deadline."""


class DeadlineNotPassed(DomainError):
    """A tender is awarded only after its deadline, when every proposal is in."""


class NotEligible(DomainError):
    """Only approved, not revoked organizations may propose (or be awarded)."""


class OverBudget(DomainError):
    """The price or contract amount is more than the tender's budget."""


class AlreadyProposed(DomainError):
    """The organization already has a proposal for this tender."""


class NotASubmittedProposal(DomainError):
    """The proposal is withdrawn, decided, or belongs to another tender."""


def _record(by: User | None, obj: Any, action: str, street_id: int, **kw: Any) -> None:
    audit.record(by, obj, action, street_id=street_id, **kw)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise BadPeriod(start, end)


def _check_price(tender: Tender, fen: int) -> None:
    if fen <= 0:
        raise BadAmount(fen)
    if fen > tender.budget_fen:
        raise OverBudget(fen, tender.budget_fen)


def publish_tender(
    *,
    by: User,
    street: Street,
    community: Community,
    title: str,
    category: str,
    budget_fen: int,
    period_start: date,
    period_end: date,
    deadline: datetime,
    description: str = "",
    now: datetime | None = None,
) -> Tender:
    """Publish a street's purchase need, open for proposals until the deadline."""
    if community.street_id != street.id:
        raise CommunityNotInStreet(community.id, street.id)
    if deadline <= (now or utcnow()):
        raise DeadlineInPast(deadline)
    if budget_fen <= 0:
        raise BadAmount(budget_fen)
    _check_period(period_start, period_end)
    tender = Tender(
        street_id=street.id,
        community_id=community.id,
        title=title.strip(),
        category=category,
        budget_fen=budget_fen,
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        description=(description or "").strip(),
        state=TenderState.OPEN,
        created_by_id=by.id,
    )
    db.session.add(tender)
    db.session.flush()
    _record(
        by,
        tender,
        "tender.publish",
        tender.street_id,
        to_state=TenderState.OPEN,
        data={"budget_fen": budget_fen, "deadline": deadline.isoformat()},
    )
    return tender


def _must_be_open(tender: Tender) -> None:
    if tender.is_awarded:
        raise AlreadyAwarded(tender.id)
    if not tender.is_open:
        raise TenderClosed(tender.id)


def _close(tender: Tender, target: TenderState, **values: Any) -> None:
    """Move an open tender on, guarded so two reviewers cannot both decide it."""
    _must_be_open(tender)
    # Only one of several concurrent deciders still finds the row open.
    result = db.session.execute(
        update(Tender)
        .where(Tender.id == tender.id, Tender.state == TenderState.OPEN)
        .values(state=target, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(tender)
        _must_be_open(tender)  # reloaded: says who won the race
        raise TenderClosed(tender.id)
    with db.session.no_autoflush:
        tender.move(target)
        for key, value in values.items():
            setattr(tender, key, value)


def cancel_tender(tender: Tender, *, by: User, reason: str) -> None:
    """Withdraw the purchase need, with the reason every proposer is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required")
    _close(tender, TenderState.CANCELLED, cancel_reason=reason)
    db.session.flush()
    _record(
        by,
        tender,
        "tender.cancel",
        tender.street_id,
        from_state=TenderState.OPEN,
        to_state=TenderState.CANCELLED,
        reason=reason,
    )
    url = url_for("tenders.show", tender_id=tender.id)
    for proposal in _proposals(tender, ProposalState.SUBMITTED):
        for member in organization_staff(proposal.organization_id):
            notify(
                member,
                "tender_cancelled",
                params={"tender": tender.title, "reason": reason},
                url=url,
            )


def _proposals(tender: Tender, *states: ProposalState) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.tender_id == tender.id, Proposal.state.in_(states))
            .order_by(Proposal.id)
        )
    )


def _taking(tender: Tender, now: datetime | None) -> None:
    _must_be_open(tender)
    if not tender.is_taking_proposals(now):
        raise DeadlinePassed(tender.id)


def _eligible(org: Organization) -> None:
    if not org.may_propose:
        raise NotEligible(org.id)


def existing_proposal(tender: Tender, org: Organization) -> Proposal | None:
    """The organization's proposal for the tender, in whatever state."""
    return db.session.scalar(
        select(Proposal).where(
            Proposal.tender_id == tender.id, Proposal.organization_id == org.id
        )
    )


def submit_proposal(
    tender: Tender,
    org: Organization,
    *,
    by: User,
    plan: str,
    price_fen: int,
    team: str,
    now: datetime | None = None,
) -> Proposal:
    """An organization's one proposal; a withdrawn one may be sent again."""
    _taking(tender, now)
    _eligible(org)
    _check_price(tender, price_fen)
    values = {
        "plan": plan.strip(),
        "price_fen": price_fen,
        "team": team.strip(),
        "submitted_by_id": by.id,
        "updated_at": now or utcnow(),
    }
    existing = existing_proposal(tender, org)
    if existing is not None and not existing.is_withdrawn:
        raise AlreadyProposed(existing.id)
    if existing is not None:
        before = existing.state
        for key, value in values.items():
            setattr(existing, key, value)
        existing.move(ProposalState.SUBMITTED, now=values["updated_at"])
        proposal = existing
        db.session.flush()
    else:
        before = None
        proposal = Proposal(
            tender_id=tender.id,
            organization_id=org.id,
            state=ProposalState.SUBMITTED,
            **values,
        )
        try:
            # Added inside the savepoint, so a refused row leaves the session too.
            with db.session.begin_nested():
                db.session.add(proposal)
                db.session.flush()
        except IntegrityError as e:  # the same organization, a moment earlier
            raise AlreadyProposed(org.id) from e
    db.session.expire(tender, ["proposals"])
    _record(
        by,
        proposal,
        "proposal.submit",
        tender.street_id,
        from_state=before,
        to_state=ProposalState.SUBMITTED,
        data={"tender_id": tender.id, "price_fen": price_fen},
    )
    return proposal


def _changeable(proposal: Proposal, now: datetime | None) -> None:
    _taking(proposal.tender, now)
    if not proposal.is_submitted:
        raise NotASubmittedProposal(proposal.id)


def update_proposal(
    proposal: Proposal,
    *,
    by: User,
    plan: str,
    price_fen: int,
    team: str,
    now: datetime | None = None,
) -> None:
    """Change a submitted proposal before the deadline."""
    _changeable(proposal, now)
    _eligible(proposal.organization)
    _check_price(proposal.tender, price_fen)
    before = proposal.price_fen
    proposal.plan = plan.strip()
    proposal.price_fen = price_fen
    proposal.team = team.strip()
    proposal.submitted_by_id = by.id
    proposal.updated_at = now or utcnow()
    db.session.flush()
    _record(
        by,
        proposal,
        "proposal.update",
        proposal.tender.street_id,
        data={"price_fen": price_fen, "price_fen_before": before},
    )


def withdraw_proposal(
    proposal: Proposal, *, by: User, now: datetime | None = None
) -> None:
    """Take a proposal back before the deadline (it may be sent again)."""
    _changeable(proposal, now)
    proposal.move(ProposalState.WITHDRAWN, now=now)
    db.session.flush()
    _record(
        by,
        proposal,
        "proposal.withdraw",
        proposal.tender.street_id,
        from_state=ProposalState.SUBMITTED,
        to_state=ProposalState.WITHDRAWN,
    )


def award_tender(
    tender: Tender,
    proposal: Proposal,
    *,
    by: User,
    amount_fen: int,
    period_start: date,
    period_end: date,
    now: datetime | None = None,
) -> Project:
    """Choose one proposal after the deadline: a draft project; everyone is told."""
    now = now or utcnow()
    _must_be_open(tender)
    if not tender.may_award(now):
        raise DeadlineNotPassed(tender.id)
    if proposal.tender_id != tender.id or not proposal.is_submitted:
        raise NotASubmittedProposal(proposal.id)
    _eligible(proposal.organization)
    _check_price(tender, amount_fen)
    _check_period(period_start, period_end)
    _close(tender, TenderState.AWARDED, awarded_at=now)
    others = [
        p for p in _proposals(tender, ProposalState.SUBMITTED) if p.id != proposal.id
    ]
    proposal.move(ProposalState.AWARDED, now=now)
    for other in others:
        other.move(ProposalState.NOT_AWARDED, now=now)
    db.session.flush()
    project = create_project_from_award(
        proposal,
        by=by,
        amount_fen=amount_fen,
        period_start=period_start,
        period_end=period_end,
    )
    _record(
        by,
        tender,
        "tender.award",
        tender.street_id,
        from_state=TenderState.OPEN,
        to_state=TenderState.AWARDED,
        data={
            "proposal_id": proposal.id,
            "organization_id": proposal.organization_id,
            "project_id": project.id,
            "amount_fen": amount_fen,
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
        },
    )
    for p in [proposal, *others]:
        _record(
            by,
            p,
            "proposal.decide",
            tender.street_id,
            from_state=ProposalState.SUBMITTED,
            to_state=p.state,
        )
    params = {"tender": tender.title}
    manage_url = url_for("projects.manage", project_id=project.id)
    for member in organization_staff(proposal.organization_id):
        notify(member, "proposal_awarded", params=params, url=manage_url)
    public_url = url_for("tenders.show", tender_id=tender.id)
    for other in others:
        for member in organization_staff(other.organization_id):
            notify(member, "proposal_not_awarded", params=params, url=public_url)
    return project
