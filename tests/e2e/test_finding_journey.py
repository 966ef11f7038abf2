"""A volunteer finds work on a phone and signs up, with and without JavaScript;
the calendar link on My shifts; the poster a community prints."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from hub.extensions import db
from tests import factories
from tests.e2e.conftest import Browsing, LiveServer
from tests.e2e.test_journeys import go, log_in, tap_and_confirm

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]


def _world(live_server: LiveServer) -> dict[str, object]:
    """Two streets recruiting, and two volunteers."""
    app = live_server.app
    with app.app_context(), app.test_request_context():
        ids: dict[str, object] = {}
        for code, street_name, title in (
            ("FA", "找活动凤凰街道", "东井亭独居老人探访"),
            ("FB", "找活动锁金村街道", "锁三社区四点半课堂"),
        ):
            street = factories.StreetFactory(code=code, name=street_name)
            org = factories.approved_organization(street=street)
            project = factories.recruiting_project(org=org, title=title)
            for hours in (30, 54):
                factories.shift(project, hours_from_now=hours, capacity=4)
            ids[code] = street.id
            ids[f"{code}-project"] = project.id
        factories.volunteer(mobile="13941000001", name="林阿姨")
        factories.volunteer(mobile="13941000002", name="赵叔叔")
        db.session.commit()
    return ids


def test_find_filter_and_sign_up_in_place(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    world = _world(live_server)
    page = browsing.open()
    page.goto("/login?next=/find")
    check(page)
    log_in(page, check, "13941000001", factories.DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(r"/find$"))
    expect(page.locator("nav.bottomnav a")).to_have_count(5)
    expect(page.locator("nav.bottomnav a[href='/find']")).to_have_attribute(
        "aria-current", "page"
    )

    # Choosing a street narrows the list in place and updates the address.
    page.locator("select[name=street]").select_option(str(world["FB"]))
    expect(page).to_have_url(re.compile(rf"street={world['FB']}"))
    cards = page.locator("#find-list li.card")
    expect(cards).to_have_count(2)
    expect(page.locator("#find-list")).not_to_contain_text("东井亭独居老人探访")
    expect(page.locator("select[name=community] option")).to_have_count(2)
    check(page)

    # One tap: signed up, the card changes where it is, the message at the top.
    first = cards.first
    first.locator("button[type=submit]").click()
    expect(first).to_contain_text(re.compile("You are signed up|你已报名|已报名"))
    expect(page.locator("#flash .flash")).to_have_count(1)
    check(page)

    # My shifts: add to calendar, and a private feed link to copy.
    go(page, check, page.locator("nav.bottomnav a[href='/my/shifts']").click)
    expect(page.locator("main a[href$='/calendar.ics']")).to_have_count(1)
    go(page, check, page.locator("#calendar button[value=new]").click)
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/calendar/.+\.ics$"))
    expect(page.locator("button[data-copy]")).to_be_visible()

    # The poster for the project, as the community would print it.
    page.goto(f"/projects/{world['FB-project']}/poster")
    check(page)
    expect(page.locator(".poster-qr svg")).to_be_visible()


def test_find_and_sign_up_without_javascript(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    world = _world_b(live_server)
    page = browsing.open(javascript=False)
    page.goto("/login?next=/find")
    check(page)
    log_in(page, check, "13941000012", factories.DEFAULT_PASSWORD)
    page.locator("select[name=street]").select_option(str(world["FD"]))
    go(page, check, page.locator("main form.filters button[type=submit]").click)
    expect(page).to_have_url(re.compile(rf"street={world['FD']}"))
    cards = page.locator("#find-list li.card")
    expect(cards).to_have_count(1)
    go(page, check, cards.first.locator("button[type=submit]").click)
    expect(page).to_have_url(re.compile(rf"/find\?street={world['FD']}&"))
    expect(page.locator("#flash .flash")).to_have_count(1)
    expect(cards.first.locator("form[action^='/signups/']")).to_have_count(1)
    # Cancelling works the same way, after a page that asks once.
    tap_and_confirm(
        page, check, cards.first.locator("button[type=submit]").click, javascript=False
    )
    expect(page).to_have_url(re.compile(rf"/find\?street={world['FD']}&"))
    expect(cards.first.locator("form[action$='/signup']")).to_have_count(1)


def _world_b(live_server: LiveServer) -> dict[str, int]:
    """Another street with one full shift's neighbour, for the journey without JS."""
    app = live_server.app
    with app.app_context(), app.test_request_context():
        street = factories.StreetFactory(code="FD", name="找活动梅园街道")
        org = factories.approved_organization(street=street)
        project = factories.recruiting_project(org=org, title="梅园新村垃圾分类宣传")
        factories.shift(project, hours_from_now=40, capacity=2)
        factories.volunteer(mobile="13941000012", name="钱老师")
        db.session.commit()
        return {"FD": street.id}
