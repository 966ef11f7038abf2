"""A street reviewer imports volunteers from a list on a phone, sees every row
checked, confirms, and the new volunteer, told by SMS, logs in with a code and
chooses a password."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from hub.extensions import db
from tests import factories
from tests.e2e.conftest import Browsing, LiveServer
from tests.e2e.test_journeys import go, log_in

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]
LIST = (
    "姓名,手机号,社区,网格,技能\r\n"
    "王秀英,13971110001,锁三社区,第1网格,elderly_care、driving\r\n"
    "欧阳娜娜,12345,锁三社区,,\r\n"
).encode("gb18030")


def _street(live_server: LiveServer) -> str:
    app = live_server.app
    with app.app_context(), app.test_request_context():
        street = factories.StreetFactory(name="锁金村街道", code="SJ")
        community = factories.CommunityFactory(street=street, name="锁三社区")
        factories.GridFactory(community=community, name="第1网格")
        reviewer = factories.reviewer(street=street, mobile="13971110009")
        db.session.commit()
        return reviewer.mobile


def test_reviewer_imports_a_list_and_the_volunteer_activates(
    browsing: Browsing,
    live_server: LiveServer,
    check: Check,
    tmp_path,  # noqa: ANN001
    sms_code: Callable[[str, str], str],
) -> None:
    mobile = _street(live_server)
    page = browsing.open()
    page.goto("/login?next=/imports/volunteers")
    check(page)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)
    browsing.screenshot(page, "upload")
    path = tmp_path / "名单.csv"
    path.write_bytes(LIST)
    page.locator("input[type=file]").set_input_files(str(path))
    go(page, check, page.locator("main button[type=submit]").first.click)
    expect(page.locator("h1")).to_have_text("核对名单")
    expect(page.locator("main")).to_contain_text("王秀英")
    expect(page.locator(".import-problems")).to_contain_text("12345")
    browsing.screenshot(page, "preview")
    go(page, check, page.locator(".actions-bottom .button-primary").click)
    expect(page.locator(".flash-success")).to_be_visible()

    go(page, check, lambda: page.goto("/reports/exports"))
    browsing.screenshot(page, "exports")

    other = browsing.open()
    other.goto("/login/code")
    check(other)
    other.locator("input[name=mobile]").fill("139 7111 0001")
    go(other, check, other.locator("main button[type=submit]").click)
    other.locator("input[name=code]").fill(sms_code("13971110001", "sign_in"))
    go(other, check, other.locator("main form button.button-primary").click)
    expect(other).to_have_url(f"{live_server.url}/login/code/activate")
    expect(other.locator("main")).to_contain_text("王秀英")
    browsing.screenshot(other, "activate")
    other.locator("input[name=password]").fill("plum-blossom-77")
    other.locator("input[name=consent]").check()
    go(other, check, other.locator("main button[type=submit]").click)
    expect(other).to_have_url(f"{live_server.url}/me/profile")
