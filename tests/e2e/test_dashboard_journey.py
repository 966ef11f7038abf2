"""A street reviewer reads the dashboard on a phone, switches to this year, follows
a month of the hours chart to the records behind it; the public reads open data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from hub.extensions import db
from hub.models.base import utcnow
from hub.models.hours import HourRecord, RecordKind, RecordState
from tests import factories
from tests.e2e.conftest import Browsing, LiveServer
from tests.e2e.test_journeys import go, log_in
from tests.evaluation_factories import completed_project

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]


def _street(live_server: LiveServer) -> tuple[int, str, str]:
    app = live_server.app
    with app.app_context(), app.test_request_context():
        project, people = completed_project(attendees=2, title="楼道微更新")
        past = utcnow() - timedelta(days=1)
        for person, minutes in zip(people, (150, 90), strict=True):
            db.session.add(
                HourRecord(
                    user_id=person.id,
                    kind=RecordKind.BACKFILL,
                    state=RecordState.CONFIRMED,
                    minutes=minutes,
                    organization_id=project.organization_id,
                    project_id=project.id,
                    served_on=date.today(),
                    confirmed_at=past,
                    counts_from=past,
                )
            )
        reviewer = factories.reviewer(street=project.street, mobile="13970000001")
        db.session.commit()
        return project.street_id, reviewer.mobile, people[0].name


def test_reviewer_reads_the_dashboard_and_the_hours_behind_it(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    street_id, mobile, name = _street(live_server)
    page = browsing.open()
    page.goto("/login?next=/reports")
    check(page)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/reports/street/{street_id}")
    page.locator("label.segment", has_text="今年").click()
    go(page, check, page.locator(".period-form button[type=submit]").click)
    expect(page.locator("svg.bar-chart title")).to_have_text("每月已确认服务时长")
    expect(page.locator("#volunteers-title + dl")).to_contain_text("4.00")
    browsing.screenshot(page, "dashboard")
    month = date.today().strftime("%Y-%m")
    go(page, check, page.locator(f"table a[href*='month={month}']").click)
    expect(page.locator("main .card")).to_have_count(2)
    expect(page.locator("main")).to_contain_text(name)


def test_public_reads_open_data(browsing: Browsing, check: Check) -> None:
    page = browsing.open()
    page.goto("/")
    check(page)
    go(page, check, page.locator("a[href='/open-data']").click)
    expect(page.locator("h1")).to_have_text("购买服务资金去向")
    expect(
        page.locator("a[href='/open-data/ocds/release-package-all.json']")
    ).to_be_visible()
