"""Organizations send, change and withdraw proposals through the pages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.extensions import db
from hub.models import Proposal
from hub.models.base import utcnow
from hub.models.tenders import ProposalState
from hub.permissions import Role
from tests import factories
from tests.tender_factories import approved_org, close, open_tender, revoked_org

PLAN = "每周两次上门探访独居老人，建立健康档案。"
TEAM = "持证社工2名，志愿者10名。"

#: The second tap of a confirmed action (hub/web/confirm.py).
YES = {"confirm": "yes"}


def _proposal(tender, org) -> Proposal | None:  # noqa: ANN001
    return db.session.scalar(
        select(Proposal).where(
            Proposal.tender_id == tender.id, Proposal.organization_id == org.id
        )
    )


def _send(client, tender, price: str, **extra):  # noqa: ANN001, ANN003, ANN202
    return client.post(
        f"/tenders/{tender.id}/proposal",
        data={"plan": PLAN, "price": price, "team": TEAM, **extra},
    )


def test_money_round_trips_exactly_through_the_proposal_form(client, login) -> None:
    tender = open_tender(budget_fen=100_000_00)
    org = approved_org()
    login(factories.org_staff(organization=org))

    response = _send(client, tender, "80,000.50")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/tenders/{tender.id}"
    proposal = _proposal(tender, org)
    assert proposal.price_fen == 8000050
    assert proposal.state == ProposalState.SUBMITTED

    page = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "¥80,000.50" in page
    assert "¥100,000.00" in page
    form = client.get(f"/tenders/{tender.id}/proposal?org={org.id}")
    html = form.get_data(as_text=True)
    assert 'value="80000.50"' in html
    assert f'name="proposal_id" type="hidden" value="{proposal.id}"' in html


def test_errors_beside_fields_and_typed_values_kept(client, login) -> None:
    tender = open_tender(budget_fen=50_000_00)
    org = approved_org()
    login(factories.org_staff(organization=org))

    response = client.post(
        f"/tenders/{tender.id}/proposal",
        data={"plan": PLAN, "price": "五万", "team": ""},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="price-error"' in html and 'id="team-error"' in html
    assert PLAN in html and 'value="五万"' in html

    response = _send(client, tender, "50,000.01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="price-error"' in html and "¥50,000.00" in html
    assert 'value="50,000.01"' in html
    assert _proposal(tender, org) is None


def test_second_new_proposal_is_refused_and_first_kept(client, login) -> None:
    tender = open_tender()
    org = approved_org()
    login(factories.org_staff(organization=org))
    assert _send(client, tender, "60000").status_code == 303
    # A colleague who opened the empty form earlier sends theirs too.
    response = _send(client, tender, "55000")
    assert response.status_code == 422
    assert f"/tenders/{tender.id}/proposal?org={org.id}" in response.get_data(
        as_text=True
    )
    assert _proposal(tender, org).price_fen == 60_000_00


def test_edit_changes_the_same_proposal(client, login) -> None:
    tender = open_tender()
    org = approved_org()
    login(factories.org_staff(organization=org))
    _send(client, tender, "60000")
    proposal = _proposal(tender, org)
    response = client.post(
        f"/tenders/{tender.id}/proposal?org={org.id}",
        data={
            "plan": "新的计划",
            "price": "59,999.99",
            "team": TEAM,
            "proposal_id": str(proposal.id),
        },
    )
    assert response.status_code == 303
    proposal = _proposal(tender, org)
    assert (proposal.plan, proposal.price_fen) == ("新的计划", 5999999)


def test_withdraw_then_submit_again(client, login) -> None:
    tender = open_tender()
    org = approved_org()
    login(factories.org_staff(organization=org))
    _send(client, tender, "60000")
    proposal_id = _proposal(tender, org).id

    response = client.post(
        f"/tenders/{tender.id}/proposal/withdraw?org={org.id}", data=YES
    )
    assert response.status_code == 303
    assert _proposal(tender, org).state == ProposalState.WITHDRAWN
    page = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert f"/tenders/{tender.id}/proposal?org={org.id}" in page

    assert _send(client, tender, "58000").status_code == 303
    proposal = _proposal(tender, org)
    assert proposal.id == proposal_id
    assert (proposal.state, proposal.price_fen) == (
        ProposalState.SUBMITTED,
        58_000_00,
    )


def test_proposal_after_the_deadline_is_refused(client, login) -> None:
    tender = open_tender()
    org = approved_org()
    login(factories.org_staff(organization=org))
    close(tender)
    response = _send(client, tender, "60000")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tenders/{tender.id}"
    assert _proposal(tender, org) is None
    assert client.get(f"/tenders/{tender.id}/proposal").status_code == 303


def test_withdraw_after_the_deadline_is_refused(client, login) -> None:
    tender = open_tender()
    org = approved_org()
    login(factories.org_staff(organization=org))
    _send(client, tender, "60000")
    close(tender)
    client.post(f"/tenders/{tender.id}/proposal/withdraw", data=YES)
    assert _proposal(tender, org).state == ProposalState.SUBMITTED


def test_revoked_organization_sees_why_and_cannot_propose(client, login) -> None:
    tender = open_tender()
    org = revoked_org()
    login(factories.org_staff(organization=org))
    page = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert org.name in page
    assert f"/tenders/{tender.id}/proposal" not in page
    response = _send(client, tender, "60000")
    assert response.status_code == 303
    assert _proposal(tender, org) is None


def test_unapproved_organization_sees_why_and_cannot_propose(client, login) -> None:
    tender = open_tender()
    owner = factories.volunteer()
    org = factories.submitted_application(owner=owner)
    login(owner)
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "is not approved by the street yet" in page
    assert _send(client, tender, "60000").status_code == 303
    assert _proposal(tender, org) is None


def test_staff_of_several_organizations_choose_which_proposes(client, login) -> None:
    tender = open_tender()
    first, second = approved_org(), approved_org()
    me = factories.org_staff(organization=first)
    factories.grant(me, Role.ORG_MANAGER, organization=second)
    login(me)
    page = client.get(f"/tenders/{tender.id}/proposal").get_data(as_text=True)
    assert 'name="organization_id"' in page
    response = _send(client, tender, "60000", organization_id=str(second.id))
    assert response.status_code == 303
    assert _proposal(tender, first) is None
    assert _proposal(tender, second).price_fen == 60_000_00


def test_someone_elses_organization_cannot_be_named(client, login) -> None:
    tender = open_tender()
    mine, theirs = approved_org(), approved_org()
    login(factories.org_staff(organization=mine))
    response = client.post(
        f"/tenders/{tender.id}/proposal?org={theirs.id}",
        data={"plan": PLAN, "price": "1", "team": TEAM},
    )
    assert response.status_code == 403
    assert _proposal(tender, theirs) is None


def test_volunteer_cannot_open_the_proposal_form(client, login) -> None:
    tender = open_tender(deadline=utcnow() + timedelta(days=2))
    login(factories.volunteer())
    assert client.get(f"/tenders/{tender.id}/proposal").status_code == 403
    assert (
        client.post(f"/tenders/{tender.id}/proposal/withdraw", data=YES).status_code
        == 403
    )
