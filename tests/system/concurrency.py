"""Real parallel connections on PostgreSQL: one migrated database, racing threads."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade

from hub import create_app
from hub.extensions import db
from tests.conftest import TEST_SECRET, fresh_database

THREADS = 8


def postgres_app(
    name: str, tmp_dir: str, *, pool: int = THREADS + 2
) -> Iterator[Flask]:
    """An app on a fresh PostgreSQL database with a pool big enough for the race."""
    if not os.environ.get("HUB_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.fail("postgres_only tests need HUB_TEST_DATABASE_URL=postgresql…")
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": fresh_database(name, tmp_dir),
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": pool, "max_overflow": 0},
            # The races sign the same fresh accounts up to many shifts; the limit
            # on new accounts is tested in tests/web/test_codes.py.
            "NEW_ACCOUNT_SIGNUPS": 1000,
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def race(app: Flask, jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run each job in its own thread, app context and connection, all at once."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        with app.app_context(), app.test_request_context():
            barrier.wait()
            try:
                results[i] = job()
                db.session.commit()
            except Exception as e:  # noqa: BLE001 - the outcome is what we compare
                db.session.rollback()
                results[i] = e
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results
