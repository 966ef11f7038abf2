"""Every demo login, on the demo `make run` loads: it starts at its home page, which
has something to do (screenshots at 390×844 and 320×640), and does its role's main
task on the demo's own data, with nothing made for it first."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from hub.seed.demo import DEMO_PASSWORD
from tests.e2e.conftest import Browsing, LiveServer, e2e_app, serving
from tests.e2e.test_journeys import go, log_in, tap_and_confirm

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]
SMALL_PHONE = {"width": 320, "height": 640}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a database seeded as `make run` seeds it (`flask seed demo`)."""
    app = e2e_app(tmp_path_factory.mktemp("demo"))
    seeded = app.test_cli_runner().invoke(args=["seed", "demo", "--if-empty"])
    assert seeded.exit_code == 0, seeded.output
    with serving(app) as server:
        yield server


def _actions(page: Page) -> Locator:
    return page.locator("main ul.cards > li")


def start_at_home(page: Page, check: Check, browsing: Browsing, mobile: str) -> None:
    """Log in and land on the home page; photograph it on two phones, and fail if
    its main part is empty."""
    page.goto("/login")
    check(page)
    log_in(page, check, mobile, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("main h1")).to_contain_text("您好")
    assert _actions(page).count() >= 3, "the home page offers nothing to do"
    browsing.screenshot(page, suffix="home-390x844")
    page.set_viewport_size(SMALL_PHONE)
    overflow = page.locator("html").evaluate("e => e.scrollWidth - e.clientWidth")
    browsing.screenshot(page, suffix="home-320x640")
    assert overflow <= 0, f"the home page scrolls sideways by {overflow}px at 320"
    expect(_actions(page).first).to_be_visible()
    page.set_viewport_size(PHONE)


def _card(page: Page, href: str) -> Locator:
    return page.locator(f"main ul.cards a.card-link[href='{href}']")


def test_volunteer_signs_up_for_a_recommended_shift(
    page: Page, check: Check, browsing: Browsing
) -> None:
    start_at_home(page, check, browsing, "13800000005")
    invitations = page.locator("#invitations-heading + ul.cards > li")
    expect(invitations).to_have_count(1)
    picks = page.locator("#for-you li.pick")
    assert picks.count() >= 3
    # One full shift among them offers its waitlist, the others their places.
    expect(picks.locator(".chip-wait")).to_have_count(1)
    first = page.locator(f"#{picks.first.get_attribute('id')}")
    expect(first.locator(".big-number")).to_contain_text("名额")
    first.locator("button[type=submit]").click()
    expect(first).to_contain_text("已报名")
    expect(page.locator("#flash .flash")).to_have_count(1)
    check(page)

    go(page, check, page.locator("nav.bottomnav a[href='/my/shifts']").click)
    upcoming = page.locator("main form[action^='/signups/'][action$='/cancel']")
    expect(upcoming).to_have_count(2)


def test_volunteer_has_past_hours_a_certificate_and_an_open_evaluation(
    page: Page, check: Check, browsing: Browsing
) -> None:
    start_at_home(page, check, browsing, "13800000005")
    go(page, check, page.locator("nav.bottomnav a[href='/my/shifts']").click)
    go(page, check, page.locator("main a[href='/my/hours']").click)
    expect(page.locator("main")).to_contain_text("待确认")
    certificate = page.locator("main a[href^='/certificates/']")
    expect(certificate).to_have_count(1)
    go(page, check, certificate.click)
    # The paper shows the address to check it at (and its QR code).
    page.goto(page.locator("main .poster-url").inner_text().strip())
    check(page)
    expect(page).to_have_url(re.compile(r"/verify/"))
    expect(page.locator("main")).to_contain_text("刘*")

    go(page, check, page.locator("nav.bottomnav a[href='/my/shifts']").click)
    go(page, check, page.locator("main a[href='/evaluations']").click)
    go(page, check, page.locator("main a", has_text="锁一社区垃圾分类宣传").click)
    form = page.locator("#my-rating form")
    for name in ("satisfaction", "quality", "responsiveness"):
        form.locator(f"input[name={name}][value='5']").check(force=True)
    form.locator("button[type=submit]").click()
    expect(page.locator("#my-rating .flash")).to_be_visible()
    expect(page.locator("#my-rating button[type=submit]")).to_contain_text("修改")
    check(page)


def test_org_owner_messages_the_people_on_an_upcoming_shift(
    page: Page, check: Check, browsing: Browsing
) -> None:
    start_at_home(page, check, browsing, "13800000004")
    go(
        page,
        check,
        page.locator("main a.card-link", has_text="锁金村邻里互助服务中心").click,
    )
    go(page, check, page.locator("main a[href$='/projects']").first.click)
    go(page, check, page.locator("main a", has_text="锁三社区助餐送餐").click)
    go(page, check, page.locator("main a[href$='/roster']").first.click)
    expect(page.locator("main")).to_contain_text(re.compile(r"\d / 6"))
    page.locator("#message textarea").fill(
        "明天上午 10 点在活动中心门口集合，请带好工作证。"
    )
    page.locator("#message button[type=submit]").click()
    expect(page.locator("#flash .flash-success")).to_contain_text(re.compile(r"\d"))
    expect(page.locator("#message textarea")).to_have_value("")
    check(page)


def test_second_org_owner_sends_back_the_filing_asked_to_change(
    page: Page, check: Check, browsing: Browsing
) -> None:
    start_at_home(page, check, browsing, "13800000006")
    changes = page.locator(
        "main li.card-primary a.card-link", has_text="锁一社区青少年成长驿站"
    )
    expect(changes).to_contain_text("退回修改")
    go(page, check, changes.click)
    expect(page.locator("main")).to_contain_text("场地")
    go(page, check, page.get_by_role("button", name="提交审核").click)
    expect(page.locator(".flash-success")).to_be_visible()


def test_social_worker_accepts_to_coordinate_a_project(
    page: Page, check: Check, browsing: Browsing
) -> None:
    start_at_home(page, check, browsing, "13800000003")
    coordination = _card(page, "/coordination")
    expect(coordination).to_contain_text("1")
    go(page, check, coordination.click)
    accept = page.locator("main form[action$='/accept'] button")
    expect(accept).to_have_count(1)
    go(page, check, accept.click)
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main form[action$='/accept']")).to_have_count(0)


def test_second_social_worker_passes_a_need_on(
    page: Page, check: Check, browsing: Browsing
) -> None:
    start_at_home(page, check, browsing, "13800000008")
    go(page, check, _card(page, "/coordination").click)
    go(page, check, page.locator("main a[href='/coordination/needs']").click)
    need = page.locator("main a.card-link", has_text="旧衣回收箱")
    go(page, check, need.click)
    page.locator("select[name=target]").select_option(label="锁金村绿邻环保社")
    page.locator("textarea[name=note]").fill("请旧衣回收日的志愿者顺路清一下回收箱。")
    page.get_by_role("button", name="转派").click()
    expect(page.locator("main")).to_contain_text("锁金村绿邻环保社")
    check(page)


def test_resident_raises_a_need(page: Page, check: Check, browsing: Browsing) -> None:
    start_at_home(page, check, browsing, "13800000007")
    go(page, check, page.locator("nav.bottomnav a[href='/account']").click)
    go(page, check, page.locator("main a[href='/my/needs']").click)
    expect(page.locator("main ul.cards > li")).to_have_count(3)
    go(page, check, page.locator("main a[href='/needs/new']").first.click)
    community = page.locator("select[name=community_id]")
    community.select_option(label="锁三社区")
    expect(page.locator("select[name=grid_id] option")).to_have_count(4)
    page.locator("select[name=grid_id]").select_option(label="第一网格")
    page.locator("select[name=category]").select_option("elderly")
    page.locator("textarea[name=description]").fill("小区门口的台阶太高，轮椅上不去。")
    go(page, check, page.locator("main form button[type=submit]").click)
    expect(page.locator("main")).to_contain_text("台阶太高")


def test_reviewer_approves_the_waiting_filing(
    page: Page, check: Check, browsing: Browsing
) -> None:
    start_at_home(page, check, browsing, "13800000002")
    review = _card(page, "/review/filings")
    expect(review).to_contain_text(re.compile(r"\d"))
    go(page, check, review.click)
    go(page, check, page.locator("main a", has_text="锁三社区银龄志愿服务队").click)
    tap_and_confirm(
        page, check, page.get_by_role("button", name="通过并发放备案编号").click
    )
    expect(page.locator(".flash-success")).to_contain_text("SJC-")


def test_reviewer_dashboard_charts_hours_by_month(
    page: Page, check: Check, browsing: Browsing
) -> None:
    start_at_home(page, check, browsing, "13800000002")
    go(page, check, page.locator("main a[href='/review/filings']").first.click)
    go(page, check, page.locator("main a[href='/reports']").click)
    page.locator("input[name=period][value=custom]").check()
    page.locator("input[name=first]").fill(_months_ago_iso(page, 6))
    page.locator("input[name=last]").fill(_today_iso(page))
    go(page, check, page.locator("main form button[type=submit]").first.click)
    bars = page.locator("main svg rect")
    assert bars.count() >= 5
    heights = [float(b.get_attribute("height") or 0) for b in bars.all()]
    assert sum(1 for h in heights if h > 0) >= 4, heights


def test_admin_adds_a_grid(page: Page, check: Check, browsing: Browsing) -> None:
    start_at_home(page, check, browsing, "13800000001")
    go(page, check, _card(page, "/admin/places").click)
    go(page, check, page.locator("main a", has_text="锁金村街道").first.click)
    go(page, check, page.locator("main a", has_text="锁一社区").first.click)
    page.locator("input[name=name]").fill("第四网格")
    go(page, check, page.get_by_role("button", name="添加网格").click)
    expect(page.locator(".flash-success")).to_contain_text("第四网格")
    expect(page.locator("main")).to_contain_text("第四网格")


def _today_iso(page: Page) -> str:
    return page.evaluate(
        "new Date().toLocaleDateString('sv-SE', {timeZone: 'Asia/Shanghai'})"
    )


def _months_ago_iso(page: Page, months: int) -> str:
    return page.evaluate(
        "m => { const d = new Date(); d.setMonth(d.getMonth() - m);"
        " return d.toLocaleDateString('sv-SE', {timeZone: 'Asia/Shanghai'}); }",
        months,
    )
