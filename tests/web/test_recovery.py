"""Assisted number recovery: a street reviewer asks, a second person decides."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.models import AuditEntry, NumberRecovery, OutboxMessage, Street, User
from hub.models.verification import RecoveryState
from hub.permissions import Role
from hub.sms.templates import SECURITY_ALERT
from tests import factories

NEW = "13712345678"
NEW_TYPED = "137 1234 5678"
REASON = "在街道办事处核对了身份证"


@dataclass
class Street_:
    street: Street
    reviewer: User
    second: User


def _street() -> Street_:
    street = factories.StreetFactory()
    return Street_(
        street,
        factories.reviewer(street=street, name="审核员一", locale="en"),
        factories.reviewer(street=street, name="审核员二", locale="en"),
    )


@pytest.fixture
def a() -> Street_:
    return _street()


@pytest.fixture
def b() -> Street_:
    return _street()


def resident(street: Street, **kwargs) -> User:  # noqa: ANN003
    """A volunteer whose home community is in ``street``."""
    person = factories.volunteer(name="张阿姨", **kwargs)
    community = factories.CommunityFactory(street=street)
    factories.volunteer_profile(person, community=community)
    return person


def ask(client, person: User, new: str = NEW_TYPED, reason: str = REASON):  # noqa: ANN001, ANN201
    return client.post(
        "/review/recoveries/ask",
        data={"mobile": person.mobile, "new_mobile": new, "reason": reason},
    )


def asked(a: Street_, person: User) -> NumberRecovery:
    """A change asked for by street A's first reviewer, through the service."""
    from hub.verification import recovery

    return recovery.request_recovery(
        person, new_mobile=NEW, reason=REASON, by=a.reviewer
    )


def alerts(*numbers: str) -> dict[str, list[str]]:
    """Security alerts queued, by the number they go to: their events."""
    found: dict[str, list[str]] = {n: [] for n in numbers}
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == SECURITY_ALERT)
    ):
        if message.recipient in found:
            found[message.recipient].append(message.params["event"])
    return found


def actions(recovery: NumberRecovery) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(
                AuditEntry.object_type == "number_recovery",
                AuditEntry.object_id == recovery.id,
            )
            .order_by(AuditEntry.id)
        )
    )


# Asking ----------------------------------------------------------------------------


def test_reviewer_finds_a_resident_of_the_street_by_number(client, login, a) -> None:
    person = resident(a.street)
    login(a.reviewer)
    assert client.get("/review/recoveries/new").status_code == 200
    response = client.post("/review/recoveries/new", data={"mobile": person.mobile})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "张阿姨" in html
    assert 'name="new_mobile"' in html
    assert a.street.name in html


def test_asking_makes_a_pending_change_tells_the_old_number_and_is_audited(
    client, login, a
) -> None:
    person = resident(a.street)
    old = person.mobile
    login(a.reviewer)
    response = ask(client, person)
    assert response.status_code == 303
    recovery = db.session.scalar(select(NumberRecovery))
    assert response.headers["Location"].endswith(f"/review/recoveries/{recovery.id}")
    assert recovery.state == RecoveryState.PENDING
    assert (recovery.user_id, recovery.street_id) == (person.id, a.street.id)
    assert (recovery.old_mobile, recovery.new_mobile) == (old, NEW)
    assert recovery.reason == REASON
    assert recovery.requested_by_id == a.reviewer.id
    assert alerts(old, NEW) == {old: ["recovery_requested"], NEW: []}
    assert actions(recovery) == ["recovery.request"]
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "number_recovery",
            AuditEntry.object_id == recovery.id,
        )
    )
    assert (entry.actor_id, entry.street_id, entry.reason) == (
        a.reviewer.id,
        a.street.id,
        REASON,
    )
    assert db.session.get(User, person.id).mobile == old  # not moved yet


def test_a_person_holding_a_role_in_the_street_belongs_to_it(client, login, a) -> None:
    worker = factories.social_worker(factories.CommunityFactory(street=a.street))
    owner = factories.owner_of(factories.approved_organization(street=a.street))
    login(a.reviewer)
    for person in (worker, owner, a.second):
        response = client.post("/review/recoveries/new", data={"mobile": person.mobile})
        assert response.status_code == 200, person
        assert 'name="new_mobile"' in response.get_data(as_text=True)


def test_number_is_never_in_the_url(client, login, a, app) -> None:
    person = resident(a.street)
    login(a.reviewer)
    seen = []
    from flask import request_started

    def remember(sender, **extra):  # noqa: ANN001, ANN003, ANN202
        from flask import request

        seen.append(request.full_path)

    request_started.connect(remember, app)
    try:
        client.post("/review/recoveries/new", data={"mobile": person.mobile})
        ask(client, person)
    finally:
        request_started.disconnect(remember, app)
    assert seen and not any(person.mobile in url or NEW in url for url in seen)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter the number the account uses now."),
        ("12345", "Enter an 11-digit mainland mobile number"),
        ("13600000000", "No account of your street uses this number."),
    ],
)
def test_finding_refuses_bad_or_unknown_numbers_beside_the_field(
    client, login, a, typed, error
) -> None:
    login(a.reviewer)
    response = client.post("/review/recoveries/new", data={"mobile": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="mobile-error"' in html and error in html
    assert f'value="{typed}"' in html


def test_reviewer_cannot_find_an_account_of_another_street(client, login, a, b) -> None:
    person = resident(b.street)
    login(a.reviewer)
    for response in (
        client.post("/review/recoveries/new", data={"mobile": person.mobile}),
        ask(client, person),
    ):
        assert response.status_code == 422
        assert "No account of your street uses this number." in response.get_data(
            as_text=True
        )
    assert db.session.scalar(select(NumberRecovery)) is None


def test_nobody_moves_their_own_account(client, login, a) -> None:
    factories.volunteer_profile(
        a.reviewer, community=factories.CommunityFactory(street=a.street)
    )
    login(a.reviewer)
    response = ask(client, a.reviewer)
    assert response.status_code == 422
    assert "This is your own account" in response.get_data(as_text=True)


def test_reviewer_cannot_move_an_administrators_account(client, login, a) -> None:
    boss = resident(a.street, roles=[Role.VOLUNTEER, Role.ADMIN])
    login(a.reviewer)
    response = ask(client, boss)
    assert response.status_code == 422
    assert "Only an administrator can move" in response.get_data(as_text=True)


def test_admin_may_ask_for_any_street(client, login, b) -> None:
    person = resident(b.street)
    login(factories.admin(locale="en"))
    assert ask(client, person).status_code == 303
    assert db.session.scalar(select(NumberRecovery.street_id)) == b.street.id


def test_admin_cannot_move_an_account_that_belongs_to_no_street(client, login) -> None:
    person = factories.volunteer()
    login(factories.admin(locale="en"))
    response = ask(client, person)
    assert response.status_code == 422
    assert "No account of your street uses this number." in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("new", "reason", "field", "error"),
    [
        ("", REASON, "new_mobile", "Enter the new mobile number."),
        ("1371234", REASON, "new_mobile", "Enter an 11-digit mainland mobile number"),
        (NEW, "", "reason", "Say how you checked who the person is."),
        (NEW, "   ", "reason", "Say how you checked who the person is."),
        (NEW, "x" * 501, "reason", "At most 500 characters."),
    ],
)
def test_asking_refuses_bad_input_and_keeps_what_was_typed(
    client, login, a, new, reason, field, error
) -> None:
    person = resident(a.street)
    login(a.reviewer)
    response = ask(client, person, new=new, reason=reason)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and error in html
    assert "张阿姨" in html  # still step two, for the same person
    assert f'value="{new}"' in html
    if reason.strip():
        assert reason in html
    assert db.session.scalar(select(NumberRecovery)) is None
    assert alerts(person.mobile) == {person.mobile: []}


def test_new_number_held_by_another_account_is_refused(client, login, a) -> None:
    person = resident(a.street)
    other = factories.volunteer()
    login(a.reviewer)
    response = ask(client, person, new=other.mobile)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="new_mobile-error"' in html
    assert "Another account uses this number." in html
    response = ask(client, person, new=person.mobile)
    assert "This is the account&#39;s number already." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(NumberRecovery)) is None


def test_one_waiting_change_per_account_and_per_new_number(client, login, a) -> None:
    person, neighbour = resident(a.street), resident(a.street)
    login(a.reviewer)
    assert ask(client, person).status_code == 303
    response = client.post("/review/recoveries/new", data={"mobile": person.mobile})
    assert response.status_code == 422
    assert "already waiting for a decision" in response.get_data(as_text=True)
    response = ask(client, neighbour)
    assert response.status_code == 422
    assert "Another waiting number change" in response.get_data(as_text=True)


def test_disabled_account_is_not_moved(client, login, a) -> None:
    person = resident(a.street, active=False)
    login(a.reviewer)
    response = client.post("/review/recoveries/new", data={"mobile": person.mobile})
    assert response.status_code == 422
    assert "This account is disabled." in response.get_data(as_text=True)


# Deciding --------------------------------------------------------------------------


def test_second_reviewer_sees_the_new_number_in_full_others_masked(
    client, login, a
) -> None:
    person = resident(a.street)
    recovery = asked(a, person)
    url = f"/review/recoveries/{recovery.id}"
    login(a.reviewer)
    html = client.get(url).get_data(as_text=True)
    assert NEW not in html and "137****5678" in html
    assert person.mobile not in html
    assert "You asked for this change." in html
    assert "/approve" not in html
    client.post("/logout")
    login(a.second)
    html = client.get(url).get_data(as_text=True)
    assert NEW in html and person.mobile not in html
    assert "/approve" in html and "/decline" in html


def test_approval_moves_the_account_tells_both_numbers_and_is_audited(
    client, login, a
) -> None:
    person = resident(a.street)
    old = person.mobile
    recovery = asked(a, person)
    login(a.second)
    response = client.post(
        f"/review/recoveries/{recovery.id}/approve", data={"note": "电话核实"}
    )
    assert response.status_code == 303
    db.session.refresh(recovery)
    moved = db.session.get(User, person.id)
    assert moved.mobile == NEW and moved.mobile_verified
    assert recovery.state == RecoveryState.APPROVED
    assert (recovery.decided_by_id, recovery.decision_note) == (a.second.id, "电话核实")
    assert alerts(old, NEW) == {
        old: ["recovery_requested", "number_changed_away"],
        NEW: ["number_changed_here"],
    }
    assert actions(recovery) == ["recovery.request", "recovery.approve"]
    changed = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "user",
            AuditEntry.object_id == person.id,
            AuditEntry.action == "account.mobile_changed",
        )
    )
    assert changed.actor_id == a.second.id and changed.reason == REASON
    # The person signs in with the new number now, not the old one.
    client.post("/logout")
    signed_in = client.post(
        "/login", data={"mobile": NEW, "password": factories.DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 303


def test_the_one_who_asked_cannot_approve_or_decline(client, login, a) -> None:
    person = resident(a.street)
    recovery = asked(a, person)
    login(a.reviewer)
    base = f"/review/recoveries/{recovery.id}"
    assert client.post(f"{base}/approve", data={}).status_code == 403
    assert client.post(f"{base}/decline", data={"reason": "算了"}).status_code == 403
    db.session.refresh(recovery)
    assert recovery.is_pending
    assert db.session.get(User, person.id).mobile == recovery.old_mobile


def test_the_person_moved_cannot_decide_their_own_change(client, login, a) -> None:
    factories.volunteer_profile(
        a.second, community=factories.CommunityFactory(street=a.street)
    )
    recovery = asked(a, a.second)
    login(a.second)
    response = client.post(f"/review/recoveries/{recovery.id}/approve", data={})
    assert response.status_code == 403


def test_admin_approves_a_change_of_any_street(client, login, b) -> None:
    person = resident(b.street)
    recovery = asked(b, person)
    login(factories.admin(locale="en"))
    assert client.get("/review/recoveries").status_code == 200
    response = client.post(f"/review/recoveries/{recovery.id}/approve", data={})
    assert response.status_code == 303
    assert db.session.get(User, person.id).mobile == NEW


def test_decline_needs_a_reason_and_keeps_the_number(client, login, a) -> None:
    person = resident(a.street)
    old = person.mobile
    recovery = asked(a, person)
    login(a.second)
    url = f"/review/recoveries/{recovery.id}/decline"
    response = client.post(url, data={"reason": "  "})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    response = client.post(url, data={"reason": "本人来电反对"})
    assert response.status_code == 303
    db.session.refresh(recovery)
    assert recovery.state == RecoveryState.DECLINED
    assert recovery.decision_note == "本人来电反对"
    assert db.session.get(User, person.id).mobile == old
    assert actions(recovery) == ["recovery.request", "recovery.decline"]
    assert alerts(old, NEW) == {old: ["recovery_requested"], NEW: []}


def test_approve_note_too_long_is_refused_with_the_text_kept(client, login, a) -> None:
    recovery = asked(a, resident(a.street))
    login(a.second)
    note = "很" * 501
    response = client.post(
        f"/review/recoveries/{recovery.id}/approve", data={"note": note}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="note-error"' in html and note in html
    db.session.refresh(recovery)
    assert recovery.is_pending


def test_a_decided_change_is_not_decided_again(client, login, a) -> None:
    recovery = asked(a, resident(a.street))
    login(a.second)
    base = f"/review/recoveries/{recovery.id}"
    assert client.post(f"{base}/decline", data={"reason": "不对"}).status_code == 303
    response = client.post(f"{base}/approve", data={})
    assert response.status_code == 303
    assert "already decided" in client.get(base).get_data(as_text=True)
    db.session.refresh(recovery)
    assert recovery.state == RecoveryState.DECLINED


def test_approval_refused_when_the_new_number_was_taken_meanwhile(
    client, login, a
) -> None:
    person = resident(a.street)
    recovery = asked(a, person)
    factories.volunteer(mobile=NEW)
    login(a.second)
    response = client.post(f"/review/recoveries/{recovery.id}/approve", data={})
    assert response.status_code == 409
    assert "Another account uses the new number now." in response.get_data(as_text=True)
    db.session.refresh(recovery)
    assert recovery.is_pending
    assert db.session.get(User, person.id).mobile == recovery.old_mobile


# Who sees what ----------------------------------------------------------------------


def test_other_streets_changes_are_hidden(client, login, a, b) -> None:
    recovery = asked(a, resident(a.street))
    login(b.reviewer)
    base = f"/review/recoveries/{recovery.id}"
    assert client.get(base).status_code == 404
    assert client.post(f"{base}/approve", data={}).status_code == 404
    assert client.post(f"{base}/decline", data={"reason": "x"}).status_code == 404
    assert "张阿姨" not in client.get("/review/recoveries").get_data(as_text=True)
    db.session.refresh(recovery)
    assert recovery.is_pending


def test_list_shows_waiting_and_decided_changes_masked(client, login, a) -> None:
    waiting = asked(a, resident(a.street))
    login(a.second)
    html = client.get("/review/recoveries").get_data(as_text=True)
    assert f"/review/recoveries/{waiting.id}" in html
    assert NEW not in html and waiting.old_mobile not in html
    assert "137****5678" in html


@pytest.mark.parametrize(
    "who", ["volunteer", "social_worker", "org_staff"], ids=lambda w: w
)
def test_people_without_the_right_get_403(client, login, a, who) -> None:
    recovery = asked(a, resident(a.street))
    user = {
        "volunteer": factories.volunteer,
        "social_worker": lambda: factories.social_worker(
            factories.CommunityFactory(street=a.street)
        ),
        "org_staff": lambda: factories.org_staff(
            factories.approved_organization(street=a.street)
        ),
    }[who]()
    login(user)
    base = f"/review/recoveries/{recovery.id}"
    assert client.get("/review/recoveries").status_code == 403
    assert client.get("/review/recoveries/new").status_code == 403
    assert client.post("/review/recoveries/new", data={}).status_code == 403
    assert ask(client, resident(a.street)).status_code == 403
    assert client.get(base).status_code == 403
    assert client.post(f"{base}/approve", data={}).status_code == 403
    assert client.post(f"{base}/decline", data={"reason": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, a) -> None:
    recovery = asked(a, resident(a.street))
    for response in (
        client.get("/review/recoveries"),
        client.get(f"/review/recoveries/{recovery.id}"),
        client.post(f"/review/recoveries/{recovery.id}/approve", data={}),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_looking_numbers_up_is_limited_per_reviewer(client, login, a) -> None:
    login(a.reviewer)
    for n in range(30):
        response = client.post("/review/recoveries/new", data={"mobile": f"136{n:08d}"})
        assert response.status_code == 422
    response = client.post("/review/recoveries/new", data={"mobile": "13600000099"})
    assert response.status_code == 429
