"""Configuration from HUB_* variables; production refuses unsafe settings."""

from __future__ import annotations

import pytest

from hub import create_app
from hub.config import DEFAULT_SECRET_KEY, ConfigurationError, load_config


def test_defaults_use_sqlite_in_instance_and_memory_rate_limits(monkeypatch) -> None:
    for name in ("HUB_DATABASE_URL", "HUB_REDIS_URL", "HUB_ENV", "HUB_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    config = load_config()
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("instance/hub.sqlite3")
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["BABEL_DEFAULT_LOCALE"] == "zh_CN"
    assert config["SESSION_COOKIE_SECURE"] is False


def test_environment_variables_override(monkeypatch) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("HUB_REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("HUB_MAX_CONTENT_LENGTH", "1234")
    config = load_config()
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert config["MAX_CONTENT_LENGTH"] == 1234


def test_production_refuses_default_secret_key(monkeypatch) -> None:
    monkeypatch.setenv("HUB_ENV", "production")
    monkeypatch.delenv("HUB_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app()
    with pytest.raises(ConfigurationError):
        create_app({"SECRET_KEY": DEFAULT_SECRET_KEY})
    with pytest.raises(ConfigurationError):
        create_app({"SECRET_KEY": "short"})


def test_production_with_real_key_starts_with_secure_cookies(
    monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("HUB_ENV", "production")
    monkeypatch.setenv("HUB_SECRET_KEY", "x" * 48)
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/healthz")
    assert "Strict-Transport-Security" in response.headers


def test_create_app_twice_gives_independent_apps(tmp_path) -> None:
    a = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.sqlite3"})
    b = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.sqlite3"})
    assert a is not b
    assert a.config["SQLALCHEMY_DATABASE_URI"] != b.config["SQLALCHEMY_DATABASE_URI"]


def test_redis_rate_limit_storage_when_configured(tmp_path) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.sqlite3",
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "RATELIMIT_STORAGE_URI": None,
        }
    )
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"


@pytest.mark.parametrize("value", ["prod", "Production", "production ", "staging", ""])
def test_an_unknown_environment_refuses_to_start(monkeypatch, value: str) -> None:
    """HUB_ENV=prod once started as development, with the public default secret
    that signs check-in tokens."""
    monkeypatch.setenv("HUB_ENV", value)
    monkeypatch.delenv("HUB_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="HUB_ENV"):
        create_app()


@pytest.mark.parametrize("value", ["development", "testing"])
def test_the_known_environments_start(monkeypatch, value: str) -> None:
    monkeypatch.setenv("HUB_ENV", value)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["ENV"] == value
