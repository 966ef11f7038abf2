"""A new volunteer onboards, sees a shift recommended "同一网格" and signs up; an
organizer invites them to another shift from its candidates and they accept."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from hub.extensions import db
from hub.models import Invitation, Signup, User
from tests import factories
from tests.e2e.conftest import Browsing, LiveServer
from tests.e2e.test_journeys import go, log_in

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]
MOBILE = "13960000071"
PASSWORD = "lantern-river-42"


@dataclass(frozen=True)
class Place:
    street_id: int
    community_id: int
    grid_id: int
    recommended_id: int
    invited_to_id: int
    organizer_mobile: str


def _place(live_server: LiveServer) -> Place:
    """A recruiting project with two shifts in one grid (not overlapping)."""
    app = live_server.app
    with app.app_context(), app.test_request_context():
        project = factories.recruiting_project(title="社区助老探访")
        grid = factories.GridFactory(community=project.community, name="第三网格")
        recommended = factories.shift(project, grid=grid, hours_from_now=72)
        invited_to = factories.shift(project, grid=grid, hours_from_now=150)
        organizer = factories.owner_of(project.organization)
        db.session.commit()
        return Place(
            project.street_id,
            project.community_id,
            grid.id,
            recommended.id,
            invited_to.id,
            organizer.mobile,
        )


def _register(page: Page, check: Check, sms_code) -> None:  # noqa: ANN001
    page.goto("/register")
    check(page)
    page.locator("input[name=mobile]").fill(MOBILE)
    go(page, check, page.locator("main form button[type=submit]").click)
    page.locator("input[name=code]").fill(sms_code(MOBILE, "register"))
    go(page, check, page.locator("main form button.button-primary").click)
    page.locator("input[name=name]").fill("张秀英")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=consent]").check()
    go(page, check, page.locator("main form button[type=submit]").click)


def _choose(page: Page, name: str, value: int) -> None:
    """Pick a place and wait for the lists to come back (htmx)."""
    with page.expect_response(lambda r: "/me/profile/places" in r.url):
        page.locator(f"select[name={name}]").select_option(str(value))


def _onboard(page: Page, check: Check, place: Place) -> None:
    """Skills, a free time, and home street → community → grid (htmx lists)."""
    expect(page).to_have_url(re.compile(r"/me/profile$"))
    page.get_by_label("助老", exact=True).check()
    page.locator("label[for=availability-15]").click()  # Saturday morning
    expect(page.locator("#availability-15")).to_be_checked()
    # Each choice refreshes the lists below it; a person waits for them to show.
    _choose(page, "street_id", place.street_id)
    community = page.locator("select[name=home_community_id]")
    expect(community.locator(f"option[value='{place.community_id}']")).to_have_count(1)
    _choose(page, "home_community_id", place.community_id)
    grid = page.locator("select[name=home_grid_id]")
    expect(grid.locator(f"option[value='{place.grid_id}']")).to_have_count(1)
    _choose(page, "home_grid_id", place.grid_id)
    expect(grid).to_have_value(str(place.grid_id))
    check(page)
    go(page, check, page.locator("main form button.button-primary").click)


def test_onboard_get_recommended_sign_up_then_accept_an_invitation(
    browsing: Browsing, live_server: LiveServer, check: Check, sms_code
) -> None:  # noqa: ANN001
    place = _place(live_server)
    phone = browsing.open()
    _register(phone, check, sms_code)
    _onboard(phone, check, place)

    expect(phone).to_have_url(re.compile(r"/$"))
    card = phone.locator(f"#shift-{place.recommended_id}")
    expect(card).to_contain_text("社区助老探访")
    expect(card.locator(".reason")).to_contain_text(["同一网格"])
    card.locator("form[action$='/signup'] button").click()  # htmx swaps the card
    expect(phone.locator(f"#shift-{place.recommended_id}")).to_contain_text("已报名")
    check(phone)

    # The organizer, on another phone, invites them to the second shift.
    desk = browsing.open()
    desk.goto(f"/login?next=/shifts/{place.invited_to_id}/roster")
    check(desk)
    log_in(desk, check, place.organizer_mobile, factories.DEFAULT_PASSWORD)
    go(
        desk,
        check,
        desk.locator(f"a[href='/shifts/{place.invited_to_id}/candidates']").click,
    )
    with live_server.app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.mobile == MOBILE))
    candidate = desk.locator(f"#candidate-{user_id}")
    expect(candidate).to_contain_text("张*")
    expect(candidate).to_contain_text("139****0071")
    expect(candidate.locator(".reason")).to_contain_text(["同一网格"])
    candidate.get_by_role("button").click()
    expect(desk.locator(f"#candidate-{user_id}")).to_contain_text("已邀请")
    check(desk)

    # The volunteer reads the message and accepts.
    go(phone, check, phone.locator("nav.bottomnav a[href='/notifications']").click)
    go(phone, check, phone.locator("main a[href^='/shift-invitations/']").first.click)
    phone.get_by_role("button", name=re.compile("接受")).click()
    expect(phone.locator("main .card")).to_contain_text("已接受")
    check(phone)
    with live_server.app.app_context():
        state = db.session.scalar(
            select(Signup.state).where(
                Signup.shift_id == place.invited_to_id, Signup.user_id == user_id
            )
        )
        invitation = db.session.scalar(
            select(Invitation.state).where(Invitation.user_id == user_id)
        )
    assert (state, invitation) == ("confirmed", "accepted")


def test_onboarding_places_work_without_javascript(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    place = _place(live_server)
    with live_server.app.app_context(), live_server.app.test_request_context():
        factories.volunteer(mobile="13960000072", name="李建华")
        db.session.commit()
    page = browsing.open(javascript=False)
    page.goto("/login?next=/me/profile")
    check(page)
    log_in(page, check, "13960000072", factories.DEFAULT_PASSWORD)
    page.locator("label[for=availability-20]").click()  # Sunday evening
    page.locator("select[name=street_id]").select_option(str(place.street_id))
    show = page.get_by_role("button", name="显示选项")
    go(page, check, show.click)
    page.locator("select[name=home_community_id]").select_option(
        str(place.community_id)
    )
    go(page, check, show.click)
    expect(page.locator("#availability-20")).to_be_checked()  # kept meanwhile
    page.locator("select[name=home_grid_id]").select_option(str(place.grid_id))
    go(page, check, page.locator("main form button.button-primary").click)
    card = page.locator(f"#shift-{place.recommended_id}")
    expect(card.locator(".reason")).to_contain_text(["同一网格"])
