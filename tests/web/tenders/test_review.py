"""The street publishes, compares after the deadline, awards once, or cancels."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from hub.extensions import db
from hub.models import Notification, Project, Tender
from hub.models.base import utcnow
from hub.models.projects import ProjectState
from hub.models.tenders import ProposalState, TenderState
from tests import factories
from tests.factories import SHANGHAI
from tests.tender_factories import approved_org, close, open_tender, propose


def _local(moment) -> str:  # noqa: ANN001
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _tender_form(community, **overrides) -> dict:  # noqa: ANN001
    data = {
        "title": "锁三社区独居老人探访",
        "category": "elderly",
        "community_id": str(community.id),
        "budget": "80,000.50",
        "period_start": "2026-09-01",
        "period_end": "2027-08-31",
        "deadline": _local(utcnow() + timedelta(days=10)),
        "description": "每周两次上门探访。",
    }
    data.update(overrides)
    return data


def test_publish_keeps_money_exact_and_shows_it(client, login) -> None:
    community = factories.CommunityFactory()
    login(factories.reviewer(street=community.street))
    response = client.post("/review/tenders/new", data=_tender_form(community))
    assert response.status_code == 303, response.get_data(as_text=True)
    tender = db.session.scalar(select(Tender))
    assert response.headers["Location"] == f"/review/tenders/{tender.id}"
    assert tender.budget_fen == 8000050
    assert tender.state == TenderState.OPEN
    assert "¥80,000.50" in client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "¥80,000.50" in client.get("/tenders").get_data(as_text=True)


def test_publish_errors_beside_fields_with_typed_values_kept(client, login) -> None:
    community = factories.CommunityFactory()
    login(factories.reviewer(street=community.street))
    past = _local(utcnow() - timedelta(hours=1))
    response = client.post(
        "/review/tenders/new", data=_tender_form(community, deadline=past)
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="deadline-error"' in html
    assert 'value="80,000.50"' in html and 'value="锁三社区独居老人探访"' in html

    response = client.post(
        "/review/tenders/new",
        data=_tender_form(community, budget="8万", period_end="2026-08-31", title=""),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for name in ("budget", "period_end", "title"):
        assert f'id="{name}-error"' in html, name
    assert 'value="8万"' in html
    assert db.session.scalar(select(func.count()).select_from(Tender)) == 0


def test_publish_only_for_my_streets_communities(client, login) -> None:
    mine = factories.CommunityFactory()
    theirs = factories.CommunityFactory()
    login(factories.reviewer(street=mine.street))
    page = client.get("/review/tenders/new").get_data(as_text=True)
    assert mine.name in page and theirs.name not in page
    response = client.post("/review/tenders/new", data=_tender_form(theirs))
    assert response.status_code == 422
    assert 'id="community_id-error"' in response.get_data(as_text=True)


def _with_proposals():  # noqa: ANN202
    tender = open_tender(budget_fen=80_000_00)
    cheap, dear = approved_org(), approved_org()
    cheap_staff = factories.org_staff(organization=cheap)
    dear_staff = factories.org_staff(organization=dear)
    p_cheap = propose(tender, cheap, 61_000_00, cheap_staff)
    p_dear = propose(tender, dear, 75_500_50, dear_staff)
    return tender, (p_cheap, cheap_staff), (p_dear, dear_staff)


def test_before_the_deadline_the_street_sees_only_how_many(client, login) -> None:
    tender, (p_cheap, _), (p_dear, _) = _with_proposals()
    login(factories.reviewer(street=tender.street))
    client.post("/language", data={"locale": "en"})
    html = client.get(f"/review/tenders/{tender.id}").get_data(as_text=True)
    assert "2 proposals so far" in html
    assert "¥61,000.00" not in html and "¥75,500.50" not in html
    assert p_cheap.organization.name not in html
    assert 'name="proposal_id"' not in html


def test_after_the_deadline_proposals_side_by_side_lowest_marked(client, login) -> None:
    tender, (p_cheap, _), (p_dear, _) = _with_proposals()
    close(tender)
    login(factories.reviewer(street=tender.street))
    client.post("/language", data={"locale": "en"})
    html = client.get(f"/review/tenders/{tender.id}").get_data(as_text=True)
    assert "¥61,000.00" in html and "¥75,500.50" in html
    assert p_cheap.organization.name in html and p_dear.plan in html
    assert html.count("Lowest price") == 1
    cheap_at = html.index(p_cheap.organization.name)
    assert cheap_at < html.index("Lowest price") < html.index(p_dear.organization.name)
    assert re.search(rf'type="radio"[^>]*value="{p_dear.id}"', html)
    assert 'value="2026-09-01"' in html  # the tender's period by default


def test_award_creates_draft_project_and_tells_the_other(client, login) -> None:
    tender, (p_cheap, cheap_staff), (p_dear, dear_staff) = _with_proposals()
    close(tender)
    login(factories.reviewer(street=tender.street))
    response = client.post(
        f"/review/tenders/{tender.id}/award",
        data={
            "proposal_id": str(p_dear.id),
            "amount": "",
            "period_start": "2026-10-01",
            "period_end": "2027-09-30",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    project = db.session.scalar(select(Project).where(Project.tender_id == tender.id))
    assert project.amount_fen == 75_500_50  # empty amount: the chosen price
    assert project.state == ProjectState.DRAFT
    assert project.organization_id == p_dear.organization_id
    assert str(project.period_start) == "2026-10-01"
    assert db.session.get(Tender, tender.id).state == TenderState.AWARDED
    kinds = dict(
        db.session.execute(
            select(Notification.user_id, Notification.kind).where(
                Notification.user_id.in_([cheap_staff.id, dear_staff.id])
            )
        ).all()
    )
    assert kinds == {
        dear_staff.id: "proposal_awarded",
        cheap_staff.id: "proposal_not_awarded",
    }
    html = client.get(f"/review/tenders/{tender.id}").get_data(as_text=True)
    assert f"/review/projects/{project.id}" in html


def test_second_award_is_refused(client, login) -> None:
    tender, (p_cheap, _), (p_dear, _) = _with_proposals()
    close(tender)
    login(factories.reviewer(street=tender.street))
    award = {"period_start": "2026-09-01", "period_end": "2027-08-31"}
    first = client.post(
        f"/review/tenders/{tender.id}/award",
        data={**award, "proposal_id": str(p_cheap.id)},
    )
    assert first.status_code == 303
    second = client.post(
        f"/review/tenders/{tender.id}/award",
        data={**award, "proposal_id": str(p_dear.id), "amount": "70000"},
    )
    assert second.status_code in (303, 422)
    projects = db.session.scalars(
        select(Project).where(Project.tender_id == tender.id)
    ).all()
    assert [p.organization_id for p in projects] == [p_cheap.organization_id]
    assert db.session.get(type(p_dear), p_dear.id).state == ProposalState.NOT_AWARDED


def test_award_before_the_deadline_is_refused(client, login) -> None:
    tender, (p_cheap, _), _ = _with_proposals()
    login(factories.reviewer(street=tender.street))
    response = client.post(
        f"/review/tenders/{tender.id}/award",
        data={
            "proposal_id": str(p_cheap.id),
            "period_start": "2026-09-01",
            "period_end": "2027-08-31",
        },
    )
    assert response.status_code == 303
    assert db.session.get(Tender, tender.id).state == TenderState.OPEN
    assert db.session.scalar(select(Project)) is None


def test_award_over_budget_gets_error_beside_amount(client, login) -> None:
    tender, (p_cheap, _), _ = _with_proposals()
    close(tender)
    login(factories.reviewer(street=tender.street))
    response = client.post(
        f"/review/tenders/{tender.id}/award",
        data={
            "proposal_id": str(p_cheap.id),
            "amount": "80,000.01",
            "period_start": "2026-09-01",
            "period_end": "2027-08-31",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="amount-error"' in html and 'value="80,000.01"' in html
    assert "¥80,000.00" in html
    assert re.search(rf'checked[^>]*value="{p_cheap.id}"', html)
    assert db.session.get(Tender, tender.id).state == TenderState.OPEN


def test_award_without_a_choice_is_422(client, login) -> None:
    tender, _, _ = _with_proposals()
    close(tender)
    login(factories.reviewer(street=tender.street))
    response = client.post(
        f"/review/tenders/{tender.id}/award",
        data={"period_start": "2026-09-01", "period_end": "2027-08-31"},
    )
    assert response.status_code == 422
    assert 'id="proposal_id-error"' in response.get_data(as_text=True)


def test_another_streets_reviewer_gets_404_and_a_volunteer_403(client, login) -> None:
    tender, (p_cheap, _), _ = _with_proposals()
    close(tender)
    award = {
        "proposal_id": str(p_cheap.id),
        "period_start": "2026-09-01",
        "period_end": "2027-08-31",
    }
    login(factories.reviewer())
    assert client.get(f"/review/tenders/{tender.id}").status_code == 404
    assert (
        client.post(f"/review/tenders/{tender.id}/award", data=award).status_code == 404
    )
    assert (
        client.post(
            f"/review/tenders/{tender.id}/cancel", data={"reason": "x"}
        ).status_code
        == 404
    )
    assert tender.title not in client.get("/review/tenders").get_data(as_text=True)

    client.post("/logout")
    login(factories.volunteer())
    assert (
        client.post(f"/review/tenders/{tender.id}/award", data=award).status_code == 403
    )
    assert client.get("/review/tenders").status_code == 403
    assert client.get("/review/tenders/new").status_code == 403
    assert db.session.get(Tender, tender.id).state == TenderState.OPEN


def test_cancel_needs_a_reason_and_tells_proposers(client, login) -> None:
    tender, (_, cheap_staff), (_, dear_staff) = _with_proposals()
    login(factories.reviewer(street=tender.street))
    response = client.post(f"/review/tenders/{tender.id}/cancel", data={"reason": ""})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    response = client.post(
        f"/review/tenders/{tender.id}/cancel", data={"reason": "预算调整"}
    )
    assert response.status_code == 303
    tender = db.session.get(Tender, tender.id)
    assert (tender.state, tender.cancel_reason) == (TenderState.CANCELLED, "预算调整")
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "tender_cancelled")
    ).all()
    assert sorted(told) == sorted([cheap_staff.id, dear_staff.id])


def test_list_shows_counts_and_what_waits_for_an_award(client, login) -> None:
    waiting, _, _ = _with_proposals()
    close(waiting)
    taking = open_tender(community=factories.CommunityFactory(street=waiting.street))
    login(factories.reviewer(street=waiting.street))
    client.post("/language", data={"locale": "en"})
    html = client.get("/review/tenders").get_data(as_text=True)
    assert html.index(waiting.title) < html.index("Taking proposals")
    assert "2 proposals" in html and "0 proposals" in html
    assert f"/review/tenders/{taking.id}" in html


def test_home_offers_purchase_needs_to_reviewers_and_staff(client, login) -> None:
    waiting, _, _ = _with_proposals()
    close(waiting)
    open_tender()
    login(factories.reviewer(street=waiting.street))
    client.post("/language", data={"locale": "en"})
    html = client.get("/").get_data(as_text=True)
    assert "1 purchase need waiting for your award." in html
    assert 'href="/review/tenders"' in html

    client.post("/logout")
    login(factories.org_staff(organization=approved_org()))
    client.post("/language", data={"locale": "en"})
    html = client.get("/").get_data(as_text=True)
    assert "Open tenders" in html and 'href="/tenders"' in html
    assert "1 purchase need taking proposals." in html
