"""Tender rules: publishing, one proposal per organization, deadlines, the award."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from hub.extensions import db
from hub.models import AuditEntry, Notification, Project, Proposal, Tender
from hub.models.base import utcnow
from hub.models.projects import Funding, ProjectState
from hub.models.tenders import ProposalState, TenderState
from hub.tenders import queries, services
from tests import factories
from tests.tender_factories import (
    PERIOD,
    approved_org,
    close,
    open_tender,
    propose,
    revoked_org,
)


def _publish(**overrides):  # noqa: ANN003, ANN202
    community = overrides.pop("community", None) or factories.CommunityFactory()
    values = {
        "by": factories.reviewer(street=community.street),
        "street": community.street,
        "community": community,
        "title": "  社区调解服务  ",
        "category": "mediation",
        "budget_fen": 50_000_00,
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "deadline": utcnow() + timedelta(days=3),
        "description": "",
    }
    values.update(overrides)
    return services.publish_tender(**values)


def _staffed(org):  # noqa: ANN001, ANN202
    return factories.org_staff(organization=org)


# Publishing ---------------------------------------------------------------------


def test_publish_opens_tender_and_records_it() -> None:
    tender = _publish()
    assert tender.state == TenderState.OPEN
    assert tender.title == "社区调解服务"
    assert tender.budget_fen == 50_000_00
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "tender", AuditEntry.object_id == tender.id
        )
    )
    assert entry.action == "tender.publish"
    assert entry.street_id == tender.street_id


def test_publish_refuses_community_of_another_street() -> None:
    other = factories.CommunityFactory()
    with pytest.raises(services.CommunityNotInStreet):
        _publish(street=factories.StreetFactory(), community=other)


def test_publish_refuses_deadline_in_the_past() -> None:
    with pytest.raises(services.DeadlineInPast):
        _publish(deadline=utcnow() - timedelta(minutes=1))


def test_publish_refuses_period_ending_before_it_starts() -> None:
    with pytest.raises(services.BadPeriod):
        _publish(period_start=date(2026, 9, 1), period_end=date(2026, 8, 31))


def test_publish_refuses_zero_budget() -> None:
    with pytest.raises(services.BadAmount):
        _publish(budget_fen=0)


# Proposals ----------------------------------------------------------------------


def test_proposal_after_the_deadline_is_refused() -> None:
    tender = open_tender()
    org = approved_org()
    with pytest.raises(services.DeadlinePassed):
        services.submit_proposal(
            tender,
            org,
            by=_staffed(org),
            plan="计划",
            price_fen=100,
            team="团队",
            now=tender.deadline + timedelta(seconds=1),
        )
    assert db.session.scalar(select(Proposal)) is None


def test_second_proposal_from_one_organization_is_refused() -> None:
    tender = open_tender()
    org = approved_org()
    staff = _staffed(org)
    first = propose(tender, org, 60_000_00, staff)
    with pytest.raises(services.AlreadyProposed):
        propose(tender, org, 50_000_00, staff)
    assert db.session.get(Proposal, first.id).price_fen == 60_000_00


def test_concurrent_double_submit_is_refused_by_the_database(monkeypatch) -> None:
    tender = open_tender()
    org = approved_org()
    staff = _staffed(org)
    propose(tender, org, 60_000_00, staff)
    # The other request checked before this one's row existed.
    monkeypatch.setattr(services, "existing_proposal", lambda *_: None)
    with pytest.raises(services.AlreadyProposed):
        propose(tender, org, 50_000_00, staff)
    # The session is still usable: only the savepoint was rolled back.
    assert db.session.scalar(select(Proposal.price_fen)) == 60_000_00


def test_price_over_budget_is_refused_and_the_budget_itself_is_fine() -> None:
    tender = open_tender(budget_fen=80_000_00)
    org = approved_org()
    with pytest.raises(services.OverBudget):
        propose(tender, org, 80_000_01, _staffed(org))
    assert propose(tender, org, 80_000_00, _staffed(org)).price_fen == 80_000_00


def test_revoked_organization_cannot_propose() -> None:
    tender = open_tender()
    org = revoked_org()
    with pytest.raises(services.NotEligible):
        propose(tender, org, 100, _staffed(org))


def test_unapproved_organization_cannot_propose() -> None:
    tender = open_tender()
    org = factories.submitted_application()
    with pytest.raises(services.NotEligible):
        propose(tender, org, 100, _staffed(org))


def test_withdraw_then_submit_again_reuses_the_row() -> None:
    tender = open_tender()
    org = approved_org()
    staff = _staffed(org)
    first = propose(tender, org, 70_000_00, staff)
    services.withdraw_proposal(first, by=staff)
    assert first.state == ProposalState.WITHDRAWN
    again = propose(tender, org, 65_000_00, staff)
    assert again.id == first.id
    assert again.state == ProposalState.SUBMITTED
    assert again.price_fen == 65_000_00
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "proposal", AuditEntry.object_id == first.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["proposal.submit", "proposal.withdraw", "proposal.submit"]


def test_update_and_withdraw_only_before_the_deadline() -> None:
    tender = open_tender()
    org = approved_org()
    staff = _staffed(org)
    proposal = propose(tender, org, 70_000_00, staff)
    services.update_proposal(
        proposal, by=staff, plan="新计划", price_fen=68_000_00, team="新团队"
    )
    assert proposal.price_fen == 68_000_00
    later = tender.deadline + timedelta(hours=1)
    with pytest.raises(services.DeadlinePassed):
        services.update_proposal(
            proposal, by=staff, plan="x", price_fen=1, team="y", now=later
        )
    with pytest.raises(services.DeadlinePassed):
        services.withdraw_proposal(proposal, by=staff, now=later)


def test_update_over_budget_is_refused() -> None:
    tender = open_tender(budget_fen=100_00)
    org = approved_org()
    staff = _staffed(org)
    proposal = propose(tender, org, 100_00, staff)
    with pytest.raises(services.OverBudget):
        services.update_proposal(
            proposal, by=staff, plan="p", price_fen=100_01, team="t"
        )


# Award --------------------------------------------------------------------------


def _three_proposals():  # noqa: ANN202
    tender = open_tender(budget_fen=80_000_00)
    street = tender.street
    orgs = [approved_org(street), approved_org(), approved_org()]
    staff = [_staffed(o) for o in orgs]
    proposals = [
        propose(tender, org, price, person)
        for org, price, person in zip(
            orgs, (75_000_00, 72_000_50, 79_000_00), staff, strict=True
        )
    ]
    # The third organization withdraws: it is not told about the result.
    services.withdraw_proposal(proposals[2], by=staff[2])
    return tender, proposals, staff


def _award(tender, proposal, **overrides):  # noqa: ANN001, ANN003, ANN202
    values = {
        "by": factories.reviewer(street=tender.street),
        "amount_fen": 74_500_00,
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
    }
    values.update(overrides)
    return services.award_tender(tender, proposal, **values)


def test_award_before_the_deadline_is_refused() -> None:
    tender, proposals, _ = _three_proposals()
    with pytest.raises(services.DeadlineNotPassed):
        _award(tender, proposals[0])
    assert tender.state == TenderState.OPEN
    assert db.session.scalar(select(Project)) is None


def test_award_creates_draft_project_and_tells_the_others() -> None:
    tender, proposals, staff = _three_proposals()
    close(tender)
    winner, loser, withdrawn = proposals
    project = _award(tender, winner, amount_fen=74_500_00)

    assert tender.state == TenderState.AWARDED
    assert tender.awarded_at is not None
    assert project.state == ProjectState.DRAFT
    assert project.funding == Funding.TENDER
    assert project.amount_fen == 74_500_00
    assert project.organization_id == winner.organization_id
    assert project.tender_id == tender.id
    assert project.community_id == tender.community_id
    assert (winner.state, loser.state, withdrawn.state) == (
        ProposalState.AWARDED,
        ProposalState.NOT_AWARDED,
        ProposalState.WITHDRAWN,
    )
    told = {
        n.user_id: n
        for n in db.session.scalars(
            select(Notification).where(
                Notification.kind.in_(["proposal_awarded", "proposal_not_awarded"])
            )
        )
    }
    assert set(told) == {staff[0].id, staff[1].id}
    assert told[staff[0].id].kind == "proposal_awarded"
    assert told[staff[0].id].url == f"/projects/{project.id}/manage"
    assert told[staff[0].id].params == {"tender": tender.title}
    assert told[staff[1].id].kind == "proposal_not_awarded"
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.street_id == tender.street_id)
        )
    )
    assert {"tender.award", "proposal.decide", "project.create"} <= actions


def test_second_award_is_refused() -> None:
    tender, proposals, _ = _three_proposals()
    close(tender)
    _award(tender, proposals[0])
    with pytest.raises(services.AlreadyAwarded):
        _award(tender, proposals[1])
    assert db.session.scalar(select(Project.id).where(Project.tender_id == tender.id))


def test_award_guard_catches_a_reviewer_deciding_at_the_same_moment() -> None:
    tender, proposals, _ = _three_proposals()
    close(tender)
    # Another reviewer's award committed after this one loaded the tender.
    db.session.execute(
        update(Tender)
        .where(Tender.id == tender.id)
        .values(state=TenderState.AWARDED)
        .execution_options(synchronize_session=False)
    )
    assert tender.state == TenderState.OPEN  # what this request still believes
    with pytest.raises(services.AlreadyAwarded):
        _award(tender, proposals[0])
    assert db.session.scalar(select(Project)) is None


def test_award_refuses_amount_over_budget_and_withdrawn_proposals() -> None:
    tender, proposals, _ = _three_proposals()
    close(tender)
    with pytest.raises(services.OverBudget):
        _award(tender, proposals[0], amount_fen=80_000_01)
    with pytest.raises(services.NotASubmittedProposal):
        _award(tender, proposals[2])
    assert tender.state == TenderState.OPEN


def test_award_refuses_a_proposal_of_another_tender() -> None:
    tender, proposals, _ = _three_proposals()
    other, other_proposals, _ = _three_proposals()
    close(tender)
    with pytest.raises(services.NotASubmittedProposal):
        _award(tender, other_proposals[0])


def test_cancel_tells_proposers_and_closes_the_tender() -> None:
    tender, proposals, staff = _three_proposals()
    services.cancel_tender(
        tender, by=factories.reviewer(street=tender.street), reason=" 预算调整 "
    )
    assert tender.state == TenderState.CANCELLED
    assert tender.cancel_reason == "预算调整"
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "tender_cancelled")
    ).all()
    assert sorted(told) == sorted([staff[0].id, staff[1].id])
    org = approved_org()
    with pytest.raises(services.TenderClosed):
        propose(tender, org, 100, _staffed(org))
    close(tender)
    with pytest.raises(services.TenderClosed):
        _award(tender, proposals[0])


def test_open_tenders_lists_only_those_taking_proposals() -> None:
    soon = open_tender(deadline=utcnow() + timedelta(days=1))
    later = open_tender(deadline=utcnow() + timedelta(days=9), category="legal")
    closed = open_tender()
    close(closed)
    assert [t.id for t in queries.open_tenders()] == [later.id, soon.id]
    assert [t.id for t in queries.open_tenders(category="legal")] == [later.id]
    assert [t.id for t in queries.open_tenders(street_id=soon.street_id)] == [soon.id]
    assert queries.awaiting_award_count([closed.street_id, soon.street_id]) == 1
