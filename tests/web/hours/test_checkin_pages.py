"""The check-in screen (QR, code, live list, marks by hand) and the volunteer's side:
the QR link (login kept), the typed code, late delivery, the service worker."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.hours import ledger, tokens
from hub.models import HourRecord, Notification, Shift, Signup, User
from hub.models.base import utcnow
from hub.models.hours import RecordState
from hub.models.shifts import SignupState
from tests import factories

HX = {"HX-Request": "true"}


def _running(people: int = 1) -> tuple[Shift, list[User]]:
    """A shift that started just now, people confirmed on it."""
    return factories.staffed_shift(people=people, hours_from_now=0)


def _staff(shift: Shift) -> User:
    return factories.owner_of(shift.project.organization)


def _coordinator(shift: Shift) -> User:
    return db.session.get(User, shift.project.coordinator_id)


def _link(shift: Shift, mode: str = "in", at=None) -> str:  # noqa: ANN001
    return "/c/" + tokens.make_link_token(shift.id, mode, at or utcnow())


# The organizer's screen --------------------------------------------------------------


@pytest.mark.parametrize("organizer", [_staff, _coordinator], ids=["staff", "sw"])
def test_organizer_sees_a_qr_code_the_digits_and_the_live_list(
    client, login, organizer: Callable[[Shift], User]
) -> None:
    shift, (person,) = _running()
    login(organizer(shift))
    page = client.get(f"/shifts/{shift.id}/checkin").get_data(as_text=True)
    assert "<svg" in page and 'class="qr"' in page
    code = tokens.numeric_code(shift.id, "in", tokens.slot_of(utcnow()))
    digits = re.search(r'class="checkin-code"[^>]*>(\d{3} \d{3})<', page).group(1)
    assert digits.replace(" ", "") in {
        code,
        tokens.numeric_code(shift.id, "in", tokens.slot_of(utcnow()) - 1),
    }
    assert 'hx-trigger="every 5s"' in page
    assert re.search(r'hx-trigger="load delay:\d+s"', page)
    assert person.name in page
    assert "<script>" not in page and "style=" not in page


def test_htmx_gets_only_the_qr_or_only_the_list(client, login) -> None:
    shift, _people = _running()
    login(_staff(shift))
    qr = client.get(f"/shifts/{shift.id}/checkin?mode=out", headers=HX)
    assert qr.status_code == 200
    html = qr.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="checkin-qr"') and "mode=out" in html
    assert "HX-Request" in qr.headers.get("Vary", "")
    listed = client.get(f"/shifts/{shift.id}/attendance", headers=HX)
    assert listed.get_data(as_text=True).lstrip().startswith('<div id="attendance"')


def test_no_code_before_the_window_opens(client, login) -> None:
    shift, _people = factories.staffed_shift(hours_from_now=3)
    login(_staff(shift))
    page = client.get(f"/shifts/{shift.id}/checkin").get_data(as_text=True)
    assert 'class="qr"' not in page and "checkin-code" not in page


def _other_staff(shift: Shift) -> User:
    return factories.org_staff()


def _other_social_worker(shift: Shift) -> User:
    return factories.social_worker(community=shift.project.community)


def _volunteer_on_it(shift: Shift) -> User:
    return db.session.get(
        User,
        db.session.scalar(select(Signup.user_id).where(Signup.shift_id == shift.id)),
    )


@pytest.mark.parametrize(
    "who",
    [_other_staff, _other_social_worker, _volunteer_on_it],
    ids=lambda f: f.__name__.strip("_"),
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/shifts/{id}/checkin"),
        ("get", "/shifts/{id}/attendance"),
        ("post", "/shifts/{id}/attendance/walk-in"),
        ("post", "/shifts/{id}/attendance/end"),
        ("post", "/shifts/{id}/hours/confirm"),
    ],
)
def test_others_may_not_run_check_in(
    client, login, who, method: str, path: str
) -> None:  # noqa: ANN001
    shift, _people = _running()
    login(who(shift))
    response = getattr(client, method)(path.format(id=shift.id))
    assert response.status_code == 403


def test_anonymous_is_sent_to_log_in(client) -> None:
    shift, _people = _running()
    response = client.get(f"/shifts/{shift.id}/checkin")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_walk_in_unknown_number_is_422_and_known_one_checked_in(client, login) -> None:
    shift, _people = _running()
    login(_staff(shift))
    bad = client.post(
        f"/shifts/{shift.id}/attendance/walk-in", data={"mobile": "13900000099"}
    )
    assert bad.status_code == 422
    assert 'value="13900000099"' in bad.get_data(as_text=True)
    walker = factories.volunteer(mobile="13988887777")
    ok = client.post(
        f"/shifts/{shift.id}/attendance/walk-in", data={"mobile": "13988887777"}
    )
    assert ok.status_code == 303
    assert ledger.spans_of(shift.id, walker.id)


def test_mark_no_show_then_end_and_confirm_for_all(client, login) -> None:
    shift, (came, absent) = _running(people=2)
    login(_staff(shift))
    from hub.hours import attendance

    attendance.check_in(shift, user=came)
    absent_signup = db.session.scalar(select(Signup).where(Signup.user_id == absent.id))
    response = client.post(
        f"/shifts/{shift.id}/attendance/{absent_signup.id}", data={"state": "no_show"}
    )
    assert response.status_code == 303
    assert db.session.get(Signup, absent_signup.id).state == SignupState.NO_SHOW
    assert client.post(f"/shifts/{shift.id}/attendance/end").status_code == 303
    assert client.post(f"/shifts/{shift.id}/hours/confirm").status_code == 303
    record = db.session.scalar(select(HourRecord).where(HourRecord.user_id == came.id))
    assert record.state == RecordState.CONFIRMED
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == came.id, Notification.kind == "hours_confirmed"
        )
    )


# The volunteer ------------------------------------------------------------------------


def test_scanning_the_link_checks_in_and_again_changes_nothing(client, login) -> None:
    shift, (person,) = _running()
    login(person)
    link = _link(shift)
    page = client.get(link)
    assert page.status_code == 200
    assert 'hx-trigger="load"' in page.get_data(as_text=True)
    first = client.post(link)
    assert first.status_code == 303
    assert first.headers["Location"].endswith(f"/shifts/{shift.id}/attend")
    again = client.post(link, headers=HX)
    assert again.status_code == 200 and 'id="scan-result"' in again.get_data(
        as_text=True
    )
    assert len(ledger.spans_of(shift.id, person.id)) == 1
    assert (
        db.session.scalar(select(Signup.state).where(Signup.user_id == person.id))
        == SignupState.ATTENDED
    )


def test_logging_in_first_keeps_the_link_and_its_freshness(client) -> None:
    shift, (person,) = _running()
    link = _link(shift)
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={link}"
    logged = client.post(
        f"/login?next={link}",
        data={"mobile": person.mobile, "password": factories.DEFAULT_PASSWORD},
    )
    assert logged.headers["Location"] == link
    assert client.post(link).status_code == 303
    assert ledger.spans_of(shift.id, person.id)


def test_forged_stale_and_not_signed_up_get_clear_answers(client, login) -> None:
    shift, _people = _running()
    stranger = login(factories.volunteer())
    client.post("/language", data={"locale": "en"})
    forged = _link(shift)[:-3] + "AAA"
    response = client.get(forged)
    assert response.status_code == 400
    assert "not a valid check-in code" in response.get_data(as_text=True)
    stale = client.get(_link(shift, at=utcnow() - timedelta(minutes=5)))
    assert stale.status_code == 410
    assert "expired" in stale.get_data(as_text=True)
    refused = client.post(_link(shift), headers=HX)
    assert refused.status_code == 409
    assert "not signed up" in refused.get_data(as_text=True)
    assert not ledger.spans_of(shift.id, stranger.id)


def test_typed_code_checks_out_and_a_wrong_one_is_422(client, login) -> None:
    shift, (person,) = _running()
    login(person)
    client.post(_link(shift))
    wrong = client.post(f"/shifts/{shift.id}/attend", data={"code": "12345"})
    assert wrong.status_code == 422
    code = tokens.numeric_code(shift.id, "out", tokens.slot_of(utcnow()))
    ok = client.post(f"/shifts/{shift.id}/attend", data={"code": code})
    assert ok.status_code == 303
    (span,) = ledger.spans_of(shift.id, person.id)
    assert span.checked_out_at is not None


def test_late_delivery_from_the_service_worker(client, login) -> None:
    shift, (person,) = _running()
    login(person)
    csrf = client.get("/checkin/csrf")
    assert csrf.headers["Cache-Control"] == "private, no-store"
    token = tokens.make_link_token(shift.id, "in", utcnow() - timedelta(minutes=3))
    ok = client.post("/checkin/late", json={"token": token, "scanned_at": 0})
    assert ok.status_code == 200 and ok.get_json()["ok"] is True
    (span,) = ledger.spans_of(shift.id, person.id)
    assert span.in_method == "offline"
    forged = client.post("/checkin/late", json={"token": token[:-2] + "xx"})
    assert forged.status_code == 409 and forged.get_json()["keep"] is False


def test_late_delivery_needs_a_login_and_csrf(app, client) -> None:  # noqa: ANN001
    shift, _people = _running()
    token = tokens.make_link_token(shift.id, "in", utcnow())
    assert client.post("/checkin/late", json={"token": token}).status_code == 302
    assert client.get("/checkin/csrf").status_code == 302


def test_service_worker_is_served_from_the_root_and_offline_page_is_plain(
    client,
) -> None:
    sw = client.get("/sw.js")
    assert sw.status_code == 200
    assert sw.headers["Service-Worker-Allowed"] == "/"
    assert "javascript" in sw.headers["Content-Type"]
    body = sw.get_data(as_text=True)
    assert "/checkin/late" in body and "caches.match" in body
    offline = client.get("/checkin/offline").get_data(as_text=True)
    assert "csrf" not in offline.lower() and "<script" not in offline


def test_scanning_is_rate_limited(client, login) -> None:
    person = factories.volunteer()
    login(person)
    url = "/c/not-a-real-token"
    statuses = [client.post(url).status_code for _ in range(21)]
    assert statuses[:20] == [400] * 20  # a forged token is refused each time
    assert statuses[20] == 429
