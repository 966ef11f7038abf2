"""When a tap fails, the phone says so in place: a session that ended (sign in and
come back to the same page) and no connection (nothing was sent)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from hub.extensions import db
from tests import factories
from tests.e2e.conftest import ARTIFACTS, Browsing, LiveServer
from tests.e2e.test_journeys import go, log_in

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]


def _shift_and_volunteer(live_server: LiveServer, mobile: str, title: str) -> tuple:
    app = live_server.app
    with app.app_context(), app.test_request_context():
        project = factories.recruiting_project(title=title)
        shift = factories.shift(project, capacity=2, hours_from_now=72)
        factories.volunteer(mobile=mobile, name="王师傅")
        db.session.commit()
        return project.id, shift.id


def _signed_up(live_server: LiveServer, shift_id: int) -> int:
    from hub.models import Signup

    with live_server.app.app_context():
        return len(
            db.session.scalars(
                db.select(Signup).where(Signup.shift_id == shift_id)
            ).all()
        )


def _expected_failures(browsing: Browsing, text: str) -> None:
    """The browser logs the failed request as an error, and htmx its error event:
    those, and no other."""
    assert any(text in message for message, _url in browsing.console), text
    unexpected = [
        (message, url)
        for message, url in browsing.console
        if text not in message and "/static/vendor/htmx-" not in url
    ]
    assert not unexpected, unexpected
    browsing.console.clear()


def _toast_screenshot(page: Page, name: str) -> None:
    """What a phone shows (the viewport, not the whole page), for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_session_ends_tap_shows_toast_sign_in_returns_to_the_shift(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    mobile = "13961000001"
    project_id, shift_id = _shift_and_volunteer(live_server, mobile, "社区义诊引导")
    page = browsing.open()
    page.goto(f"/login?next=/projects/{project_id}")
    check(page)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/projects/{project_id}$"))

    page.context.clear_cookies()  # the session ended while the page stayed open
    card = page.locator(f"#shift-{shift_id}")
    card.locator("form[action$='/signup'] button").click()
    toast = page.locator("#toasts [data-toast=session]")
    expect(toast).to_be_visible()
    expect(toast).to_be_in_viewport()
    expect(card.locator("form[action$='/signup'] button")).to_be_visible()
    _expected_failures(browsing, "status of 401")
    _toast_screenshot(page, "toast-session-390x844")
    check(page)
    assert _signed_up(live_server, shift_id) == 0

    link = toast.locator("a.toast-action")
    expect(link).to_have_attribute("href", f"/login?next=/projects/{project_id}")
    go(page, check, link.click)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/projects/{project_id}$"))
    card = page.locator(f"#shift-{shift_id}")
    card.locator("form[action$='/signup'] button").click()
    expect(card).to_contain_text(re.compile("已报名|signed up"))
    check(page)
    assert _signed_up(live_server, shift_id) == 1


def test_offline_tap_shows_toast_and_nothing_was_sent(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    mobile = "13961000002"
    project_id, shift_id = _shift_and_volunteer(live_server, mobile, "旧衣回收整理")
    page = browsing.open()
    page.goto(f"/login?next=/projects/{project_id}")
    check(page)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)

    page.context.set_offline(True)
    card = page.locator(f"#shift-{shift_id}")
    button = card.locator("form[action$='/signup'] button")
    button.click()
    toast = page.locator("#toasts [data-toast=offline]")
    expect(toast).to_be_visible()
    expect(toast).to_be_in_viewport()
    expect(button).to_be_visible()
    _expected_failures(browsing, "ERR_INTERNET_DISCONNECTED")
    _toast_screenshot(page, "toast-offline-390x844")
    check(page)
    assert _signed_up(live_server, shift_id) == 0

    # The toast closes with its button; back online, the same tap works.
    toast.locator("[data-toast-close]").click()
    expect(toast).to_have_count(0)
    button.click()
    expect(toast).to_be_visible()
    _expected_failures(browsing, "ERR_INTERNET_DISCONNECTED")
    page.context.set_offline(False)
    button.click()
    expect(card).to_contain_text(re.compile("已报名|signed up"))
    expect(toast).to_have_count(0)  # connected again: the message went
    check(page)
    assert _signed_up(live_server, shift_id) == 1


def test_an_answer_without_a_toast_still_says_something_went_wrong(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    """A proxy's own error page (502) carries no toast: the page's script says it."""
    mobile = "13961000003"
    project_id, shift_id = _shift_and_volunteer(live_server, mobile, "楼道清洁日")
    page = browsing.open()
    page.goto(f"/login?next=/projects/{project_id}")
    check(page)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)

    page.route(
        f"**/shifts/{shift_id}/signup",
        lambda route: route.fulfill(
            status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>"
        ),
    )
    card = page.locator(f"#shift-{shift_id}")
    card.locator("form[action$='/signup'] button").click()
    toast = page.locator("#toasts [data-toast=failed]")
    expect(toast).to_be_visible()
    expect(toast.locator("a.toast-action")).to_have_attribute(
        "href", re.compile(rf"/projects/{project_id}$")
    )
    expect(card).not_to_contain_text("502")  # nothing of the answer was swapped in
    _expected_failures(browsing, "status of 502")
    check(page)
