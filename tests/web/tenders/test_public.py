"""The public tender list and page: what anyone sees, before and after the award."""

from __future__ import annotations

from datetime import timedelta

from hub.models.base import utcnow
from hub.tenders import services
from tests import factories
from tests.tender_factories import (
    PERIOD,
    approved_org,
    close,
    open_tender,
    propose,
)


def test_list_shows_open_tenders_with_budget_and_days_left(client) -> None:
    tender = open_tender(
        budget_fen=12_345_00, deadline=utcnow() + timedelta(days=3, hours=1)
    )
    closed = open_tender(title="已截止的需求")
    close(closed)
    client.post("/language", data={"locale": "en"})
    html = client.get("/tenders").get_data(as_text=True)
    assert tender.title in html
    assert "¥12,345.00" in html
    assert tender.community.name in html
    assert "days left" in html
    assert "已截止的需求" not in html


def test_list_filters_by_street_and_category(client) -> None:
    here = open_tender(title="梧桐计划", category="mediation")
    there = open_tender(title="银杏计划", category="legal")
    by_street = client.get(f"/tenders?street={here.street_id}").get_data(as_text=True)
    assert "梧桐计划" in by_street and "银杏计划" not in by_street
    by_category = client.get("/tenders?category=legal").get_data(as_text=True)
    assert "银杏计划" in by_category and "梧桐计划" not in by_category
    assert there.title in client.get("/tenders?street=&category=").get_data(
        as_text=True
    )


def test_htmx_filter_gets_only_the_list(client) -> None:
    open_tender(title="梧桐计划")
    response = client.get("/tenders", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "梧桐计划" in html and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_deadline_shown_in_shanghai_time(client) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    deadline = datetime(2030, 3, 6, 9, 30, tzinfo=ZoneInfo("UTC"))  # 17:30 Beijing
    tender = open_tender(deadline=deadline)
    html = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "2030年3月6日" in html and "17:30" in html


def _award_two(tender):  # noqa: ANN001, ANN202
    winner, other = approved_org(), approved_org()
    w = propose(tender, winner, 70_000_00, factories.org_staff(organization=winner))
    propose(tender, other, 61_234_56, factories.org_staff(organization=other))
    return w, winner, other


def test_public_page_never_shows_prices_before_the_award(client, login) -> None:
    tender = open_tender()
    _, winner, other = _award_two(tender)
    html = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "¥70,000.00" not in html and "¥61,234.56" not in html
    assert winner.name not in html and other.name not in html
    # Nor to another organization's staff, after the deadline either.
    login(factories.org_staff(organization=approved_org()))
    close(tender)
    html = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "¥70,000.00" not in html and "¥61,234.56" not in html
    assert other.name not in html


def test_public_page_shows_winner_and_amount_after_the_award(client) -> None:
    tender = open_tender()
    proposal, winner, other = _award_two(tender)
    close(tender)
    services.award_tender(
        tender,
        proposal,
        by=factories.reviewer(street=tender.street),
        amount_fen=69_000_50,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )
    html = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert winner.name in html
    assert "¥69,000.50" in html
    assert "¥61,234.56" not in html and other.name not in html


def test_unknown_tender_is_404(client) -> None:
    assert client.get("/tenders/999999").status_code == 404
