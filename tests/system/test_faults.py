"""Faults: a database that cannot be reached, or goes away and comes back."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from hub import create_app
from hub.extensions import db
from tests import factories
from tests.conftest import TEST_SECRET, fresh_database, missing

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


def test_htmx_request_gets_a_503_toast_when_database_unreachable(
    broken_app: Flask,
) -> None:
    client = broken_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:abc"
    response = client.get("/account", headers={"HX-Request": "true"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert 'hx-swap-oob="innerHTML:#toasts"' in html and "<html" not in html


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


class TcpProxy:
    """A TCP relay to the real PostgreSQL that the test can cut and reconnect.

    The machine's PostgreSQL keeps running (others use it): the app reaches it only
    through this relay, and "the database went away" is the relay closing its port
    and every connection through it.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(src, dst), daemon=True
                ).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._cut(src, dst)

    def _cut(self, *sockets: socket.socket) -> None:
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
            with self._lock:
                self._sockets.discard(s)

    def close(self) -> None:
        """Stop listening and cut every connection, as a database restart does."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            live = list(self._sockets)
        self._cut(*live)


@pytest.fixture
def proxied_app(tmp_path) -> Iterator[tuple[Flask, TcpProxy]]:  # noqa: ANN001
    """An app on a fresh PostgreSQL database, reached through a TcpProxy."""
    base = os.environ.get("HUB_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        message = "the outage test needs HUB_TEST_DATABASE_URL=postgresql…"
        missing(message)
    url = sa.make_url(fresh_database("sec_faults", str(tmp_path)))
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.open()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": url.set(
                host="127.0.0.1", port=proxy.port
            ).render_as_string(hide_password=False),
        }
    )
    with app.app_context():
        upgrade()
    yield app, proxy
    proxy.close()
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres_only
def test_app_recovers_by_itself_when_the_database_returns(proxied_app) -> None:  # noqa: ANN001
    app, proxy = proxied_app
    with app.app_context(), app.test_request_context():
        user = factories.volunteer(name="周阿姨")
        db.session.commit()
        login_id = f"{user.id}:{user.session_nonce}"
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = login_id

    def answers() -> tuple[int, int]:
        return client.get("/account").status_code, client.get("/healthz").status_code

    assert answers() == (200, 200)
    assert "周阿姨" in client.get("/account").get_data(as_text=True)

    proxy.close()  # PostgreSQL "goes away": every pooled connection is cut
    for _ in range(2):
        page = client.get("/account")
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "30"
        assert "<h1>" in page.get_data(as_text=True)
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.get_json() == {"status": "degraded", "database": "unavailable"}

    proxy.open()  # ... and comes back, on the same address; the app is not restarted
    assert answers() == (200, 200)
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    assert "周阿姨" in client.get("/account").get_data(as_text=True)


def test_engine_options_keep_pre_ping_and_a_connect_timeout() -> None:
    from hub.db import CONNECT_TIMEOUT, engine_options

    pg = "postgresql+psycopg://u@h/db"
    assert engine_options(pg, {"pool_size": 3}) == {
        "pool_size": 3,
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": CONNECT_TIMEOUT},
    }
    assert engine_options(pg + "?connect_timeout=1", None) == {"pool_pre_ping": True}
    assert engine_options("sqlite:///x.db", {"pool_pre_ping": False}) == {
        "pool_pre_ping": False
    }
