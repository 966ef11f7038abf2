"""SMS codes: the rules of a code, the flows that use one, the attacks they stop."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.errors import CodeNotValid
from hub.extensions import db, limiter
from hub.models import AuditEntry, OutboxMessage, User, VerificationCode
from hub.models.base import utcnow
from hub.models.verification import Purpose
from hub.notifications import outbox
from hub.permissions import Role
from hub.verification import challenge, codes, limits
from hub.verification.services import MAX_TRIES, check_code, send_code
from tests import factories
from tests.conftest import second_device
from tests.factories import DEFAULT_PASSWORD
from tests.sms import STRONG_PASSWORD, code_for, code_messages, register

NUMBER = "13912345678"


class Phone:
    """A transport that records what reached each phone."""

    def __init__(self) -> None:
        self.sent = []

    def send(self, message) -> None:  # noqa: ANN001
        self.sent.append(message)


def _deliver() -> Phone:
    phone = Phone()
    outbox.deliver_due(phone)
    return phone


# The code itself ----------------------------------------------------------------
def _send(mobile: str = NUMBER, purpose: Purpose = Purpose.REGISTER, **kw):  # noqa: ANN003, ANN202
    return send_code(mobile, purpose, address="10.9.9.9", **kw)


def test_a_code_is_six_digits_stored_only_as_a_keyed_hash(app) -> None:
    row = _send()
    code = codes.derive(row.nonce)
    assert re.fullmatch(r"\d{6}", code)
    stored = db.session.execute(
        select(VerificationCode.__table__).where(VerificationCode.id == row.id)
    ).one()
    assert code not in " ".join(str(v) for v in stored)
    assert NUMBER not in " ".join(str(v) for v in stored)
    (message,) = code_messages(NUMBER)
    assert message.params == {"verification_id": row.id}
    assert code not in str(message.params)


def test_the_sms_carries_the_code_as_template_parameters() -> None:
    row = _send()
    phone = _deliver()
    (sms,) = phone.sent
    assert (sms.to, sms.template) == (NUMBER, "verification_code")
    assert sms.params == {"action": "注册", "code": codes.derive(row.nonce)}


def test_a_code_is_single_use() -> None:
    row = _send()
    code = codes.derive(row.nonce)
    check_code(NUMBER, Purpose.REGISTER, code)
    with pytest.raises(CodeNotValid):
        check_code(NUMBER, Purpose.REGISTER, code)


def test_a_code_expires_after_five_minutes() -> None:
    row = _send()
    code = codes.derive(row.nonce)
    with pytest.raises(CodeNotValid):
        check_code(
            NUMBER,
            Purpose.REGISTER,
            code,
            now=utcnow() + timedelta(minutes=5, seconds=1),
        )
    assert check_code(
        NUMBER, Purpose.REGISTER, code, now=utcnow() + timedelta(minutes=4)
    )


def test_five_wrong_tries_void_the_code() -> None:
    row = _send()
    right = codes.derive(row.nonce)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    left = []
    for _ in range(MAX_TRIES):
        with pytest.raises(CodeNotValid) as refused:
            check_code(NUMBER, Purpose.REGISTER, wrong)
        left.append(refused.value.tries_left)
    assert left == [4, 3, 2, 1, 0]
    with pytest.raises(CodeNotValid):
        check_code(NUMBER, Purpose.REGISTER, right)


def test_a_code_is_bound_to_its_number_and_purpose() -> None:
    row = _send()
    code = codes.derive(row.nonce)
    with pytest.raises(CodeNotValid):
        check_code("13912345679", Purpose.REGISTER, code)
    with pytest.raises(CodeNotValid):
        check_code(NUMBER, Purpose.RESET, code)
    assert check_code(NUMBER, Purpose.REGISTER, code)


def test_a_new_code_voids_the_one_before() -> None:
    first = _send()
    limiter.reset()  # a minute later, as far as the per-number limit goes
    second = _send()
    with pytest.raises(CodeNotValid):
        check_code(NUMBER, Purpose.REGISTER, codes.derive(first.nonce))
    assert check_code(NUMBER, Purpose.REGISTER, codes.derive(second.nonce))


@pytest.mark.parametrize("typed", ["{}", " {} ", "{0} {1}", "FULL"])
def test_full_width_digits_and_spaces_are_accepted(typed: str) -> None:
    row = _send()
    code = codes.derive(row.nonce)
    if typed == "FULL":
        text = "".join(chr(ord(c) + 0xFEE0) for c in code)
    elif "{0}" in typed:
        text = typed.format(code[:3], code[3:])
    else:
        text = typed.format(code)
    assert check_code(NUMBER, Purpose.REGISTER, text)


def test_a_used_code_is_not_sent_late() -> None:
    """The outbox sends nothing once the code was used or replaced."""
    row = _send()
    check_code(NUMBER, Purpose.REGISTER, codes.derive(row.nonce))
    assert _deliver().sent == []


# Limits against SMS bombing and pumping -------------------------------------------
def test_one_code_a_minute_per_number_with_the_wait_told(client) -> None:
    assert client.post("/register", data={"mobile": NUMBER}).status_code == 303
    again = client.post("/register", data={"mobile": NUMBER})
    assert again.status_code == 422
    assert "秒后" in again.get_data(as_text=True)
    assert len(code_messages(NUMBER)) == 1


def test_five_codes_an_hour_per_number_and_the_longest_wait_is_told(app) -> None:
    for i in range(5):
        limits.count(NUMBER, f"10.0.0.{i}", "register")
    decision = limits.decide(NUMBER, "10.1.1.1", "register", solved=True)
    assert not decision.allowed
    assert 60 < decision.retry_after <= 3600
    other = limits.decide("13912345679", "10.1.1.1", "register", solved=True)
    assert other.allowed


def test_many_codes_from_one_address_ask_a_challenge_first(app, client) -> None:
    after = app.config["SMS_CHALLENGE_AFTER"]
    for i in range(after):
        assert (
            client.post("/register", data={"mobile": f"1391234{i:04d}"}).status_code
            == 303
        )
    asked = client.post("/register", data={"mobile": "13700001111"})
    assert asked.status_code == 422
    html = asked.get_data(as_text=True)
    found = re.search(r"/challenge/([\w-]+)\.png", html)
    assert found and 'value="13700001111"' in html
    assert code_messages("13700001111") == []
    answer = challenge._answer(found.group(1))
    solved = client.post(
        "/register", data={"mobile": "13700001111", "challenge": answer}
    )
    assert solved.status_code == 303
    assert len(code_messages("13700001111")) == 1


# No enumeration -------------------------------------------------------------------
def _flash_and_status(response) -> tuple[int, str]:  # noqa: ANN001
    return response.status_code, response.headers.get("Location", "")


@pytest.mark.parametrize("path", ["/register", "/login/code", "/password/reset"])
def test_asking_for_a_code_answers_the_same_for_any_number(
    app, client, path: str
) -> None:
    factories.volunteer(mobile=NUMBER)
    answers = []
    for mobile in (NUMBER, "13700002222"):
        browser = app.test_client()
        response = browser.post(path, data={"mobile": mobile})
        page = browser.get(response.headers["Location"]).get_data(as_text=True)
        # CSRF tokens and the typed number (in the "send again" form) differ.
        page = re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", page)
        masked = mobile[:3] + "****" + mobile[-4:]
        answers.append((response.status_code, page.replace(masked, "N")))
    assert answers[0] == answers[1]


# Register -------------------------------------------------------------------------
def test_a_stranger_cannot_squat_a_number(client) -> None:
    """Registering needs the code sent to the number: without the phone, no account."""
    assert client.post("/register", data={"mobile": NUMBER}).status_code == 303
    for guess in ("000000", "123456", "999999"):
        client.post("/register/code", data={"code": guess})
    details = client.post(
        "/register/details",
        data={"name": "冒名", "password": STRONG_PASSWORD, "consent": "y"},
    )
    assert details.status_code == 303 and details.headers["Location"].endswith(
        "/register"
    )
    assert db.session.scalar(select(User).where(User.mobile == NUMBER)) is None


def test_proving_a_registered_number_offers_sign_in_or_reset(client) -> None:
    factories.volunteer(mobile=NUMBER)
    client.post("/register", data={"mobile": NUMBER})
    response = client.post(
        "/register/code", data={"code": code_for(NUMBER, Purpose.REGISTER)}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/login/code"' in html and 'href="/password/reset"' in html


def test_a_wrong_code_says_how_many_tries_are_left_and_keeps_nothing_typed(
    client,
) -> None:
    client.post("/register", data={"mobile": NUMBER})
    right = code_for(NUMBER, Purpose.REGISTER)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = client.post("/register/code", data={"code": wrong})
    assert response.status_code == 422
    assert "还可以再试 4 次" in response.get_data(as_text=True)
    short = client.post("/register/code", data={"code": "12"})
    assert short.status_code == 422
    assert "6 位数字" in short.get_data(as_text=True)


def test_codes_never_appear_in_logs_urls_or_the_audit_log(client, caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        response = register(client, NUMBER)
        assert response.status_code == 303
        code = code_for(NUMBER, Purpose.REGISTER)
        _deliver()
    assert code not in caplog.text
    assert all(
        code not in str(e.data) + str(e.reason)
        for e in db.session.scalars(select(AuditEntry))
    )
    assert code not in response.headers.get("Location", "")


# Sign in by code, and the lockout -------------------------------------------------
def test_sign_in_by_code(client) -> None:
    user = factories.volunteer(mobile=NUMBER)
    client.post("/login/code", data={"mobile": NUMBER})
    response = client.post(
        "/login/code/verify", data={"code": code_for(NUMBER, Purpose.SIGN_IN)}
    )
    assert response.status_code == 303
    assert user.name in client.get("/").get_data(as_text=True)


def test_a_number_locked_by_wrong_passwords_still_signs_in_by_code(app, client) -> None:
    """Someone hammering the owner's password must not lock the owner out."""
    user = factories.volunteer(mobile=NUMBER)
    attacker = app.test_client()
    for _ in range(app.config["LOGIN_LOCKOUT_FAILURES"]):
        attacker.post("/login", data={"mobile": NUMBER, "password": "guess-guess-1"})
    locked = client.post(
        "/login", data={"mobile": NUMBER, "password": DEFAULT_PASSWORD}
    )
    assert locked.status_code == 429
    assert "/login/code" in locked.get_data(as_text=True)
    client.post("/login/code", data={"mobile": NUMBER})
    response = client.post(
        "/login/code/verify", data={"code": code_for(NUMBER, Purpose.SIGN_IN)}
    )
    assert response.status_code == 303
    assert user.name in client.get("/").get_data(as_text=True)


def test_an_account_made_before_codes_verifies_once_at_next_sign_in(client) -> None:
    user = factories.volunteer(mobile=NUMBER, mobile_verified_at=None)
    response = client.post(
        "/login", data={"mobile": NUMBER, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login/code/verify")
    assert client.get("/account").status_code == 302  # not signed in yet
    client.post("/login/code/verify", data={"code": code_for(NUMBER, Purpose.SIGN_IN)})
    assert client.get("/account").status_code == 200
    assert db.session.get(User, user.id).mobile_verified


# Reset the password -------------------------------------------------------------
def test_reset_by_code_ends_every_session_tells_the_number_and_is_audited(
    app, client
) -> None:
    user = factories.volunteer(mobile=NUMBER)
    elsewhere = second_device(app, user)
    client.post("/password/reset", data={"mobile": NUMBER})
    client.post("/password/reset/code", data={"code": code_for(NUMBER, Purpose.RESET)})
    response = client.post("/password/reset/new", data={"new": "harbour-lantern-88"})
    assert response.status_code == 303
    assert elsewhere.get("/account").status_code == 302
    assert client.get("/account").status_code == 200
    alert = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.template == "security_alert")
    )
    assert alert.params == {"event": "password_reset"} and alert.recipient == NUMBER
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "account.password_reset")
    )
    fresh = app.test_client()
    assert (
        fresh.post(
            "/login", data={"mobile": NUMBER, "password": "harbour-lantern-88"}
        ).status_code
        == 303
    )


def test_the_new_password_step_needs_a_proved_number(client) -> None:
    factories.volunteer(mobile=NUMBER)
    client.post("/password/reset", data={"mobile": NUMBER})
    response = client.post("/password/reset/new", data={"new": "harbour-lantern-88"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/password/reset")


# Change my number -----------------------------------------------------------------
def test_change_number_needs_the_password_and_a_code_to_the_new_number(
    client, login
) -> None:
    user = login(factories.volunteer(mobile=NUMBER))
    wrong = client.post(
        "/account/mobile", data={"mobile": "13700003333", "password": "not-mine-123"}
    )
    assert wrong.status_code == 422
    assert 'value="13700003333"' in wrong.get_data(as_text=True)
    assert code_messages("13700003333") == []
    sent = client.post(
        "/account/mobile", data={"mobile": "13700003333", "password": DEFAULT_PASSWORD}
    )
    assert sent.status_code == 303
    done = client.post(
        "/account/mobile/code",
        data={"code": code_for("13700003333", Purpose.CHANGE_NUMBER)},
    )
    assert done.status_code == 303
    assert db.session.get(User, user.id).mobile == "13700003333"
    alerts = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "security_alert")
    ).all()
    assert {(a.recipient, a.params["event"]) for a in alerts} == {
        (NUMBER, "number_changed_away"),
        ("13700003333", "number_changed_here"),
    }
    assert client.get("/account").status_code == 200


def test_change_number_to_a_number_another_account_holds_is_refused(
    client, login
) -> None:
    user = login(factories.volunteer(mobile=NUMBER))
    factories.volunteer(mobile="13700004444")
    client.post(
        "/account/mobile", data={"mobile": "13700004444", "password": DEFAULT_PASSWORD}
    )
    client.post(
        "/account/mobile/code",
        data={"code": code_for("13700004444", Purpose.CHANGE_NUMBER)},
    )
    assert db.session.get(User, user.id).mobile == NUMBER


# Attacks --------------------------------------------------------------------------
def test_an_invitation_to_a_number_cannot_be_taken_by_an_unproved_account(
    client, login
) -> None:
    """Invitation hijack: an account that never proved the invited number (made
    before codes, or imported) cannot see or accept the invitation."""
    from hub.organizations import staff

    org = factories.approved_organization()
    owner = factories.owner_of(org)
    invitation = staff.invite_staff(org, mobile=NUMBER, role=Role.ORG_MANAGER, by=owner)
    squatter = factories.volunteer(mobile=NUMBER, mobile_verified_at=None)
    assert staff.invitations_for(squatter) == []
    from hub.errors import NumberNotVerified

    with pytest.raises(NumberNotVerified):
        staff.answer_invitation(invitation, user=squatter, accept=True)
    assert Role.ORG_MANAGER not in db.session.get(User, squatter.id).roles


def test_an_unproved_account_cannot_sign_in_with_an_old_session(
    app, client, login
) -> None:
    user = login(factories.volunteer())
    assert client.get("/account").status_code == 200
    db.session.get(User, user.id).mobile_verified_at = None
    db.session.flush()
    assert client.get("/account").status_code == 302


def test_throwaway_accounts_cannot_fill_a_shift(app, monkeypatch) -> None:  # noqa: ANN001
    """New accounts hold at most NEW_ACCOUNT_SIGNUPS upcoming places until they
    have attended once; organizers see them marked "new"."""
    from hub.config import ENV_VARS
    from hub.models.shifts import SignupState
    from hub.shifts import services as shift_services

    default = next(d for _e, key, d, _t in ENV_VARS if key == "NEW_ACCOUNT_SIGNUPS")
    monkeypatch.setitem(app.config, "NEW_ACCOUNT_SIGNUPS", default)
    limit = default
    assert limit == 3
    project = factories.recruiting_project()
    shifts = [
        factories.shift(project, capacity=5, hours_from_now=48 + 24 * i)
        for i in range(limit + 2)
    ]
    newcomer = factories.volunteer()
    for shift in shifts[:limit]:
        shift_services.sign_up(shift, user=newcomer)
    with pytest.raises(shift_services.NewAccountLimit):
        shift_services.sign_up(shifts[limit], user=newcomer)

    veteran = factories.volunteer()
    served = shift_services.sign_up(shifts[-1], user=veteran)
    served.state = SignupState.ATTENDED  # as the check-in records it
    db.session.flush()
    for shift in shifts[:-1]:
        shift_services.sign_up(shift, user=veteran)
    assert shift_services.newcomers([newcomer.id, veteran.id]) == {newcomer.id}


def test_sms_never_carry_what_a_user_wrote(client, login) -> None:
    """A resident's need text, a link, an organizer's message: none leaves by SMS."""
    user = factories.volunteer()
    from hub.notifications.services import notify

    notify(
        user,
        "shift_message",
        params={"project": "x", "when": "y", "text": "点击 http://evil.example 领奖"},
    )
    (sms,) = _deliver().sent
    assert sms.template == "notice"
    assert "evil" not in str(sms.params)


def test_an_imported_account_opens_with_a_code_unless_disabled(client) -> None:
    """Imported people are told by SMS to log in with a code and choose a password;
    an account an administrator disabled first stays closed."""
    from hub.auth import services as accounts
    from hub.imports.services import UNUSABLE_PASSWORD

    person = factories.volunteer(
        mobile=NUMBER, active=False, password_hash=UNUSABLE_PASSWORD
    )
    client.post("/login/code", data={"mobile": NUMBER})
    code = code_for(NUMBER, Purpose.SIGN_IN)
    response = client.post("/login/code/verify", data={"code": code})
    assert response.headers["Location"].endswith("/login/code/activate")
    opened = client.post(
        "/login/code/activate", data={"password": STRONG_PASSWORD, "consent": "y"}
    )
    assert opened.status_code == 303
    assert db.session.get(User, person.id).active

    closed = factories.volunteer(
        mobile="13700006666", active=False, password_hash=UNUSABLE_PASSWORD
    )
    accounts.set_active(closed, False)
    db.session.flush()
    other = client.application.test_client()
    other.post("/login/code", data={"mobile": "13700006666"})
    assert code_messages("13700006666") == []  # nothing to open: no code is sent
