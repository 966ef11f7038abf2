"""Abuse limits: each limited endpoint answers 429 with when to retry, and repeated
failed logins lock the number for a while (even with the right password)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.matching import services as matching
from tests import factories
from tests.factories import DEFAULT_PASSWORD

HX = {"HX-Request": "true"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
WRONG = "wrong-password-1"
TIME = re.compile(r"\b\d{2}:\d{2}\b")


def _english(client) -> None:  # noqa: ANN001
    client.post("/language", data={"locale": "en"})


def _statuses(send, times: int) -> list[int]:  # noqa: ANN001
    return [send().status_code for _ in range(times)]


def _local_clock(seconds_from_now: int) -> set[str]:
    """The HH:mm a page may show for a retry this far off (rounded up to the minute)."""
    now = datetime.now(UTC)
    shown = set()
    for slack in (0, 1, 2):
        at = now + timedelta(seconds=seconds_from_now + slack)
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
        shown.add(at.astimezone(SHANGHAI).strftime("%H:%M"))
    return shown


def _alert(response) -> str:  # noqa: ANN001
    html = response.get_data(as_text=True)
    return re.search(r'role="alert">(.*?)</div>', html, re.S).group(1)


# Endpoints -----------------------------------------------------------------------


def test_codes_asked_from_one_address_are_capped(app, client) -> None:
    """Past the hourly cap per address, asking for a code is refused (429-like
    answer beside the form); a challenge is asked long before (tests/web/test_codes)."""
    cap = int(app.config["SMS_ADDRESS_LIMIT"].split()[0])
    from hub.verification import limits

    for i in range(cap):
        limits.count(f"1391234{i:04d}", "127.0.0.1", "register")
    response = client.post("/register", data={"mobile": "13700005555"})
    assert response.status_code == 422
    assert "分钟后再试" in _alert(response)


def test_shift_sign_up_is_limited_per_volunteer(client, login) -> None:
    shift = factories.shift(capacity=50)
    login(factories.volunteer())
    url = f"/shifts/{shift.id}/signup"
    statuses = _statuses(lambda: client.post(url), 31)
    assert set(statuses[:30]) == {303}
    assert statuses[30] == 429
    # Someone else is counted apart.
    client.post("/logout")
    login(factories.volunteer())
    assert client.post(url).status_code == 303


def test_sign_up_limit_counts_only_signed_in_volunteers(client, login) -> None:
    shift = factories.shift()
    url = f"/shifts/{shift.id}/signup"
    # Anonymous and forbidden attempts are refused before they are counted.
    assert set(_statuses(lambda: client.post(url), 31)) == {302}
    login(factories.volunteer())
    assert client.post(url).status_code == 303


def test_check_in_code_is_limited(client, login) -> None:
    shift, (person,) = factories.staffed_shift(1, hours_from_now=0)
    login(person)
    url = f"/shifts/{shift.id}/attend"

    def send():  # noqa: ANN202
        return client.post(url, data={"code": "000000"})

    statuses = _statuses(send, 11)
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429


def _invitation():  # noqa: ANN202
    project = factories.recruiting_project()
    grid = factories.GridFactory(community=project.community)
    shift = factories.shift(project, grid=grid)
    person = factories.volunteer()
    factories.volunteer_profile(person, grid=grid)
    organizer = factories.owner_of(project.organization)
    invitation = matching.invite_to_shift(shift, user=person, by=organizer)
    return shift, person, organizer, invitation


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_invitation_answers_are_limited(client, login, answer: str) -> None:
    _shift, person, _organizer, invitation = _invitation()
    login(person)
    url = f"/shift-invitations/{invitation.id}/{answer}"
    statuses = _statuses(lambda: client.post(url), 31)
    assert 429 not in statuses[:30]
    assert statuses[30] == 429


def test_invitations_sent_are_limited_per_organizer(client, login) -> None:
    shift, person, organizer, _invitation_ = _invitation()
    login(organizer)
    url = f"/shifts/{shift.id}/candidates/{person.id}/invite"
    statuses = _statuses(lambda: client.post(url, headers=HX), 61)
    assert 429 not in statuses[:60]
    assert statuses[60] == 429


# The 429 answer ------------------------------------------------------------------


def _exhaust_sign_ups(client, login, shift):  # noqa: ANN001, ANN202
    login(factories.volunteer())
    url = f"/shifts/{shift.id}/signup"
    for _ in range(30):
        client.post(url)
    return url


def test_429_page_says_when_to_retry_in_chinese(client, login) -> None:
    url = _exhaust_sign_ups(client, login, factories.shift())
    response = client.post(url)
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    assert 0 < retry <= 3600 + 1  # the window, rounded up to whole seconds
    html = response.get_data(as_text=True)
    assert "尝试次数太多" in html
    assert "分钟后再试" in html
    shown = TIME.findall(re.search(r'class="retry-at">(.*?)</p>', html).group(1))
    assert shown and shown[0] in _local_clock(retry)


def test_429_page_says_when_to_retry_in_english(client, login) -> None:
    _english(client)
    url = _exhaust_sign_ups(client, login, factories.shift())
    response = client.post(url)
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    html = response.get_data(as_text=True)
    assert "Too many attempts" in html
    assert re.search(r"Please wait \d+ minutes? and try again\.", html)
    match = re.search(r"You can try again after (\d{2}:\d{2})\.", html)
    assert match and match.group(1) in _local_clock(retry)


def test_429_for_htmx_is_a_message_not_a_page(client, login) -> None:
    _english(client)
    url = _exhaust_sign_ups(client, login, factories.shift())
    response = client.post(url, headers=HX)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'hx-swap-oob="innerHTML:#toasts"' in html and 'data-toast="limit"' in html
    assert "You can try again after" in html


# Login lockout -------------------------------------------------------------------


def _login(client, mobile: str, password: str):  # noqa: ANN001, ANN202
    return client.post("/login", data={"mobile": mobile, "password": password})


def test_failed_logins_lock_the_number_even_for_the_right_password(app, client) -> None:
    user = factories.volunteer()
    failures = app.config["LOGIN_LOCKOUT_FAILURES"]
    statuses = _statuses(lambda: _login(client, user.mobile, WRONG), failures)
    assert statuses == [422] * (failures - 1) + [429]

    response = _login(client, user.mobile, DEFAULT_PASSWORD)
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    assert 0 < retry <= app.config["LOGIN_LOCKOUT_MINUTES"] * 60
    # Beside the form, in the visitor's language (Chinese by default), with the time.
    assert 'name="mobile"' in response.get_data(as_text=True)
    shown = TIME.findall(_alert(response))
    assert shown and shown[0] in _local_clock(retry)
    assert client.get("/account").status_code == 302


def test_lockout_message_in_english_says_until_when(app, client) -> None:
    _english(client)
    user = factories.volunteer()
    for _ in range(app.config["LOGIN_LOCKOUT_FAILURES"]):
        response = _login(client, user.mobile, WRONG)
    assert response.status_code == 429
    match = re.search(r"locked until (\d{2}:\d{2})", _alert(response))
    assert match
    assert match.group(1) in _local_clock(int(response.headers["Retry-After"]))


def test_lockout_is_per_number_from_any_address(app, client) -> None:
    user = factories.volunteer()
    other = factories.volunteer()
    for i in range(app.config["LOGIN_LOCKOUT_FAILURES"]):
        client.post(
            "/login",
            data={"mobile": user.mobile, "password": WRONG},
            environ_base={"REMOTE_ADDR": f"10.0.3.{i + 1}"},
        )
    assert _login(client, user.mobile, DEFAULT_PASSWORD).status_code == 429
    assert _login(client, other.mobile, DEFAULT_PASSWORD).status_code == 303


def test_unknown_number_is_locked_the_same_way(app, client) -> None:
    user = factories.volunteer()
    known = [
        _login(client, user.mobile, WRONG)
        for _ in range(app.config["LOGIN_LOCKOUT_FAILURES"])
    ][-1]
    unknown = [
        _login(client, "13700000001", WRONG)
        for _ in range(app.config["LOGIN_LOCKOUT_FAILURES"])
    ][-1]
    assert known.status_code == unknown.status_code == 429
    assert TIME.sub("", _alert(known)) == TIME.sub("", _alert(unknown))


def test_a_successful_login_starts_the_count_again(app, client) -> None:
    user = factories.volunteer()
    below = app.config["LOGIN_LOCKOUT_FAILURES"] - 1
    assert _statuses(lambda: _login(client, user.mobile, WRONG), below) == [422] * below
    assert _login(client, user.mobile, DEFAULT_PASSWORD).status_code == 303
    client.post("/logout")
    assert _statuses(lambda: _login(client, user.mobile, WRONG), below) == [422] * below
    assert _login(client, user.mobile, DEFAULT_PASSWORD).status_code == 303


def test_lock_ends_after_its_time(app, client, monkeypatch) -> None:
    # One failure locks, for 2 seconds (hashing makes several failures slow).
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_FAILURES", 1)
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_MINUTES", 2 / 60)
    user = factories.volunteer()
    assert _login(client, user.mobile, WRONG).status_code == 429
    locked = _login(client, user.mobile, DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) <= 2
    time.sleep(2.2)
    assert _login(client, user.mobile, DEFAULT_PASSWORD).status_code == 303
    assert client.get("/account").status_code == 200


def test_lockout_store_never_holds_the_number(app, client) -> None:
    from hub.extensions import limiter

    user = factories.volunteer()
    for _ in range(app.config["LOGIN_LOCKOUT_FAILURES"]):
        _login(client, user.mobile, WRONG)
    keys = " ".join(limiter.storage.storage)  # memory storage in tests
    assert "login-lockout/lock/" in keys
    assert user.mobile not in keys
