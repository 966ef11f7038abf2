"""From QR code to certificate on phones: the organizer shows the check-in code, a
volunteer opens the link (logging in first), checks in and out, the organizer
confirms the hours, the volunteer makes a certificate and anyone verifies it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from hub.extensions import db
from hub.hours import tokens
from hub.models import Attendance, Certificate, HourRecord, Shift
from hub.models.base import utcnow
from hub.shifts import services
from tests import factories
from tests.e2e.conftest import Browsing, LiveServer
from tests.e2e.test_journeys import go, log_in

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]


def _running_shift(live_server: LiveServer) -> tuple[int, str, str]:
    """A shift that started two hours ago (three long), one volunteer on it."""
    app = live_server.app
    with app.app_context(), app.test_request_context():
        project = factories.recruiting_project(title="社区助老服务日")
        shift = factories.shift(project, hours_from_now=-2, length_hours=3)
        person = factories.volunteer(name="张晓明", mobile="13955501001")
        services.sign_up(shift, user=person, now=shift.starts_at - timedelta(days=1))
        staff = factories.owner_of(project.organization)
        db.session.commit()
        return shift.id, staff.mobile, person.mobile


def _link(live_server: LiveServer, shift_id: int, mode: str) -> str:
    """The link the QR code on the organizer's screen encodes right now."""
    with live_server.app.test_request_context():
        return "/c/" + tokens.make_link_token(shift_id, mode, utcnow())


def test_check_in_to_verified_certificate(
    browsing: Browsing, live_server: LiveServer, check: Check
) -> None:
    shift_id, staff_mobile, volunteer_mobile = _running_shift(live_server)
    organizer = browsing.open()
    organizer.goto(f"/login?next=/shifts/{shift_id}/roster")
    check(organizer)
    log_in(organizer, check, staff_mobile, factories.DEFAULT_PASSWORD)
    go(organizer, check, organizer.locator("#checkin-links a.button-primary").click)
    expect(organizer.locator("#checkin-qr svg.qr")).to_be_visible()
    shown = organizer.locator(".checkin-code").inner_text().replace(" ", "")
    with live_server.app.test_request_context():
        slot = tokens.slot_of(utcnow())
        assert shown in {
            tokens.numeric_code(shift_id, "in", s) for s in (slot, slot - 1)
        }

    # The volunteer's phone camera opens the link; logging in keeps it.
    phone = browsing.open()
    phone.goto(_link(live_server, shift_id, "in"))
    check(phone)
    expect(phone).to_have_url(re.compile(r"/login\?next=/c/"))
    expect(phone.locator("main .lead")).to_contain_text("社区助老服务日")  # says why
    log_in(phone, check, volunteer_mobile, factories.DEFAULT_PASSWORD)
    expect(phone.locator("#scan-result.alert-ok")).to_be_visible()
    check(phone)
    # The organizer's list updates by itself (htmx polls every 5 seconds).
    expect(organizer.locator("#attendance .chip-ok")).to_be_visible(timeout=8000)
    check(organizer)

    # Time passes: the volunteer has been there since the start.
    with live_server.app.app_context():
        shift = db.session.get(Shift, shift_id)
        db.session.execute(
            update(Attendance)
            .where(Attendance.shift_id == shift_id)
            .values(checked_in_at=shift.starts_at)
        )
        db.session.commit()
    phone.goto(_link(live_server, shift_id, "out"))
    expect(phone.locator("#scan-result.alert-ok")).to_be_visible()
    check(phone)

    go(organizer, check, organizer.locator("#finish .button-primary").click)
    expect(organizer.locator("#attendance")).to_contain_text("✓")
    with live_server.app.app_context():
        record = db.session.scalar(
            select(HourRecord).where(HourRecord.shift_id == shift_id)
        )
        assert (record.state, record.minutes) == ("confirmed", 120)

    # My hours → certificate → verify.
    go(phone, check, lambda: phone.goto("/my/hours"))
    expect(phone.locator(".hours-total")).to_have_text("2")
    go(phone, check, phone.locator("#certificate button[type=submit]").click)
    expect(phone.locator(".certificate-number")).to_contain_text("SZ-")
    expect(phone.locator(".certificate")).to_contain_text("张晓明")
    with live_server.app.app_context():
        code = db.session.scalar(select(Certificate.code))
    go(phone, check, lambda: phone.goto(f"/verify/{code}"))
    expect(phone.locator(".alert-ok")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("张**")
    expect(phone.locator("main")).not_to_contain_text("张晓明")
