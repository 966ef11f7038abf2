"""A failed htmx request answers with a toast in place; signing in after an ended
session returns to the page the person was on, never to a POST-only address."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from hub import create_app
from hub.auth import services as auth_services
from hub.extensions import db
from hub.models import Signup
from tests import factories
from tests.conftest import TEST_SECRET

HOST = "http://localhost"


def _hx(page: str | None = None) -> dict[str, str]:
    headers = {"HX-Request": "true"}
    if page is not None:
        headers["HX-Current-URL"] = HOST + page
    return headers


def _toast(response) -> str:  # noqa: ANN001
    """The toast's HTML, checking it is only an out-of-band toast (no page)."""
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'hx-swap-oob="innerHTML:#toasts"' in html
    assert '<div class="toast" role="alert"' in html and "data-toast-close" in html
    return html


def _link(html: str) -> str:
    match = re.search(r'class="toast-action" href="([^"]+)"', html)
    assert match, html
    return unescape(match.group(1))


def _next_of(link: str) -> str | None:
    """Where signing in from ``link`` returns to (None: nowhere in particular)."""
    parts = urlsplit(link)
    assert parts.path == "/login"
    values = parse_qs(parts.query).get("next")
    return values[0] if values else None


def _signups() -> int:
    return db.session.scalar(select(func.count()).select_from(Signup))


def _end_session(client) -> None:  # noqa: ANN001
    """As when the session cookie is gone (expired, cleared): the page is still open
    with its old CSRF token."""
    client.delete_cookie("session")


# An ended session -------------------------------------------------------------------


def test_htmx_sign_up_after_the_session_ended_shows_a_sign_in_toast(
    client, login
) -> None:
    shift = factories.shift()
    login(factories.volunteer())
    _end_session(client)
    page = f"/projects/{shift.project_id}"
    response = client.post(f"/shifts/{shift.id}/signup", headers=_hx(page))
    assert response.status_code == 401
    html = _toast(response)
    assert 'data-toast="session"' in html
    assert _next_of(_link(html)) == page
    assert "/signup" not in _link(html)  # never the POST address
    assert _signups() == 0


def test_htmx_after_logout_elsewhere_gets_the_same_toast(app, client, login) -> None:
    shift = factories.shift()
    me = login(factories.volunteer())
    auth_services.end_all_sessions(me)  # "log out everywhere" from another phone
    db.session.commit()
    page = f"/projects/{shift.project_id}"
    response = client.post(f"/shifts/{shift.id}/signup", headers=_hx(page))
    assert response.status_code == 401
    assert _next_of(_link(_toast(response))) == page
    assert _signups() == 0


@pytest.mark.parametrize(
    "current",
    [
        "https://evil.example/projects/1",  # another site
        "http://localhost/shifts/1/signup",  # a POST-only address
        "http://localhost/no/such/page",
    ],
)
def test_sign_in_link_never_leads_elsewhere_or_to_a_post_address(
    client, login, current
) -> None:
    shift = factories.shift()
    login(factories.volunteer())
    _end_session(client)
    response = client.post(
        f"/shifts/{shift.id}/signup",
        headers={"HX-Request": "true", "HX-Current-URL": current},
    )
    assert _next_of(_link(_toast(response))) is None


def test_htmx_get_after_the_session_ended_keeps_the_page(client) -> None:
    response = client.get("/my/shifts", headers=_hx("/my/shifts?x=1"))
    assert response.status_code == 401
    assert _next_of(_link(_toast(response))) == "/my/shifts?x=1"


def test_plain_form_after_the_session_ended_returns_to_the_form_page(
    client, login
) -> None:
    shift = factories.shift()
    login(factories.volunteer())
    _end_session(client)
    page = f"/projects/{shift.project_id}"
    response = client.post(
        f"/shifts/{shift.id}/signup", headers={"Referer": HOST + page}
    )
    assert response.status_code == 302
    assert _next_of(response.headers["Location"]) == page
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nothing was done" in login_page or "没有办理" in login_page
    assert _signups() == 0


def test_plain_form_without_referer_goes_to_login_without_next(client, login) -> None:
    shift = factories.shift()
    login(factories.volunteer())
    _end_session(client)
    response = client.post(f"/shifts/{shift.id}/signup")
    assert response.headers["Location"] == "/login"


def test_signing_in_from_the_toast_returns_to_the_page_and_nothing_was_done(
    client, login
) -> None:
    shift = factories.shift()
    me = login(factories.volunteer())
    _end_session(client)
    page = f"/projects/{shift.project_id}"
    toast = _toast(client.post(f"/shifts/{shift.id}/signup", headers=_hx(page)))
    link = _link(toast)
    assert client.get(link).status_code == 200
    client._csrf = None  # the login page came with a new session and token
    response = client.post(
        link, data={"mobile": me.mobile, "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == page
    assert _signups() == 0
    # Back on the page, the same tap now signs up.
    response = client.post(f"/shifts/{shift.id}/signup", headers=_hx(page))
    assert response.status_code == 200
    assert _signups() == 1


def test_login_never_follows_next_to_a_post_only_address(client) -> None:
    user = factories.volunteer()
    shift = factories.shift()
    response = client.post(
        f"/login?next=/shifts/{shift.id}/signup",
        data={"mobile": user.mobile, "password": factories.DEFAULT_PASSWORD},
    )
    assert response.headers["Location"] == "/"


# The page had expired (CSRF) -------------------------------------------------------


def test_htmx_with_an_old_token_while_signed_in_says_reload(client, login) -> None:
    shift = factories.shift()
    login(factories.volunteer())
    page = f"/projects/{shift.project_id}"
    response = client.post(
        f"/shifts/{shift.id}/signup",
        headers={**_hx(page), "X-CSRFToken": "old-token"},
        csrf=False,
    )
    assert response.status_code == 400
    html = _toast(response)
    assert 'data-toast="expired"' in html
    assert _link(html) == page
    assert _signups() == 0


def test_anonymous_form_with_an_old_token_is_not_sent_to_log_in(client) -> None:
    # The login page itself is public: its expired form is a reload, not a sign-in.
    response = client.post(
        "/login", data={"mobile": "13800000000", "password": "x"}, csrf=False
    )
    assert response.status_code == 400
    assert "<h1>" in response.get_data(as_text=True)


# Refused, missing, broken --------------------------------------------------------


def test_htmx_forbidden_is_a_toast(client, login) -> None:
    org = factories.submitted_application()
    login(factories.volunteer())
    response = client.post(
        f"/review/filings/{org.id}/approve", headers=_hx("/"), data={"confirm": "yes"}
    )
    assert response.status_code == 403
    assert 'data-toast="forbidden"' in _toast(response)


def test_htmx_not_found_is_a_toast(client, login) -> None:
    login(factories.volunteer())
    response = client.post("/signups/999999/cancel", headers=_hx("/my/shifts"))
    assert response.status_code == 404
    html = _toast(response)
    assert 'data-toast="missing"' in html
    assert _link(html) == "/my/shifts"  # reload the page as it is now


def test_plain_not_found_is_still_a_page(client, login) -> None:
    login(factories.volunteer())
    response = client.post("/signups/999999/cancel")
    assert response.status_code == 404
    assert "<h1>" in response.get_data(as_text=True)


def test_htmx_server_error_is_a_toast(tmp_path) -> None:
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        }
    )

    @app.route("/_boom")
    def _boom() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/_boom", headers=_hx("/"))
    assert response.status_code == 500
    html = _toast(response)
    assert 'data-toast="failed"' in html
    assert "Nothing was saved" in html or "没有保存" in html


# What the page needs for failures the server never sees ------------------------------


def test_every_page_has_the_toast_region_and_offline_message(client) -> None:
    html = client.get("/privacy").get_data(as_text=True)
    assert '<div id="toasts" class="toasts"></div>' in html
    assert '<template id="toast-offline">' in html
    assert '<template id="toast-failed">' in html
    assert "/static/js/toasts" in html
    # 4xx/5xx: out-of-band content (the toast) only; the target is left alone.
    assert '{"code": "[45]..", "swap": true, "swapOverride": "none"' in unescape(html)
