"""Outbox delivery with several workers at once, on PostgreSQL with real connections."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from hub import create_app
from hub.extensions import db
from hub.notifications import outbox, services
from hub.sms.transports import SmsMessage
from tests.conftest import TEST_SECRET, missing

pytestmark = pytest.mark.postgres_only

WORKERS = 4
MESSAGES = 40
DATABASE = "hub_outbox_concurrency_test"


def _admin(base_url: str) -> sa.Engine:
    url = make_url(base_url).set(database="postgres")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def _fresh_database(base_url: str) -> str:
    """An empty database of our own next to the suite's, so runs do not collide."""
    admin = _admin(base_url)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return make_url(base_url).set(database=DATABASE).render_as_string(False)


def _drop_database(base_url: str) -> None:
    admin = _admin(base_url)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}"'))
    admin.dispose()


@pytest.fixture(scope="module")
def pg_app() -> Iterator[Flask]:
    base = os.environ.get("HUB_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        message = "postgres_only tests need HUB_TEST_DATABASE_URL=postgresql…"
        missing(message)
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": _fresh_database(base),
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": WORKERS + 2, "max_overflow": 0},
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _drop_database(base)


class SharedTransport:
    """Every worker's sends in one list; slow enough for workers to overlap."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.lock = threading.Lock()

    def send(self, message: SmsMessage) -> None:
        time.sleep(0.005)
        with self.lock:
            self.keys.append(message.idempotency_key)


def test_concurrent_workers_send_every_message_exactly_once(pg_app: Flask) -> None:
    from tests import factories

    with pg_app.app_context():
        for _ in range(MESSAGES):
            services.notify(
                factories.volunteer(), "staff_removed", params={"organization": "X"}
            )
        db.session.commit()

    transport = SharedTransport()
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def work() -> None:
        with pg_app.app_context():
            try:
                barrier.wait()
                outbox.deliver_due(transport, batch_size=3)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(transport.keys) == MESSAGES
    assert len(set(transport.keys)) == MESSAGES
