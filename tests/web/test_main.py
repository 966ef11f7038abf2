"""Home, health check, headers, languages, larger text and error pages."""

from __future__ import annotations

import re

import pytest

from hub.extensions import db
from hub.models import User
from tests import factories


def test_healthz_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_security_headers_forbid_inline_script_style_and_eval(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_pages_have_no_inline_script_or_style(client, login) -> None:
    login(factories.admin())
    for url in ["/", "/account", "/admin/places", "/admin/users", "/privacy"]:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"<[^>]*\son[a-z]+=", html), url


def test_session_cookie_is_httponly_and_samesite(client) -> None:
    factories.volunteer(mobile="13911112222")
    response = client.post(
        "/login", data={"mobile": "13911112222", "password": factories.DEFAULT_PASSWORD}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_chinese_is_the_default_and_really_renders(client) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-Hans-CN">' in html
    assert "登录" in html
    assert "Log in" not in html


def test_language_switch_to_english_and_back(client) -> None:
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log in" in html
    client.post("/language", data={"locale": "zh_CN"})
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_language_is_remembered_on_the_account(app, client, login) -> None:
    user = login(factories.volunteer())
    client.post("/language", data={"locale": "en"})
    assert db.session.get(User, user.id).locale == "en"
    other = app.test_client()
    other.post(
        "/login", data={"mobile": user.mobile, "password": factories.DEFAULT_PASSWORD}
    )
    assert '<html lang="en">' in other.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client) -> None:
    client.post("/language", data={"locale": "xx"})
    assert '<html lang="zh-Hans-CN">' in client.get("/").get_data(as_text=True)


def test_larger_text_is_remembered_per_account(client, login) -> None:
    user = login(factories.volunteer())
    assert 'class="text-large' not in client.get("/").get_data(as_text=True)
    response = client.post("/settings/text-size", data={"large_text": "1"})
    assert response.status_code == 303
    assert db.session.get(User, user.id).large_text is True
    assert 'class="text-large' in client.get("/").get_data(as_text=True)
    client.post("/settings/text-size", data={"large_text": "0"})
    assert 'class="text-large' not in client.get("/").get_data(as_text=True)


def test_home_for_visitor_offers_register_and_login(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'href="/register"' in html and 'href="/login"' in html


def test_home_shows_admin_their_next_actions(client, login) -> None:
    login(factories.admin())
    html = client.get("/").get_data(as_text=True)
    assert 'href="/admin/places"' in html
    assert 'href="/admin/users"' in html


def test_home_for_volunteer_has_no_admin_actions(client, login) -> None:
    login(factories.volunteer())
    html = client.get("/").get_data(as_text=True)
    assert "/admin/" not in html
    assert 'href="/account"' in html


def test_bottom_navigation_is_per_role(client, login) -> None:
    login(factories.volunteer())
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="bottomnav".*?</nav>', html, re.S)
    assert nav and "/admin/places" not in nav.group(0)
    assert nav.group(0).count("<a ") <= 5


def test_404_and_403_pages_are_friendly(client, login) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<h1>" in response.get_data(as_text=True)
    login(factories.volunteer())
    response = client.get("/admin/places")
    assert response.status_code == 403
    assert 'href="/"' in response.get_data(as_text=True)


def test_request_body_size_is_limited(app) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] <= 10 * 1024 * 1024


@pytest.mark.parametrize("url", ["/", "/login", "/register", "/privacy"])
def test_public_pages_render_in_english_too(client, url) -> None:
    client.post("/language", data={"locale": "en"})
    html = client.get(url).get_data(as_text=True)
    # The only Chinese left is the name of the language to switch back to.
    assert not re.search(r"[\u4e00-\u9fff]", html.replace("中文", "")), url


def test_top_bar_offers_only_the_other_language(client) -> None:
    html = client.get("/login").get_data(as_text=True)
    switch = re.search(r'<form class="lang".*?</form>', html, re.S).group(0)
    assert 'value="en"' in switch and 'value="zh_CN"' not in switch
    client.post("/language", data={"locale": "en"})
    html = client.get("/login").get_data(as_text=True)
    switch = re.search(r'<form class="lang".*?</form>', html, re.S).group(0)
    assert 'value="zh_CN"' in switch and 'value="en"' not in switch


def test_staff_see_their_work_before_volunteering_suggestions(client, login) -> None:
    """A reviewer's home leads with the reviews; a volunteer's with what suits them."""
    login(factories.reviewer())
    html = client.get("/").get_data(as_text=True)
    assert 'id="for-you"' in html
    assert html.index("<h2>您可以办理</h2>") < html.index('id="for-you"')
    client.post("/logout")
    login(factories.volunteer())
    html = client.get("/").get_data(as_text=True)
    assert html.index('id="for-you"') < html.index("<h2>您可以办理</h2>")
