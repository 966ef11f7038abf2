"""A volunteer finds a shift, signs up, sees it in My shifts, cancels: JS on and off."""

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


def _shift_and_volunteer(live_server: LiveServer, mobile: str, title: str) -> int:
    """A recruiting project with one shift of two places, and a volunteer account."""
    app = live_server.app
    with app.app_context(), app.test_request_context():
        project = factories.recruiting_project(title=title)
        shift = factories.shift(project, capacity=2, hours_from_now=72)
        factories.volunteer(mobile=mobile, name="刘阿姨")
        db.session.commit()
        return shift.id


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_find_sign_up_my_shifts_cancel(
    browsing: Browsing, live_server: LiveServer, check: Check, javascript: bool
) -> None:
    mobile = "13940000001" if javascript else "13940000002"
    title = "周末助老探访" if javascript else "周日送餐"
    shift_id = _shift_and_volunteer(live_server, mobile, title)
    page = browsing.open(javascript=javascript)
    page.goto("/login?next=/find")
    check(page)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(r"/find"))

    card = page.locator(f"#shift-{shift_id}")
    expect(card).to_contain_text(title)
    button = card.locator("form[action$='/signup'] button")
    if javascript:
        button.click()  # htmx swaps the card in place
        expect(card).to_contain_text(re.compile("已报名|signed up"))
        check(page)
    else:
        go(page, check, button.click)
        expect(page.locator(f"#shift-{shift_id}")).to_contain_text(
            re.compile("已报名|signed up")
        )

    go(page, check, page.locator("nav.bottomnav a[href='/my/shifts']").click)
    expect(page.locator("main")).to_contain_text(title)
    cancel = page.locator("main form[action*='/cancel'] button").first
    if javascript:
        cancel.click()  # asks in place; "keep my place" puts the button back
        expect(page.locator("[data-confirm]")).to_be_focused()
        page.locator("[data-confirm-keep]").click()
        expect(cancel).to_be_focused()
    tap_and_confirm(page, check, cancel.click, javascript=javascript)
    expect(page.locator("main")).not_to_contain_text("已报名")
    with live_server.app.app_context():
        from hub.models import Signup

        assert (
            db.session.scalar(
                db.select(Signup.state).where(Signup.shift_id == shift_id)
            )
            == "cancelled"
        )
