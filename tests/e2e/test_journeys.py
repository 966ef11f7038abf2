"""Journeys people take on a phone: account basics, in Chinese and English."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PASSWORD = "lantern-river-42"
SUBMIT = "main form button[type=submit]"
#: The page's main action, where a second form offers another (send a new code).
PRIMARY = "main form button.button-primary[type=submit]"
LOGIN_ERROR = "The mobile number or password is not right."


def go(page: Page, check: Check, action: Callable[[], object]) -> None:
    """Do something that loads a new page, wait for it, then check it."""
    with page.expect_navigation():
        action()
    check(page)


def tap_and_confirm(
    page: Page, check: Check, tap: Callable[[], object], *, javascript: bool = True
) -> None:
    """Take an action that asks once (hub/web/confirm.py) and answer yes: with
    JavaScript the question comes in place of the button, without it on a page."""
    if javascript:
        tap()
        expect(page.locator("[data-confirm]")).to_be_focused()
        check(page)
    else:
        go(page, check, tap)
    go(page, check, page.locator(".confirm button[type=submit]").click)


def assert_chinese(page: Page) -> None:
    """The interface itself (not just what people typed) is in Chinese."""
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans-CN")
    expect(page).to_have_title(CHINESE)


def log_in(page: Page, check: Check, mobile: str, password: str) -> None:
    """Fill in and send the login form shown now."""
    page.locator("input[name=mobile]").fill(mobile)
    page.locator("input[name=password]").fill(password)
    go(page, check, page.locator(SUBMIT).click)


def prove_number(
    page: Page,
    check: Check,
    sms_code: Callable[[str, str], str],
    mobile: str,
    purpose: str,
) -> None:
    """Type the number, send, and type the code the phone received."""
    page.locator("input[name=mobile]").fill(mobile)
    go(page, check, page.locator(SUBMIT).click)
    expect(page.locator("input[name=code]")).to_be_visible()
    digits = re.sub(r"\D", "", mobile)[-11:]
    page.locator("input[name=code]").fill(sms_code(digits, purpose))
    go(page, check, page.locator(PRIMARY).click)


def test_register_login_english_larger_text_logout(
    page: Page, check: Check, sms_code: Callable[[str, str], str]
) -> None:
    page.goto("/")
    check(page)
    assert_chinese(page)

    go(page, check, page.locator("main a[href='/register']").click)
    expect(page).to_have_url(re.compile(r"/register$"))
    assert_chinese(page)
    expect(page.locator("h1")).to_have_text(CHINESE)

    prove_number(page, check, sms_code, "139 1234 5678", "register")
    expect(page).to_have_url(re.compile(r"/register/details$"))
    page.locator("input[name=name]").fill("张伟")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=consent]").check()
    go(page, check, page.locator(SUBMIT).click)
    # A new account goes on to onboarding (skills, free times, home grid).
    expect(page).to_have_url(re.compile(r"/me/profile$"))
    assert_chinese(page)
    expect(page.locator(".flash-success")).to_contain_text("张伟")

    go(page, check, page.locator("nav.bottomnav a[href='/account']").click)
    go(page, check, page.locator("form[action='/logout'] button").click)
    expect(page.locator("nav.bottomnav")).to_have_count(0)

    go(page, check, page.locator("main a[href='/login']").click)
    assert_chinese(page)
    log_in(page, check, "13912345678", PASSWORD)
    expect(page.locator("h1")).to_contain_text("张伟")

    switch = page.locator("header form.lang").get_by_role("button", name="English")
    go(page, check, switch.click)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Hello, 张伟")
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()

    go(page, check, page.get_by_role("link", name="Me", exact=True).click)
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator("body")).not_to_have_class(re.compile(r"\btext-large\b"))
    go(page, check, page.get_by_role("button", name="Use larger text").click)
    expect(page.locator("body")).to_have_class(re.compile(r"\btext-large\b"))
    font_size = page.locator("body").evaluate("b => getComputedStyle(b).fontSize")
    assert font_size == "21px"
    expect(page.get_by_role("button", name="Use normal text")).to_be_visible()

    go(page, check, page.get_by_role("button", name="Log out").click)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\btext-large\b"))
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("link", name="Me", exact=True)).to_have_count(0)


def test_register_form_works_without_javascript(
    page_without_js: Page, check: Check, sms_code: Callable[[str, str], str]
) -> None:
    page = page_without_js
    page.goto("/register")
    check(page)
    assert_chinese(page)

    page.locator("input[name=mobile]").fill("1391234")
    go(page, check, page.locator(SUBMIT).click)
    expect(page).to_have_url(re.compile(r"/register$"))
    expect(page.get_by_role("alert")).to_be_visible()
    field = page.locator(".field:has(input[name=mobile])")
    expect(field.locator(".error")).to_have_text(CHINESE)
    expect(field.locator("input")).to_have_attribute("aria-invalid", "true")
    expect(field.locator("input")).to_have_value("1391234")

    # The code typed with full-width digits, as a Chinese IME may give them.
    page.locator("input[name=mobile]").fill("13912345679")
    go(page, check, page.locator(SUBMIT).click)
    code = sms_code("13912345679", "register")
    page.locator("input[name=code]").fill("".join(chr(ord(c) + 0xFEE0) for c in code))
    go(page, check, page.locator(PRIMARY).click)
    expect(page).to_have_url(re.compile(r"/register/details$"))

    page.locator("input[name=name]").fill("李娜")
    page.locator("input[name=password]").fill("short")
    page.locator("input[name=consent]").check()
    go(page, check, page.locator(SUBMIT).click)
    field = page.locator(".field:has(input[name=password])")
    expect(field.locator(".error")).to_have_text(CHINESE)
    expect(page.locator("input[name=name]")).to_have_value("李娜")
    expect(page.locator("input[name=consent]")).to_be_checked()

    page.locator("input[name=password]").fill(PASSWORD)
    go(page, check, page.locator(SUBMIT).click)
    expect(page).to_have_url(re.compile(r"/me/profile$"))
    assert_chinese(page)
    expect(page.locator(".flash-success")).to_contain_text("李娜")
    expect(page.locator("nav.bottomnav")).to_be_visible()


def test_sign_in_by_code_forget_and_reset_change_number(
    page_without_js: Page,
    check: Check,
    sms_code: Callable[[str, str], str],
    create_account: Callable[..., None],
) -> None:
    """An older volunteer forgets the password: code sign-in, reset, new phone."""
    create_account(name="刘阿姨", mobile="13912340001", password=PASSWORD)
    page = page_without_js
    page.goto("/login")
    check(page)
    go(page, check, page.locator("main a[href^='/login/code']").click)
    assert_chinese(page)
    prove_number(page, check, sms_code, "139 1234 0001", "sign_in")
    expect(page.locator("h1")).to_contain_text("刘阿姨")
    go(page, check, page.locator("nav.bottomnav a[href='/account']").click)
    go(page, check, page.locator("form[action='/logout'] button").click)

    page.goto("/login")
    check(page)
    go(page, check, page.locator("main a[href='/password/reset']").click)
    prove_number(page, check, sms_code, "13912340001", "reset")
    expect(page).to_have_url(re.compile(r"/password/reset/new$"))
    page.locator("input[name=new]").fill("harbour-lantern-88")
    go(page, check, page.locator(SUBMIT).click)
    expect(page.locator(".flash-success")).to_have_text(CHINESE)

    page.goto("/account")
    check(page)
    go(page, check, page.locator("main a[href='/account/mobile']").click)
    page.locator("input[name=mobile]").fill("13912340002")
    page.locator("input[name=password]").fill("harbour-lantern-88")
    go(page, check, page.locator(SUBMIT).click)
    page.locator("input[name=code]").fill(sms_code("13912340002", "change_number"))
    go(page, check, page.locator(PRIMARY).click)
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator("main")).to_contain_text("139****0002")


def test_login_error_is_generic(
    page: Page, check: Check, create_account: Callable[..., None]
) -> None:
    create_account(name="王芳", mobile="13912345680", password=PASSWORD)
    page.goto("/login")
    check(page)
    assert_chinese(page)

    messages = []
    for mobile, password in [
        ("13912345680", "wrong-password-9"),  # registered, wrong password
        ("13800000000", PASSWORD),  # nobody has this number
    ]:
        log_in(page, check, mobile, password)
        expect(page).to_have_url(re.compile(r"/login$"))
        expect(page.get_by_role("alert")).to_have_text(CHINESE)
        expect(page.locator(".field .error")).to_have_count(0)
        expect(page.locator("input[name=mobile]")).to_have_value(mobile)
        messages.append(page.get_by_role("alert").inner_text())
    assert messages[0] == messages[1]

    switch = page.locator("header form.lang").get_by_role("button", name="English")
    go(page, check, switch.click)
    log_in(page, check, "13800000000", PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(LOGIN_ERROR)
    log_in(page, check, "13912345680", "wrong-password-9")
    expect(page.get_by_role("alert")).to_have_text(LOGIN_ERROR)
