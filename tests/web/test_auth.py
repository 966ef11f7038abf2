"""Registration, login, sessions and passwords."""

from __future__ import annotations

import re

from sqlalchemy import select

from hub.extensions import db
from hub.models import Consent, User
from hub.models.verification import Purpose
from hub.permissions import Role
from hub.verification import challenge
from tests import factories
from tests.conftest import second_device
from tests.factories import DEFAULT_PASSWORD
from tests.sms import STRONG_PASSWORD, code_for

GOOD = {"name": "张伟", "password": STRONG_PASSWORD, "consent": "y"}


def _proved(client, mobile: str = "13912345678"):  # noqa: ANN001, ANN202
    """Steps 1 and 2 of registering: the number is proved."""
    assert client.post("/register", data={"mobile": mobile}).status_code == 303
    code = code_for("13912345678", Purpose.REGISTER)
    assert client.post("/register/code", data={"code": code}).status_code == 303


def _register(client, mobile: str = "13912345678", **changes):  # noqa: ANN001, ANN003, ANN202
    _proved(client, mobile)
    return client.post("/register/details", data={**GOOD, **changes})


def _error_beside(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error beside {field}"
    return match.group(1)


def test_register_creates_verified_volunteer_with_consent(app, client) -> None:
    response = _register(client)
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.mobile == "13912345678"))
    assert user.name == "张伟"
    assert user.roles == {Role.VOLUNTEER}
    assert user.password_hash.startswith("$argon2id$")
    assert user.mobile_verified
    consent = db.session.scalar(select(Consent).where(Consent.user_id == user.id))
    assert consent.version == app.config["PRIVACY_NOTICE_VERSION"]
    assert consent.given_at is not None
    assert "张伟" in client.get("/").get_data(as_text=True)


def test_register_accepts_plus86_dashes_and_fullwidth_digits(client) -> None:
    assert _register(client, mobile="+86 139-1234-5678").status_code == 303
    assert db.session.scalar(select(User.mobile)) == "13912345678"


def test_register_accepts_fullwidth_digits(client) -> None:
    assert _register(client, mobile="１３９１２３４５６７８").status_code == 303


def test_register_bad_number_error_beside_field_and_input_kept(client) -> None:
    response = client.post("/register", data={"mobile": "12345"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "11" in _error_beside(html, "mobile")
    assert 'value="12345"' in html
    assert db.session.scalar(select(User)) is None


def test_register_details_need_a_proved_number(client) -> None:
    response = client.post("/register/details", data=GOOD)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/register")
    assert db.session.scalar(select(User)) is None


def test_register_short_password_refused_and_name_kept(client) -> None:
    response = _register(client, password="abc12")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "8" in _error_beside(html, "password")
    assert 'value="张伟"' in html


def test_register_common_password_refused(client) -> None:
    html = _register(client, password="password1").get_data(as_text=True)
    assert _error_beside(html, "password")
    assert db.session.scalar(select(User)) is None


def test_register_requires_privacy_consent(client) -> None:
    _proved(client)
    data = {k: v for k, v in GOOD.items() if k != "consent"}
    response = client.post("/register/details", data=data)
    assert response.status_code == 422
    assert _error_beside(response.get_data(as_text=True), "consent")


def test_login_and_logout(client) -> None:
    user = factories.volunteer()
    response = client.post(
        "/login", data={"mobile": user.mobile, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 303
    assert client.get("/account").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/account").status_code == 302


def test_login_error_does_not_tell_whether_number_exists(client) -> None:
    user = factories.volunteer()
    wrong_password = client.post(
        "/login", data={"mobile": user.mobile, "password": "wrong-password-1"}
    )
    unknown_number = client.post(
        "/login", data={"mobile": "13700000000", "password": "wrong-password-1"}
    )
    assert wrong_password.status_code == unknown_number.status_code == 422

    def alert(response) -> str:  # noqa: ANN001
        html = response.get_data(as_text=True)
        return re.search(r'role="alert">(.*?)</div>', html, re.S).group(1)

    assert alert(wrong_password) == alert(unknown_number)


def test_login_follows_safe_next_only(client) -> None:
    user = factories.volunteer()
    data = {"mobile": user.mobile, "password": DEFAULT_PASSWORD}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/account", data=data)
    assert response.headers["Location"] == "/account"


def test_disabled_account_cannot_log_in(client) -> None:
    user = factories.volunteer(active=False)
    response = client.post(
        "/login", data={"mobile": user.mobile, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 422


def test_login_rate_limited_per_number(app, client, monkeypatch) -> None:
    # The lockout (tests/web/test_limits.py) would refuse first: count limits alone.
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_FAILURES", 1000)
    user = factories.volunteer()
    limit = int(app.config["LOGIN_LIMIT"].split()[0])
    for i in range(limit):
        # Different addresses, same number: the per-number limit still counts.
        response = client.post(
            "/login",
            data={"mobile": user.mobile, "password": "wrong-password-1"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"},
        )
        assert response.status_code == 422
    response = client.post(
        "/login",
        data={"mobile": user.mobile, "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert response.status_code == 429
    assert response.headers["Retry-After"]


def _challenge_id(response) -> str:  # noqa: ANN001
    found = re.search(r"/challenge/([\w-]+)\.png", response.get_data(as_text=True))
    assert found, "no challenge on the page"
    return found.group(1)


def test_many_failures_from_one_address_ask_a_challenge_but_never_block(
    app, client
) -> None:
    """A community centre's Wi-Fi: strangers' wrong passwords do not lock out the
    next person, who copies the picture and gets in."""
    limit = int(app.config["LOGIN_LIMIT"].split()[0])
    for i in range(limit):
        client.post(
            "/login", data={"mobile": f"1370000{i:04d}", "password": "wrong-password-1"}
        )
    user = factories.volunteer()
    good = {"mobile": user.mobile, "password": DEFAULT_PASSWORD}
    asked = client.post("/login", data=good)
    assert asked.status_code == 422
    challenge_id = _challenge_id(asked)
    assert client.get(f"/challenge/{challenge_id}.png").mimetype == "image/png"
    wrong = client.post("/login", data={**good, "challenge": "wrong"})
    assert wrong.status_code == 422
    # Each answer uses the picture up: the page shows a new one.
    challenge_id = _challenge_id(wrong)
    answer = challenge._answer(challenge_id)
    response = client.post("/login", data={**good, "challenge": f" {answer} "})
    assert response.status_code == 303


def test_remember_me_sets_long_lived_cookie(client) -> None:
    user = factories.volunteer()
    client.post(
        "/login",
        data={"mobile": user.mobile, "password": DEFAULT_PASSWORD, "remember": "y"},
    )
    assert client.get_cookie("remember_token") is not None


def test_change_password_ends_other_sessions_but_keeps_this_one(
    app, client, login
) -> None:
    user = login(factories.volunteer())
    other = second_device(app, user)
    assert other.get("/account").status_code == 200

    response = client.post(
        "/account/password",
        data={"current": DEFAULT_PASSWORD, "new": "new-harbour-77"},
    )
    assert response.status_code == 303
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_change_password_wrong_current_refused(client, login) -> None:
    login(factories.volunteer())
    response = client.post(
        "/account/password", data={"current": "not-it-at-all", "new": "new-harbour-77"}
    )
    assert response.status_code == 422
    assert _error_beside(response.get_data(as_text=True), "current")


def test_disabling_account_ends_its_sessions(app, client, login) -> None:
    target = factories.volunteer()
    other = second_device(app, target)
    assert other.get("/account").status_code == 200

    login(factories.admin())
    response = client.post(f"/admin/users/{target.id}/active", data={"active": "0"})
    assert response.status_code == 303
    assert other.get("/account").status_code == 302
