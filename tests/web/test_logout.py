"""Logging out ends the session on the server: a copied cookie stops working."""

from __future__ import annotations

from hub.extensions import db
from hub.models import User
from tests import factories
from tests.conftest import second_device
from tests.factories import DEFAULT_PASSWORD


def _copy_cookies(source, target) -> None:  # noqa: ANN001
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def test_copied_session_cookie_is_dead_after_logout(app, client, login) -> None:
    user = login(factories.volunteer())
    thief = app.test_client()
    _copy_cookies(client, thief)
    assert thief.get("/account").status_code == 200

    assert client.post("/logout").status_code == 303
    assert client.get("/account").status_code == 302
    assert thief.get("/account").status_code == 302
    assert db.session.get(User, user.id).session_nonce


def test_copied_remember_cookie_is_dead_after_logout(app, client) -> None:
    user = factories.volunteer()
    client.post(
        "/login",
        data={"mobile": user.mobile, "password": DEFAULT_PASSWORD, "remember": "y"},
    )
    assert client.get_cookie("remember_token") is not None
    thief = app.test_client()
    thief.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert thief.get("/account").status_code == 200

    client.post("/logout")
    assert thief.get("/account").status_code == 302
    other = app.test_client()
    other.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    assert other.get("/account").status_code == 302


def test_logout_ends_the_accounts_other_sessions(app, client, login) -> None:
    user = login(factories.volunteer())
    phone = second_device(app, user)
    client.post("/logout")
    assert phone.get("/account").status_code == 302


def test_logout_when_not_logged_in_is_harmless(client) -> None:
    assert client.post("/logout").status_code == 303
