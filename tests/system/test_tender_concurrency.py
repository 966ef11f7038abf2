"""Awards and proposals under real concurrency, on PostgreSQL with real connections."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from hub.extensions import db
from hub.models import Organization, Project, Proposal, Tender, User
from hub.models.tenders import ProposalState, TenderState
from hub.tenders import services
from tests.system.concurrency import THREADS, postgres_app, race
from tests.tender_factories import PERIOD, approved_org, close, open_tender, propose

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    yield from postgres_app("hub_tender_concurrency", str(tmp_path_factory.mktemp("t")))


def test_reviewers_awarding_at_once_make_one_project(pg_app: Flask) -> None:
    from tests import factories

    with pg_app.app_context(), pg_app.test_request_context():
        tender = open_tender()
        proposal_ids = []
        for _ in range(THREADS):
            org = approved_org(tender.street)
            staff = factories.org_staff(organization=org)
            proposal_ids.append(propose(tender, org, 1_000_00, staff).id)
        close(tender)
        reviewer_id = factories.reviewer(street=tender.street).id
        tender_id = tender.id
        db.session.commit()

    def award(proposal_id: int):  # noqa: ANN202
        def job() -> int:
            project = services.award_tender(
                db.session.get(Tender, tender_id),
                db.session.get(Proposal, proposal_id),
                by=db.session.get(User, reviewer_id),
                amount_fen=1_000_00,
                period_start=PERIOD[0],
                period_end=PERIOD[1],
            )
            return project.id

        return job

    results = race(pg_app, [award(i) for i in proposal_ids])
    won = [r for r in results if isinstance(r, int)]
    assert len(won) == 1, results
    assert all(isinstance(r, services.AlreadyAwarded) for r in results if r not in won)
    with pg_app.app_context():
        assert db.session.get(Tender, tender_id).state == TenderState.AWARDED
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Project)
                .where(Project.tender_id == tender_id)
            )
            == 1
        )
        states = db.session.scalars(
            sa.select(Proposal.state).where(Proposal.tender_id == tender_id)
        ).all()
        assert sorted(states).count(ProposalState.AWARDED) == 1


def test_double_submit_from_one_organization_keeps_one_proposal(
    pg_app: Flask,
) -> None:
    from tests import factories

    with pg_app.app_context(), pg_app.test_request_context():
        tender = open_tender()
        org = approved_org()
        staff_id = factories.org_staff(organization=org).id
        tender_id, org_id = tender.id, org.id
        db.session.commit()

    def submit() -> int:
        return services.submit_proposal(
            db.session.get(Tender, tender_id),
            db.session.get(Organization, org_id),
            by=db.session.get(User, staff_id),
            plan="计划",
            price_fen=1_000_00,
            team="团队",
        ).id

    results = race(pg_app, [submit] * THREADS)
    ids = {r for r in results if isinstance(r, int)}
    assert len(ids) == 1, results
    assert all(
        isinstance(r, services.AlreadyProposed)
        for r in results
        if not isinstance(r, int)
    )
