"""`flask admin create`: the first administrator of a new server."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from hub import create_app
from hub.auth import services as accounts
from hub.extensions import db
from hub.models import AuditEntry, User
from hub.permissions import Role
from tests.conftest import TEST_SECRET

NUMBER = "13700000071"


@pytest.fixture
def fresh(tmp_path: Path, request: pytest.FixtureRequest) -> Flask:
    watch = request.config.pluginmanager.get_plugin("pii-watch")
    if watch is not None:
        watch.ignore(NUMBER)
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'admin.sqlite3'}",
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _run(app: Flask, *args: str):  # noqa: ANN202
    return app.test_cli_runner().invoke(args=["admin", "create", *args])


def test_creates_the_first_administrator(fresh: Flask) -> None:
    result = _run(
        fresh,
        "--mobile",
        "137 0000 0071",
        "--name",
        "王主任",
        "--password",
        "district-admin-2026",
    )
    assert result.exit_code == 0, result.output
    assert "137****0071" in result.output and NUMBER not in result.output
    with fresh.app_context():
        user = accounts.authenticate(NUMBER, "district-admin-2026")
        assert user is not None
        assert Role.ADMIN in user.roles
        assert user.mobile_verified_at is not None
        assert db.session.query(AuditEntry).count() >= 1


def test_promotes_an_existing_account_keeping_its_password(fresh: Flask) -> None:
    assert (
        _run(
            fresh,
            "--mobile",
            NUMBER,
            "--name",
            "王主任",
            "--password",
            "district-admin-2026",
        ).exit_code
        == 0
    )
    again = _run(
        fresh,
        "--mobile",
        NUMBER,
        "--name",
        "王主任",
        "--password",
        "another-password-2026",
    )
    assert again.exit_code == 0 and "promoted" in again.output
    with fresh.app_context():
        assert accounts.authenticate(NUMBER, "district-admin-2026") is not None
        assert db.session.query(User).count() == 1


@pytest.mark.parametrize(
    ("mobile", "password", "message"),
    [
        ("12345", "district-admin-2026", "not a mainland mobile number"),
        (NUMBER, "short", "at least"),
        (NUMBER, "password123", "at least"),
    ],
)
def test_refuses_bad_input_and_changes_nothing(
    fresh: Flask, mobile: str, password: str, message: str
) -> None:
    result = _run(fresh, "--mobile", mobile, "--name", "王主任", "--password", password)
    assert result.exit_code != 0
    assert message in result.output
    with fresh.app_context():
        assert db.session.query(User).count() == 0
