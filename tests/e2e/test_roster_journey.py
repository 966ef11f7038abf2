"""An organizer opens a shift's roster from the project, calls, removes someone with a
reason (the first waiting moves up) and messages everyone: JS on and off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from hub.extensions import db
from hub.models import Notification, Signup
from hub.shifts import services
from tests import factories
from tests.e2e.conftest import Browsing, LiveServer
from tests.e2e.test_journeys import go, log_in

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]


def _roster(live_server: LiveServer, n: int) -> tuple[int, int, str, list[int]]:
    """A shift of one place with one person on it and two waiting; its staff."""
    app = live_server.app
    with app.app_context(), app.test_request_context():
        project = factories.recruiting_project(title=f"楼道清洁日{n}")
        shift = factories.shift(project, capacity=1, hours_from_now=72)
        names = ("王秀兰", "李建华", "赵敏")
        signups = [
            services.sign_up(
                shift, user=factories.volunteer(name=name, mobile=f"1395000{n}{i:03d}")
            )
            for i, name in enumerate(names)
        ]
        staff = factories.owner_of(project.organization)
        db.session.commit()
        return project.id, shift.id, staff.mobile, [s.id for s in signups]


# With JavaScript this also proves htmx swaps work under the strict CSP: htmx would
# otherwise copy a style attribute while settling, which the CSP refuses (base.html
# limits attributesToSettle to class, width and height).
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_organizer_removes_someone_and_messages_everyone(
    browsing: Browsing, live_server: LiveServer, check: Check, javascript: bool
) -> None:
    project_id, shift_id, mobile, (held, first, second) = _roster(
        live_server, int(javascript)
    )
    page = browsing.open(javascript=javascript)
    page.goto(f"/login?next=/projects/{project_id}/manage")
    check(page)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)
    go(page, check, page.locator(f"#shifts a[href='/shifts/{shift_id}/roster']").click)
    # The number is masked until the organizer asks for it (each reveal audited).
    reveal = page.locator(f"#phone-signup-{held} button")
    if javascript:
        reveal.click()
        expect(page.locator(f"#signup-{held} a[href^='tel:']")).to_be_visible()
    else:
        go(page, check, reveal.click)
        expect(page.locator("main a[href^='tel:']")).to_be_visible()
        go(page, check, page.locator("main a.button").click)

    card = page.locator(f"#signup-{held}")
    card.locator("summary").click()
    card.locator("textarea").fill("联系不上本人")
    button = card.locator("details button[type=submit]")
    if javascript:
        button.click()  # htmx swaps the list in place
        expect(page.locator(f"#signup-{held}")).to_have_count(0)
        check(page)
    else:
        go(page, check, button.click)
    expect(page.locator(f"#signup-{first} .chip-ok")).to_be_visible()
    expect(page.locator(".flash")).to_contain_text("王秀兰")

    page.locator("#message textarea").fill("请带上手套，东门集合。")
    send = page.locator("#message button[type=submit]")
    if javascript:
        send.click()
        expect(page.locator("#message textarea")).to_have_value("")
        check(page)
    else:
        go(page, check, send.click)
    with live_server.app.app_context():
        assert db.session.get(Signup, held).state == "cancelled"
        told = db.session.scalars(
            db.select(Notification.user_id).where(Notification.kind == "shift_message")
        ).all()
        users = db.session.scalars(
            db.select(Signup.user_id).where(Signup.id.in_([first, second]))
        ).all()
        assert set(users) <= set(told)
