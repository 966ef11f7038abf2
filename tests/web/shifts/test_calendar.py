"""Calendar files: one shift's .ics for those signed up, and the private feed."""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

import pytest
from icalendar import Calendar

from hub.extensions import db
from hub.models import Signup, User
from hub.models.shifts import SignupState
from hub.shifts import services
from tests import factories

ICS = "text/calendar; charset=utf-8"


def _events(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def _feed_token(client, user: User) -> str:  # noqa: ANN001
    response = client.post("/my/calendar", data={"action": "new"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/my/shifts#calendar"
    token = db.session.get(User, user.id).calendar_token
    assert token and len(token) >= 43
    return token


def _past_signup(user: User, days_ago: int, state: str = "confirmed") -> Signup:
    """A sign-up for a shift that already happened (written directly)."""
    shift = factories.shift(hours_from_now=-24 * days_ago)
    signup = Signup(
        shift_id=shift.id,
        user_id=user.id,
        state=state,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
    )
    db.session.add(signup)
    db.session.flush()
    return signup


# One shift --------------------------------------------------------------------


def test_signed_up_person_gets_the_shift_as_ics_in_utc(client, login) -> None:
    shift = factories.shift(place="锁三社区活动室")
    me = login(factories.volunteer())
    services.sign_up(shift, user=me)
    response = client.get(f"/shifts/{shift.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ICS
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data(as_text=True)
    assert f"DTSTART:{shift.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in raw
    (event,) = _events(response.data)
    assert event.start == shift.starts_at and event.start.tzinfo is not None
    assert event.end == shift.ends_at
    assert event.start.utcoffset() == timedelta(0)
    assert str(event["SUMMARY"]) == shift.project.title
    assert str(event["LOCATION"]) == "锁三社区活动室"
    assert str(event["URL"]) == f"http://localhost/projects/{shift.project_id}"
    assert str(event["UID"]) == f"shift-{shift.id}@localhost"
    assert str(event["STATUS"]) == "CONFIRMED"
    again = _events(client.get(f"/shifts/{shift.id}/calendar.ics").data)[0]
    assert str(again["UID"]) == str(event["UID"])  # stable: re-adding updates


def test_someone_not_signed_up_cannot_download_a_shift(client, login) -> None:
    shift = factories.shift()
    services.sign_up(shift, user=factories.volunteer())
    login(factories.volunteer())
    assert client.get(f"/shifts/{shift.id}/calendar.ics").status_code == 403
    assert client.get("/shifts/999999/calendar.ics").status_code == 404


def test_cancelled_sign_up_cannot_download_the_shift(client, login) -> None:
    shift = factories.shift()
    me = login(factories.volunteer())
    signup = services.sign_up(shift, user=me)
    services.cancel_signup(signup, by=me)
    assert client.get(f"/shifts/{shift.id}/calendar.ics").status_code == 403


def test_anonymous_is_sent_to_log_in_for_a_shift_ics(client) -> None:
    shift = factories.shift()
    response = client.get(f"/shifts/{shift.id}/calendar.ics")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_my_shifts_cards_offer_add_to_calendar(client, login) -> None:
    shift = factories.shift()
    me = login(factories.volunteer())
    services.sign_up(shift, user=me)
    html = client.get("/my/shifts").get_data(as_text=True)
    assert f'href="/shifts/{shift.id}/calendar.ics"' in html


# The feed -----------------------------------------------------------------------


def test_feed_has_my_confirmed_and_waitlisted_shifts_and_90_days_back(
    app, client, login
) -> None:
    me = login(factories.volunteer())
    confirmed = factories.shift()
    full = factories.shift(capacity=1, hours_from_now=72)
    services.sign_up(full, user=factories.volunteer())
    services.sign_up(confirmed, user=me)
    services.sign_up(full, user=me)
    cancelled = factories.shift(hours_from_now=96)
    services.cancel_signup(services.sign_up(cancelled, user=me), by=me)
    recent = _past_signup(me, days_ago=30, state=SignupState.ATTENDED)
    _past_signup(me, days_ago=100)
    someone_elses = factories.shift(hours_from_now=120)
    services.sign_up(someone_elses, user=factories.volunteer())
    token = _feed_token(client, me)

    calendar_app = app.test_client()  # no session, as a calendar app fetches
    response = calendar_app.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ICS
    calendar = Calendar.from_ical(response.data)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT4H" in response.get_data(as_text=True)
    uids = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(uids) == {
        f"shift-{s}@localhost" for s in (confirmed.id, full.id, recent.shift_id)
    }
    assert str(uids[f"shift-{full.id}@localhost"]["STATUS"]) == "TENTATIVE"
    assert str(uids[f"shift-{confirmed.id}@localhost"]["STATUS"]) == "CONFIRMED"
    assert uids[f"shift-{confirmed.id}@localhost"].start == confirmed.starts_at


def test_feed_speaks_the_persons_language(app, client, login) -> None:
    me = login(factories.volunteer(locale="en"))
    token = _feed_token(client, me)
    body = app.test_client().get(f"/calendar/{token}.ics").get_data(as_text=True)
    assert "X-WR-CALNAME:My shifts · Shanzhi Hub" in body


def test_unknown_token_is_404(client) -> None:
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    assert client.get(f"/calendar/{'x' * 80}.ics").status_code == 404


def test_reset_makes_the_old_feed_url_404(app, client, login) -> None:
    me = login(factories.volunteer())
    old = _feed_token(client, me)
    page = client.get("/my/shifts").get_data(as_text=True)
    assert f"http://localhost/calendar/{old}.ics" in page
    new = _feed_token(client, me)
    assert new != old
    calendar_app = app.test_client()
    assert calendar_app.get(f"/calendar/{old}.ics").status_code == 404
    assert calendar_app.get(f"/calendar/{new}.ics").status_code == 200
    page = client.get("/my/shifts").get_data(as_text=True)
    assert new in page and old not in page


def test_feed_can_be_turned_off(app, client, login) -> None:
    me = login(factories.volunteer())
    token = _feed_token(client, me)
    assert client.post("/my/calendar", data={"action": "off"}).status_code == 303
    assert db.session.get(User, me.id).calendar_token is None
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_feed_of_a_deactivated_account_is_404(app, client, login) -> None:
    me = login(factories.volunteer())
    token = _feed_token(client, me)
    db.session.get(User, me.id).active = False
    db.session.flush()
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_feed_link_needs_csrf_and_login(client, login) -> None:
    assert client.post("/my/calendar", data={"action": "new"}).status_code == 302
    me = login(factories.volunteer())
    response = client.post("/my/calendar", data={"action": "new"}, csrf=False)
    assert response.status_code == 400
    assert db.session.get(User, me.id).calendar_token is None


def test_token_is_never_logged(
    app, client, login, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    me = login(factories.volunteer())
    token = _feed_token(client, me)
    client.get("/my/shifts")
    app.test_client().get(f"/calendar/{token}.ics")
    assert token not in caplog.text
