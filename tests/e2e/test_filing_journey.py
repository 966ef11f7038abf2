"""An organization files into the incubation base and a reviewer decides, on phones."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from hub.extensions import db
from tests import factories
from tests.e2e.conftest import Browsing, LiveServer
from tests.e2e.test_journeys import SUBMIT, go, log_in, tap_and_confirm

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]


def _street_with_reviewer(live_server: LiveServer) -> tuple[int, str]:
    """A street with a community and a reviewer (mobile returned), committed."""
    app = live_server.app
    with app.app_context(), app.test_request_context():
        street = factories.StreetFactory(code="JY", name="旅程街道")
        factories.CommunityFactory(street=street, name="旅程社区")
        reviewer = factories.reviewer(
            street=street, mobile="13920000001", name="李审核"
        )
        factories.UserFactory(mobile="13920000002", name="陈负责")
        db.session.commit()
        return street.id, reviewer.mobile


def _login_at(page: Page, check: Check, path: str, mobile: str) -> None:
    page.goto(path)
    check(page)
    log_in(page, check, mobile, factories.DEFAULT_PASSWORD)


def test_file_request_changes_resubmit_approve(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    street_id, reviewer_mobile = _street_with_reviewer(live_server)
    applicant = browsing.open()
    _login_at(applicant, check, "/login?next=/apply", "13920000002")

    # Start: three things, then the short steps.
    applicant.locator("input[name=name]").fill("旅程邻里互助社")
    applicant.locator("select[name=org_type]").select_option("community_service")
    applicant.locator("select[name=street_id]").select_option(str(street_id))
    go(applicant, check, applicant.locator(SUBMIT).click)
    expect(applicant).to_have_url(re.compile(r"/filings/\d+/step/1$"))
    applicant.locator("input[name=service_categories][value=elderly]").check()
    applicant.locator("input[name=communities]").first.check()
    go(applicant, check, applicant.locator(SUBMIT).click)
    applicant.locator("input[name=lead_person]").fill("陈负责")
    applicant.locator("input[name=contact_phone]").fill("139 2000 0002")
    applicant.locator("input[name=address]").fill("旅程社区1号")
    applicant.locator("input[name=member_count]").fill("9")
    go(applicant, check, applicant.locator(SUBMIT).click)
    applicant.locator("textarea[name=description]").fill("为独居老人上门探访。")
    go(applicant, check, applicant.locator(SUBMIT).click)

    # Documents, recognised by their content.
    for kind, name, mime, data in (
        ("charter", "章程.pdf", "application/pdf", factories.PDF_BYTES),
        ("lead_id", "身份证.png", "image/png", factories.PNG_BYTES),
    ):
        applicant.locator("select[name=kind]").select_option(kind)
        applicant.locator("input[name=file]").set_input_files(
            files=[{"name": name, "mimeType": mime, "buffer": data}]
        )
        go(
            applicant,
            check,
            applicant.locator("form[action$='/documents'] button").click,
        )
    expect(applicant.locator("#documents")).to_contain_text("章程.pdf")
    go(applicant, check, applicant.locator("#submit button[type=submit]").click)
    expect(applicant.locator(".chip-wait").first).to_be_visible()
    filing_url = applicant.url

    # The reviewer asks for a change.
    reviewer = browsing.open()
    _login_at(reviewer, check, "/login?next=/review/filings", reviewer_mobile)
    go(reviewer, check, reviewer.locator("a", has_text="旅程邻里互助社").click)
    reviewer.locator("details.decision summary").first.click()
    reviewer.locator("textarea[name=comment]").fill("请补充会员名单。")
    go(reviewer, check, reviewer.locator("form[action$='/changes'] button").click)

    # The applicant sees the comment, fixes, resubmits.
    applicant.goto(filing_url)
    check(applicant)
    expect(applicant.locator("main")).to_contain_text("请补充会员名单。")
    go(applicant, check, applicant.locator("a[href$='/step/2']").first.click)
    applicant.locator("input[name=member_count]").fill("12")
    go(applicant, check, applicant.locator(SUBMIT).click)
    applicant.goto(filing_url)
    check(applicant)
    go(applicant, check, applicant.locator("#submit button[type=submit]").click)

    # The reviewer approves; a filing number is issued.
    reviewer.goto("/review/filings")
    check(reviewer)
    go(reviewer, check, reviewer.locator("a", has_text="旅程邻里互助社").click)
    tap_and_confirm(
        reviewer, check, reviewer.locator("form[action$='/approve'] button").click
    )

    applicant.goto(filing_url)
    check(applicant)
    expect(applicant.locator(".filing-number")).to_contain_text(
        re.compile(r"JY-\d{4}-0001")
    )
    applicant.goto("/notifications")
    check(applicant)
    expect(applicant.locator("main")).to_contain_text("JY-")
