"""A resident rates a project on the phone; the window closes; anyone reads the
published result with its rubric. With JavaScript (htmx swap) and without."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from hub.extensions import db
from hub.models import Project
from tests.e2e.conftest import Browsing, LiveServer
from tests.e2e.test_journeys import go, log_in
from tests.evaluation_factories import (
    close,
    completed_project,
    open_evaluation,
    resident,
)
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]


def _evaluation(live_server: LiveServer, n: int) -> tuple[int, str]:
    app = live_server.app
    with app.app_context(), app.test_request_context():
        project, _people = completed_project(attendees=1, title=f"老年食堂送餐{n}")
        person = resident(project, name="周阿姨", mobile=f"1396000000{n}")
        open_evaluation(project)
        db.session.commit()
        return project.id, person.mobile


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_resident_rates_then_the_result_is_published(
    browsing: Browsing, live_server: LiveServer, check: Check, javascript: bool
) -> None:
    project_id, mobile = _evaluation(live_server, int(javascript))
    page = browsing.open(javascript=javascript)
    page.goto("/login?next=/evaluations")
    check(page)
    log_in(page, check, mobile, DEFAULT_PASSWORD)
    card = page.locator(f"a[href='/projects/{project_id}/evaluation']")
    expect(card).to_be_visible()
    go(page, check, card.click)

    # Big tiles: tap the word, not a tiny radio button.
    form = page.locator("#my-rating form")
    page.locator("#satisfaction label.scale-option").nth(0).click()  # 5
    page.locator("#quality label.scale-option").nth(1).click()  # 4
    page.locator("#responsiveness label.scale-option").nth(0).click()  # 5
    page.locator("textarea[name=comment]").fill("饭菜热乎，送得准时")
    browsing.screenshot(page, "filled")
    submit = form.locator("button[type=submit]")
    if javascript:
        submit.click()
        expect(page.locator("#my-rating .flash")).to_be_visible()
        check(page)
    else:
        go(page, check, submit.click)
    expect(page.locator("#my-rating button[type=submit]")).to_contain_text("修改")

    app = live_server.app
    with app.app_context():
        close(db.session.get(Project, project_id).evaluation_window)
        db.session.commit()

    public = browsing.open(javascript=javascript)
    public.goto(f"/projects/{project_id}/evaluation")
    check(public)
    result = public.locator("#result")
    expect(result).to_contain_text("饭菜热乎，送得准时")
    expect(result).to_contain_text("4.60")  # 0.4×5 + 0.4×4 + 0.2×5
    expect(result.locator("details.rubric")).to_contain_text("0.4")
    expect(result).not_to_contain_text("周阿姨")
    browsing.screenshot(public, "result")
