"""The login page says why it was reached (a QR check-in names its shift), and
creating an account from there keeps where to return (``next``) to the end."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from hub.hours import tokens
from hub.models.base import utcnow
from hub.models.verification import Purpose
from tests import factories
from tests.sms import STRONG_PASSWORD, code_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _english(client) -> None:  # noqa: ANN001
    client.post("/language", data={"locale": "en"})


def _lead(html: str) -> str | None:
    match = re.search(r'<p class="lead">(.*?)</p>', html, re.S)
    return unescape(match.group(1)) if match else None


def _href(html: str, label: str) -> str:
    match = re.search(r'<a [^>]*href="([^"]+)"[^>]*>' + re.escape(label) + "<", html)
    assert match, label
    return unescape(match.group(1))


def _action(html: str) -> str:
    match = re.search(r'<form method="post" action="([^"]+)"', html)
    assert match
    return unescape(match.group(1))


def _next(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("next")
    return values[0] if values else None


def _scan_link() -> tuple[str, object]:
    shift, _people = factories.staffed_shift(people=1, hours_from_now=0)
    return "/c/" + tokens.make_link_token(shift.id, "in", utcnow()), shift


def test_login_from_a_qr_scan_names_the_shift(client) -> None:
    _english(client)
    link, shift = _scan_link()
    login_url = client.get(link).headers["Location"]
    lead = _lead(client.get(login_url).get_data(as_text=True))
    assert lead and lead.startswith(f"Log in to check in to {shift.project.title}, ")
    assert shift.starts_at.astimezone(SHANGHAI).strftime("%H:%M") in lead


def test_login_from_typing_the_code_names_the_shift_too(client) -> None:
    _english(client)
    _link, shift = _scan_link()
    login_url = client.get(f"/shifts/{shift.id}/attend").headers["Location"]
    lead = _lead(client.get(login_url).get_data(as_text=True))
    assert lead and shift.project.title in lead


def test_login_for_another_page_says_to_continue(client) -> None:
    _english(client)
    login_url = client.get("/my/shifts").headers["Location"]
    lead = _lead(client.get(login_url).get_data(as_text=True))
    assert lead == "Log in to continue. Afterwards you come back to where you were."


def test_plain_login_and_unusable_next_say_nothing_extra(client) -> None:
    _english(client)
    for url in ("/login", "/login?next=/", "/login?next=//evil.example/x"):
        assert _lead(client.get(url).get_data(as_text=True)) is None, url


def test_forged_qr_link_gives_the_general_reason(client) -> None:
    _english(client)
    lead = _lead(client.get("/login?next=/c/forged").get_data(as_text=True))
    assert lead == "Log in to continue. Afterwards you come back to where you were."


def test_creating_an_account_from_a_qr_login_returns_to_the_check_in(client) -> None:
    _english(client)
    link, shift = _scan_link()
    login_page = client.get(client.get(link).headers["Location"]).get_data(as_text=True)
    register_url = _href(login_page, "Create one")
    assert _next(register_url) == link
    page = client.get(register_url).get_data(as_text=True)
    lead = _lead(page)
    assert lead and shift.project.title in lead  # the register page says why too
    assert _next(_href(page, "Log in")) == link

    mobile = "13912345670"
    sent = client.post(_action(page), data={"mobile": mobile})
    assert _next(sent.headers["Location"]) == link
    proved = client.post(
        sent.headers["Location"], data={"code": code_for(mobile, Purpose.REGISTER)}
    )
    details_url = proved.headers["Location"]
    assert _next(details_url) == link
    details = client.get(details_url).get_data(as_text=True)
    assert _next(_action(details)) == link
    done = client.post(
        _action(details),
        data={"name": "张伟", "password": STRONG_PASSWORD, "consent": "y"},
    )
    assert done.status_code == 303
    assert done.headers["Location"] == link


@pytest.mark.parametrize("url", ["/register", "/register?next=//evil.example/x"])
def test_creating_an_account_without_next_goes_to_the_profile(client, url) -> None:
    page = client.get(url).get_data(as_text=True)
    mobile = "13912345671"
    sent = client.post(_action(page), data={"mobile": mobile})
    proved = client.post(
        sent.headers["Location"], data={"code": code_for(mobile, Purpose.REGISTER)}
    )
    done = client.post(
        proved.headers["Location"],
        data={"name": "张伟", "password": STRONG_PASSWORD, "consent": "y"},
    )
    assert done.headers["Location"] == "/me/profile"
