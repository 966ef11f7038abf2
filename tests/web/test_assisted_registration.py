"""Register a resident (协助注册): a community's social worker, on their phone, for
many elders on one Wi-Fi; the account stays the resident's, and who may not."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from hub.auth.policy import can_assist_registration
from hub.extensions import db, limiter
from hub.models import AuditEntry, Consent, Notification, OutboxMessage, User
from hub.models.verification import Purpose
from hub.permissions import Role
from tests import factories
from tests.conftest import second_device
from tests.factories import DEFAULT_PASSWORD
from tests.sms import STRONG_PASSWORD, code_for, sign_in_by_code

RESIDENT = "13955550001"


def _url(community, step: str = "") -> str:  # noqa: ANN001
    return f"/communities/{community.id}/register-resident" + step


def _assist(client, community, mobile: str = RESIDENT, name: str = "李桂英"):  # noqa: ANN001, ANN201
    """Number → the code the resident reads out → name and consent."""
    sent = client.post(_url(community), data={"mobile": mobile})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    proved = client.post(
        _url(community, "/code"), data={"code": code_for(mobile, Purpose.REGISTER)}
    )
    assert proved.status_code == 303, proved.get_data(as_text=True)
    assert proved.headers["Location"] == _url(community, "/details")
    return client.post(_url(community, "/details"), data={"name": name, "consent": "y"})


def _resident(mobile: str = RESIDENT) -> User | None:
    return db.session.scalar(select(User).where(User.mobile == mobile))


def test_social_worker_registers_a_resident_with_the_residents_consent(
    client, login
) -> None:
    community = factories.CommunityFactory()
    worker = login(factories.social_worker(community=community, name="社工小陈"))
    assert client.get(_url(community)).status_code == 200
    response = _assist(client, community)
    assert response.status_code == 303
    assert response.headers["Location"] == _url(community)
    resident = _resident()
    assert resident is not None and resident.name == "李桂英"
    # The resident's own account: no password yet, opened on their own phone.
    assert not resident.active and resident.mobile_verified
    assert resident.roles == {Role.VOLUNTEER}
    consent = db.session.scalar(select(Consent).where(Consent.user_id == resident.id))
    assert consent.assisted_by_id == worker.id and consent.notice == "privacy"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "account.assisted_register")
    )
    assert entry.actor_id == worker.id and entry.object_id == resident.id
    assert entry.street_id == community.street_id
    assert db.session.scalar(
        select(Notification.kind).where(Notification.user_id == resident.id)
    ) == ("account_assisted")
    assert db.session.scalar(
        select(OutboxMessage.template).where(OutboxMessage.user_id == resident.id)
    ) == ("account_created")
    assert "李桂英" in client.get(_url(community)).get_data(as_text=True)  # told
    # The worker is still only themself: the account page names the worker.
    page = client.get("/account").get_data(as_text=True)
    assert "社工小陈" in page and "李桂英" not in page


def test_the_resident_later_signs_in_by_code_and_chooses_a_password(
    app: Flask, client, login
) -> None:
    community = factories.CommunityFactory()
    login(factories.social_worker(community=community))
    _assist(client, community)
    limiter.reset()  # later: not within the number's one code a minute
    phone = app.test_client()
    response = sign_in_by_code(phone, RESIDENT)
    assert response.headers["Location"].endswith("/login/code/activate")
    opened = phone.post(
        "/login/code/activate", data={"password": STRONG_PASSWORD, "consent": "y"}
    )
    assert opened.status_code == 303
    resident = _resident()
    assert resident.active
    fresh = app.test_client()
    signed_in = fresh.post(
        "/login", data={"mobile": RESIDENT, "password": STRONG_PASSWORD}
    )
    assert signed_in.status_code == 303


def test_one_centre_registers_many_without_the_address_limit_or_a_challenge(
    app: Flask, client, login
) -> None:
    from hub.verification import limits

    community = factories.CommunityFactory()
    login(factories.social_worker(community=community))
    # The centre's one address has used up its codes for the hour.
    cap = int(app.config["SMS_ADDRESS_LIMIT"].split()[0])
    for i in range(cap):
        limits.count(f"1371234{i:04d}", "127.0.0.1", "register")
    refused = app.test_client().post("/register", data={"mobile": "13955559999"})
    assert refused.status_code == 422  # registering oneself from here: capped
    for i in range(6):  # past the cap and the picture challenge's threshold
        assert _assist(client, community, f"1395555{i:04d}").status_code == 303
    assisted = select(func.count()).select_from(Consent)
    assert db.session.scalar(assisted.where(Consent.assisted_by_id > 0)) == 6


def test_each_worker_has_a_daily_cap(app: Flask, client, login) -> None:
    community = factories.CommunityFactory()
    login(factories.social_worker(community=community))
    app.config["ASSISTED_CODES_LIMIT"], before = (
        "2 per day",
        app.config["ASSISTED_CODES_LIMIT"],
    )
    try:
        for i in range(2):
            sent = client.post(_url(community), data={"mobile": f"1395555{i:04d}"})
            assert sent.status_code == 303
        refused = client.post(_url(community), data={"mobile": "13955550009"})
    finally:
        app.config["ASSISTED_CODES_LIMIT"] = before
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="mobile-error"' in html and "13955550009" in html


def test_the_numbers_own_limits_still_apply(client, login) -> None:
    community = factories.CommunityFactory()
    login(factories.social_worker(community=community))
    assert client.post(_url(community), data={"mobile": RESIDENT}).status_code == 303
    again = client.post(_url(community), data={"mobile": RESIDENT})
    assert again.status_code == 422  # one code a minute per number


def test_consent_is_required_and_the_name_is_kept(client, login) -> None:
    community = factories.CommunityFactory()
    login(factories.social_worker(community=community))
    client.post(_url(community), data={"mobile": RESIDENT})
    client.post(
        _url(community, "/code"), data={"code": code_for(RESIDENT, Purpose.REGISTER)}
    )
    response = client.post(_url(community, "/details"), data={"name": "王秀兰"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="consent-error"' in html and 'value="王秀兰"' in html
    assert _resident() is None


def test_a_wrong_code_is_refused_beside_the_field(client, login) -> None:
    community = factories.CommunityFactory()
    login(factories.social_worker(community=community))
    client.post(_url(community), data={"mobile": RESIDENT})
    right = code_for(RESIDENT, Purpose.REGISTER)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(_url(community, "/code"), data={"code": wrong})
    assert response.status_code == 422
    assert 'id="code-error"' in response.get_data(as_text=True)
    assert client.get(_url(community, "/details")).status_code == 303


def test_a_registered_number_is_not_registered_again(client, login) -> None:
    taken = factories.volunteer(mobile=RESIDENT)
    community = factories.CommunityFactory()
    login(factories.social_worker(community=community))
    client.post(_url(community), data={"mobile": RESIDENT})
    response = client.post(
        _url(community, "/code"), data={"code": code_for(RESIDENT, Purpose.REGISTER)}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == _url(community)
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.mobile == RESIDENT)
        )
        == 1
    )
    assert taken.active


def test_details_without_a_proved_number_go_back_to_the_start(client, login) -> None:
    community = factories.CommunityFactory()
    login(factories.social_worker(community=community))
    for step in ("/code", "/details"):
        response = client.post(
            _url(community, step), data={"name": "某人", "consent": "y", "code": "1"}
        )
        assert response.status_code == 303
        assert response.headers["Location"] == _url(community)
    assert _resident() is None


def test_a_proof_for_one_community_does_not_serve_another(client, login) -> None:
    community = factories.CommunityFactory()
    other = factories.CommunityFactory(street=community.street)
    worker = factories.social_worker(community=community)
    factories.grant(worker, Role.SOCIAL_WORKER, community=other)
    login(worker)
    client.post(_url(community), data={"mobile": RESIDENT})
    response = client.post(
        _url(other, "/code"), data={"code": code_for(RESIDENT, Purpose.REGISTER)}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == _url(other)


# Who may not ---------------------------------------------------------------------


@pytest.mark.parametrize("step", ["", "/code", "/details"])
def test_a_volunteer_may_not(client, login, step: str) -> None:
    community = factories.CommunityFactory()
    login(factories.volunteer())
    assert client.get(_url(community, step)).status_code == 403
    assert (
        client.post(_url(community, step), data={"mobile": RESIDENT}).status_code == 403
    )


@pytest.mark.parametrize("step", ["", "/code", "/details"])
def test_a_worker_of_another_community_may_not(client, login, step: str) -> None:
    community = factories.CommunityFactory()
    login(factories.social_worker(community=factories.CommunityFactory()))
    assert client.get(_url(community, step)).status_code == 403
    response = client.post(_url(community, step), data={"mobile": RESIDENT})
    assert response.status_code == 403
    assert not db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.mobile == RESIDENT)
    )


def test_reviewers_org_staff_and_admins_may_not(client, login) -> None:
    community = factories.CommunityFactory()
    for person in (
        factories.reviewer(street=community.street),
        factories.admin(),
        factories.owner_of(factories.approved_organization()),
    ):
        login(person)
        assert client.get(_url(community)).status_code == 403
        client.post("/logout")


def test_an_account_that_has_not_proved_its_number_may_not(
    app: Flask, client, login
) -> None:
    community = factories.CommunityFactory()
    worker = factories.social_worker(community=community)
    assert can_assist_registration(worker, community)
    worker.mobile_verified_at = None
    db.session.flush()
    assert not can_assist_registration(worker, community)
    # Signing in asks for the number's code first: no page before that.
    device = second_device(app, worker, DEFAULT_PASSWORD)
    response = device.get(_url(community))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_anonymous_visitor_is_asked_to_log_in(client) -> None:
    community = factories.CommunityFactory()
    response = client.get(_url(community))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_home_offers_it_to_the_communitys_social_worker_only(client, login) -> None:
    community = factories.CommunityFactory()
    login(factories.social_worker(community=community))
    assert _url(community) in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(factories.volunteer())
    assert "register-resident" not in client.get("/").get_data(as_text=True)


def test_the_service_refuses_a_worker_of_another_community_too() -> None:
    from hub.verification import assisted

    community = factories.CommunityFactory()
    stranger = factories.social_worker(community=factories.CommunityFactory())
    with pytest.raises(assisted.NotAssisting):
        assisted.send_resident_code(
            RESIDENT, worker=stranger, community=community, address="127.0.0.1"
        )
    with pytest.raises(assisted.NotAssisting):
        assisted.register_resident(
            name="某人",
            mobile=RESIDENT,
            community=community,
            worker=stranger,
            consent_version="2026-01",
        )
    assert _resident() is None
