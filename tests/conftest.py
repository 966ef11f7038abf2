"""Shared fixtures: one app per run, a rolled-back transaction per test.

The database is SQLite by default; set HUB_TEST_DATABASE_URL to a PostgreSQL URL to
run the same suite there (``make test`` does both). With CI=true an unreachable
PostgreSQL fails the run instead of skipping it.
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import flask
import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

from hub import create_app
from hub.extensions import db, limiter

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-checks"


def missing(message: str) -> NoReturn:
    """Something a test needs is not on this machine: a failure in CI, where
    every test must run, and a skip elsewhere."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_redis(url: str) -> redis.Redis:
    """A client for the Redis at ``url``, or missing() when it does not answer."""
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as e:
        missing(f"Redis unreachable at {url}: {e}")
    return client


def database_url(tmp_dir: str) -> str:
    """The database the suite runs on (see suite_database for xdist workers)."""
    return os.environ.get("HUB_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/hub.sqlite3"


def require_reachable(url: str) -> None:
    """Fail in CI, skip elsewhere, when a server database cannot be reached."""
    if url.startswith("sqlite"):
        return
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as e:
        message = f"test database {engine.url.render_as_string()} unreachable: {e}"
        missing(message)
    finally:
        engine.dispose()


def worker_name(name: str) -> str:
    """``name`` made this xdist worker's own (test_gw0, test_gw1 …), so workers
    running at once never share a database; unchanged without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{name}_{worker}" if worker else name


def reset_schema(url: str) -> None:
    """Start PostgreSQL from an empty public schema, as a fresh clone would."""
    if not url.startswith("postgresql"):
        return
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _admin(statement: str) -> None:
    """Run CREATE/DROP DATABASE from a connection to the suite's own database."""
    admin = sa.create_engine(
        os.environ["HUB_TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sa.text(statement))
    admin.dispose()


def fresh_database(name: str, tmp_dir: str) -> str:
    """An empty database of the suite's kind for tests that commit or migrate
    (on PostgreSQL named ``name`` plus the xdist worker, see worker_name)."""
    url = os.environ.get("HUB_TEST_DATABASE_URL")
    if not url or url.startswith("sqlite"):
        return f"sqlite:///{tmp_dir}/{name}.sqlite3"
    require_reachable(url)
    name = worker_name(name)
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}")
    return sa.make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database fresh_database made (nothing to do for SQLite files)."""
    if url.startswith("postgresql"):
        _admin(f"DROP DATABASE IF EXISTS {sa.make_url(url).database} WITH (FORCE)")


def suite_database(tmp_dir: str) -> str:
    """An empty database for this process's session: on PostgreSQL under xdist a
    fresh one per worker (test_gw0 …), else the configured one with its schema reset."""
    url = database_url(tmp_dir)
    require_reachable(url)
    if url.startswith("postgresql") and os.environ.get("PYTEST_XDIST_WORKER"):
        return fresh_database(sa.make_url(url).database, tmp_dir)
    reset_schema(url)
    return url


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application on a migrated test database."""
    tmp_dir = tmp_path_factory.mktemp("db")
    url = suite_database(str(tmp_dir))
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": str(tmp_dir / "uploads"),
            "RATELIMIT_STORAGE_URI": "memory://",
            # Factories sign fresh accounts up to many shifts; the limit on new
            # accounts is tested with its real value (tests/web/test_codes.py).
            "NEW_ACCOUNT_SIGNUPS": 1000,
        }
    )
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()
    if url != database_url(str(tmp_dir)):
        drop_database(url)


class ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks engines itself; use the test's connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):  # noqa: ANN001, ANN003, ANN201
        return bind or self.bind or super().get_bind(mapper, clause, bind, **kwargs)


@contextmanager
def rolled_back_session(app: Flask) -> Iterator[tuple[sa.Connection, Any]]:
    """A request context and a session inside one transaction on one connection,
    rolled back at the end: (connection, session). Commits in code release
    savepoints only."""
    with app.test_request_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "bind": connection,
                "class_": ConnectionBoundSession,
                "join_transaction_mode": "create_savepoint",
            }
        )
        limiter.reset()
        try:
            yield connection, db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def db_session(app: Flask) -> Iterator[sa.orm.scoped_session]:
    """A session inside a transaction that is rolled back after the test.

    A request context is pushed too, so services that build links (url_for in
    notifications) work when tests call them directly.
    """
    with rolled_back_session(app) as (_connection, session):
        yield session


class HubClient(FlaskClient):
    """A test client that behaves like a separate browser and sends the CSRF token.

    Each request runs in a fresh ``contextvars`` context, so it gets its own app
    context, ``g`` and session (as in production) even while the test itself holds
    an app context for factories; afterwards the test's session is expired so it
    reads what the request wrote.
    """

    _csrf: str | None = None

    def _fresh(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        def run():  # noqa: ANN202
            response = super(HubClient, self).open(*args, **kwargs)
            # A streamed body (exports, open data) is read here, in the request's
            # own context, as a browser would read it before the next request.
            if response.is_streamed:
                response.make_sequence()
            return response

        response = contextvars.Context().run(run)
        if flask.has_app_context():
            db.session.expire_all()
        return response

    def csrf_token(self) -> str:
        if self._csrf is None:
            page = self._fresh("/privacy").get_data(as_text=True)
            match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
            assert match, "no CSRF token on the page"
            self._csrf = match.group(1)
        return self._csrf

    def open(self, *args, csrf: bool = True, **kwargs):  # noqa: ANN002, ANN003, ANN201
        method = kwargs.get("method", "GET").upper()
        if csrf and method not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        return self._fresh(*args, **kwargs)


@pytest.fixture
def client(app: Flask, db_session) -> FlaskClient:  # noqa: ANN001
    app.test_client_class = HubClient
    return app.test_client()


@pytest.fixture
def login(client: HubClient):  # noqa: ANN201
    """Log the client in as a user (whose password is the factory default)."""
    from tests.factories import DEFAULT_PASSWORD

    def _login(user, password: str = DEFAULT_PASSWORD):  # noqa: ANN001, ANN202
        response = client.post(
            "/login", data={"mobile": user.mobile, "password": password}
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return user

    return _login


def second_device(app: Flask, user, password: str | None = None) -> FlaskClient:  # noqa: ANN001
    """Another browser, logged in as ``user`` with its own session and token."""
    from tests.factories import DEFAULT_PASSWORD

    app.test_client_class = HubClient
    other = app.test_client()
    response = other.post(
        "/login", data={"mobile": user.mobile, "password": password or DEFAULT_PASSWORD}
    )
    assert response.status_code == 303
    return other


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """Playwright's driver, one per process: the browser journeys (tests/e2e) and
    the one through nginx (tests/system/test_proxy.py) share it, as two drivers in
    one process refuse to run. Chromium must be Debian's (never
    ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM

    if not os.access(CHROMIUM, os.X_OK):
        message = (
            f"{CHROMIUM} not found: the browser journeys need Debian's chromium and "
            "fonts-noto-cjk (make browser)"
        )
        missing(message)
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


def pytest_configure(config: pytest.Config) -> None:
    """Watch the whole run for phone numbers in logs and URLs (tests/pii_watch.py)."""
    from tests.pii_watch import PiiWatch

    config.pluginmanager.register(PiiWatch(config), "pii-watch")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup`` a module's postgres_only tests share one worker:
    their module-scoped databases are built once and fixed names never collide."""
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
