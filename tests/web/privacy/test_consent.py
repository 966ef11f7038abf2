"""A new privacy notice version asks everyone again; agreeing is recorded once."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from hub.extensions import db
from hub.models import AuditEntry, Consent, User
from tests import factories

HX = {"HX-Request": "true"}
NEW = "2027-03"


@pytest.fixture
def bump(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[], str]:
    """Publish a new notice version (after the test's people agreed to the old one)."""

    def _bump() -> str:
        monkeypatch.setitem(app.config, "PRIVACY_NOTICE_VERSION", NEW)
        return NEW

    return _bump


@pytest.fixture
def asked(login, bump) -> User:  # noqa: ANN001
    """A volunteer who agreed to the old version, logged in; then a new version."""
    person = login(factories.volunteer())
    bump()
    return person


def _consents(user: User) -> list[str]:
    return list(
        db.session.scalars(
            select(Consent.version)
            .where(Consent.user_id == user.id)
            .order_by(Consent.id)
        )
    )


def test_current_consent_is_not_asked_again(client, login) -> None:
    login(factories.volunteer())
    assert client.get("/account").status_code == 200


def test_new_version_asks_agrees_and_is_not_asked_again(client, login, bump) -> None:
    person = login(factories.volunteer())
    old = _consents(person)[-1]
    assert client.get("/my/shifts").status_code == 200
    bump()

    asked = client.get("/my/shifts")
    assert asked.status_code == 303
    assert asked.headers["Location"] == "/privacy/consent?next=/my/shifts"
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert old in page and NEW in page  # "you agreed to …, what changed in …"
    assert 'action="/privacy/consent"' in page
    assert 'name="next" value="/my/shifts"' in page
    assert 'href="/account/delete"' in page  # the alternative to agreeing

    agreed = client.post("/privacy/consent", data={"next": "/my/shifts"})
    assert agreed.status_code == 303
    assert agreed.headers["Location"] == "/my/shifts"
    assert _consents(person) == [old, NEW]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "consent.give")
    ).one()
    assert entry.actor_id == person.id
    assert entry.object_type == "consent"
    assert entry.data == {"notice": "privacy", "version": NEW}

    assert client.get("/my/shifts").status_code == 200
    assert client.get("/account").status_code == 200
    # Asking for the consent page again just moves on; nothing more is recorded.
    assert client.get("/privacy/consent").status_code == 303
    assert _consents(person) == [old, NEW]


def test_agreement_lasts_across_logins(client, login, asked: User) -> None:
    client.post("/privacy/consent")
    client.post("/logout")
    login(asked)
    assert client.get("/account").status_code == 200


def test_never_agreed_is_asked_too(client, login) -> None:
    login(factories.volunteer(consent=False))
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy/consent?next=/account"
    page = client.get("/privacy/consent").get_data(as_text=True)
    assert 'action="/privacy/consent"' in page


def test_a_form_posted_without_consent_is_not_applied(client, asked: User) -> None:
    response = client.post("/settings/text-size", data={"large_text": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy/consent"
    assert db.session.get(User, asked.id).large_text is False


def test_htmx_and_json_requests_get_hx_redirect(client, asked: User) -> None:
    response = client.get("/notifications", headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/privacy/consent"
    boosted = client.get("/notifications", headers={**HX, "HX-Boosted": "true"})
    # A boosted link is a page visit: it comes back to that page afterwards.
    assert boosted.headers["HX-Redirect"] == "/privacy/consent?next=/notifications"
    api = client.get("/notifications", headers={"Accept": "application/json"})
    assert api.status_code == 403
    assert json.loads(api.get_data())["error"] == "privacy_consent_required"
    assert api.headers["HX-Redirect"] == "/privacy/consent?next=/notifications"


@pytest.mark.parametrize(
    "url", ["/privacy", "/healthz", "/account/delete", "/account/data"]
)
def test_pages_open_without_consent(client, asked: User, url: str) -> None:
    assert client.get(url).status_code == 200


def test_logout_and_static_need_no_consent(client, asked: User) -> None:
    with client.get("/static/css/hub.css") as css:
        assert css.status_code == 200
    response = client.post("/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_visitors_are_not_asked(client, bump) -> None:
    bump()
    assert client.get("/").status_code == 200
    assert client.get("/privacy/consent").status_code == 302  # log in first


def test_consent_page_checks_csrf(client, asked: User) -> None:
    response = client.post("/privacy/consent", csrf=False)
    assert response.status_code == 400
    assert NEW not in _consents(asked)


def test_consent_next_must_stay_on_site(client, asked: User) -> None:
    response = client.post("/privacy/consent", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
