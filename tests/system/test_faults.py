"""Apps built on purpose with a database that cannot be reached."""

from __future__ import annotations

import pytest
from flask import Flask

from hub import create_app
from tests.conftest import TEST_SECRET

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"


@pytest.fixture
def broken_app() -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": UNREACHABLE,
        }
    )


def test_healthz_503_when_database_unreachable(broken_app: Flask) -> None:
    response = broken_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "unavailable"}


def test_pages_answer_friendly_503_when_database_unreachable(broken_app: Flask) -> None:
    client = broken_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:abc"
    response = client.get("/account")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "<h1>" in response.get_data(as_text=True)


def test_unexpected_error_gives_friendly_500_page(tmp_path) -> None:
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        }
    )

    @app.route("/_boom")
    def _boom() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    assert "<h1>" in response.get_data(as_text=True)
