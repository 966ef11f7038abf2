"""Download my data: password again, a JSON attachment, rate-limited, audited."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from hub.extensions import db
from hub.models import AuditEntry
from tests import factories
from tests.factories import DEFAULT_PASSWORD
from tests.web.privacy.world import MOBILE, NAME, full_life


def test_account_page_links_to_download_and_delete(client, login) -> None:
    login(factories.volunteer())
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/data"' in page
    assert 'href="/account/delete"' in page


def test_page_asks_for_the_password(client, login) -> None:
    login(factories.volunteer())
    response = client.get("/account/data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'type="password"' in page and 'action="/account/data"' in page


def test_right_password_downloads_everything_as_json(client, login) -> None:
    life = full_life()
    login(life.person)
    response = client.post("/account/data", data={"password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".json" in disposition
    assert MOBILE not in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["sections"]["users"]["name"] == NAME
    assert "password_hash" not in data["sections"]["users"]
    assert data["sections"]["hour_records"][0]["id"] == life.record.id
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "account.data_download")
    ).one()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        life.person.id,
        "user",
        life.person.id,
    )


def test_wrong_password_is_422_and_gives_nothing(client, login) -> None:
    person = login(factories.volunteer(name=NAME))
    response = client.post("/account/data", data={"password": "not-my-password"})
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'class="error"' in page
    assert person.mobile not in page
    empty = client.post("/account/data", data={"password": ""})
    assert empty.status_code == 422


def test_password_guessing_is_rate_limited(
    app: Flask, client, login, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "PRIVACY_PASSWORD_LIMIT", "3 per hour")
    login(factories.volunteer())
    for _ in range(3):
        assert client.post("/account/data", data={"password": "x"}).status_code == 422
    limited = client.post("/account/data", data={"password": DEFAULT_PASSWORD})
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    # Deleting the account shares the same count.
    assert client.post("/account/delete", data={"password": "x"}).status_code == 429
    # Other people are not affected.
    client.post("/logout")
    login(factories.volunteer())
    ok = client.post("/account/data", data={"password": DEFAULT_PASSWORD})
    assert ok.status_code == 200


def test_visitors_are_sent_to_log_in(client) -> None:
    assert client.get("/account/data").status_code == 302
    response = client.post("/account/data", data={"password": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_download_needs_csrf(client, login) -> None:
    login(factories.volunteer())
    response = client.post(
        "/account/data", data={"password": DEFAULT_PASSWORD}, csrf=False
    )
    assert response.status_code == 400
