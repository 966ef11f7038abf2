"""The street publishes a purchase need, organizations propose, the street awards."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from hub.extensions import db
from hub.models import Project, Tender
from hub.models.base import utcnow
from tests import factories
from tests.e2e.conftest import Browsing, LiveServer
from tests.e2e.test_journeys import SUBMIT, go, log_in, tap_and_confirm
from tests.tender_factories import approved_org

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]


def _people(live_server: LiveServer) -> dict[str, str]:
    """A street with a reviewer, and two approved organizations' owners."""
    app = live_server.app
    with app.app_context(), app.test_request_context():
        street = factories.StreetFactory(code="ZB", name="招标街道")
        community = factories.CommunityFactory(street=street, name="招标社区")
        factories.reviewer(street=street, mobile="13930000001", name="周审核")
        factories.social_worker(
            community=community, mobile="13930000004", name="吴社工"
        )
        for n, name in ((2, "松鹤助老服务社"), (3, "青禾社工事务所")):
            org = approved_org(street, name=name)
            factories.org_staff(organization=org, mobile=f"1393000000{n}")
        db.session.commit()
    return {
        "reviewer": "13930000001",
        "a": "13930000002",
        "b": "13930000003",
        "social_worker": "13930000004",
    }


def _login_at(page: Page, check: Check, path: str, mobile: str) -> None:
    page.goto(path)
    check(page)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)


def _propose(page: Page, check: Check, price: str) -> None:
    go(page, check, page.get_by_role("link", name=re.compile("提交|Submit")).click)
    page.locator("textarea[name=plan]").fill("每周两次上门探访，建立健康档案。")
    page.locator("input[name=price]").fill(price)
    page.locator("textarea[name=team]").fill("持证社工2名，志愿者10名。")
    go(page, check, page.locator(SUBMIT).click)


def test_publish_propose_compare_award(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    people = _people(live_server)
    reviewer = browsing.open()
    _login_at(reviewer, check, "/login?next=/review/tenders/new", people["reviewer"])
    reviewer.locator("input[name=title]").fill("招标社区独居老人探访")
    reviewer.locator("select[name=category]").select_option("elderly")
    reviewer.locator("input[name=budget]").fill("80,000.50")
    reviewer.locator("input[name=period_start]").fill("2026-09-01")
    reviewer.locator("input[name=period_end]").fill("2027-08-31")
    deadline = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    reviewer.locator("input[name=deadline]").fill(deadline)
    go(reviewer, check, reviewer.locator(SUBMIT).click)
    expect(reviewer.locator("main")).to_contain_text("¥80,000.50")
    review_url = reviewer.url

    # One organization on a phone with JavaScript, the other without.
    first = browsing.open()
    _login_at(first, check, "/login?next=/tenders", people["a"])
    go(first, check, first.locator("a", has_text="招标社区独居老人探访").click)
    _propose(first, check, "90,000")  # over budget: told beside the field
    expect(first.locator("#price-error")).to_contain_text("¥80,000.50")
    first.locator("input[name=price]").fill("72,000.50")
    go(first, check, first.locator(SUBMIT).click)
    expect(first.locator("#mine")).to_contain_text("¥72,000.50")

    second = browsing.open(javascript=False)
    _login_at(second, check, "/login?next=/tenders", people["b"])
    go(second, check, second.locator("a", has_text="招标社区独居老人探访").click)
    expect(second.locator("main")).not_to_contain_text("¥72,000.50")
    _propose(second, check, "75000")

    # The deadline passes; the street compares side by side and awards.
    with live_server.app.app_context():
        tender = db.session.scalar(select(Tender).where(Tender.street.has(code="ZB")))
        tender.deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    reviewer.goto(review_url)
    check(reviewer)
    expect(reviewer.locator(".compare-card")).to_have_count(2)
    expect(reviewer.locator(".compare-card").first).to_contain_text("¥72,000.50")
    reviewer.locator("input[name=proposal_id]").last.check()
    go(reviewer, check, reviewer.locator("form[action$='/award'] button").click)
    expect(reviewer.locator("#result")).to_contain_text("青禾社工事务所")

    second.reload()
    check(second)
    expect(second.locator("#result")).to_contain_text("¥75,000.00")
    expect(second.locator("#result")).to_contain_text("青禾社工事务所")
    expect(second.locator("main")).not_to_contain_text("¥72,000.50")

    # The winner's draft project: ask the community's social worker (no JavaScript).
    with live_server.app.app_context():
        project_id = db.session.scalar(
            select(Project.id).where(Project.tender_id.is_not(None))
        )
    second.goto(f"/projects/{project_id}/manage")
    check(second)
    second.locator("select[name=social_worker_id]").select_option(label="吴社工")
    go(second, check, second.locator("form[action$='/linkage'] button").click)

    worker = browsing.open()
    _login_at(worker, check, "/login?next=/coordination", people["social_worker"])
    expect(worker.locator("main")).to_contain_text("招标社区独居老人探访")
    go(worker, check, worker.locator("form[action$='/linkage/accept'] button").click)

    second.goto(f"/projects/{project_id}/manage")
    check(second)
    expect(second.locator(".links")).to_contain_text("吴社工")
    go(second, check, second.locator("form[action$='/submit'] button").click)

    reviewer.goto(f"/review/projects/{project_id}")
    check(reviewer)
    tap_and_confirm(
        reviewer, check, reviewer.locator("form[action$='/approve'] button").click
    )
    expect(reviewer.locator(".chip-ok").first).to_be_visible()

    # Anyone can now read the project on a phone: it is recruiting.
    visitor = browsing.open()
    visitor.goto(f"/projects/{project_id}")
    check(visitor)
    expect(visitor.locator("main")).to_contain_text("青禾社工事务所")
    expect(visitor.locator("main")).to_contain_text("吴社工")
    with live_server.app.app_context():
        assert db.session.get(Project, project_id).state == "recruiting"
