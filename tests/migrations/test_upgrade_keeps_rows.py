"""Upgrading from the previous release's migration head keeps every row.

A database filled by ``flask seed city --scale 0.01`` at the newest migration is
taken back to the one before it (the previous release's head: what a district runs
when it upgrades), its rows are counted and their ids noted table by table, then
it is upgraded again: every table still holds the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade

from hub import create_app
from hub.config import PROJECT_ROOT
from hub.extensions import db
from tests.conftest import TEST_SECRET, drop_database, fresh_database


def _heads() -> tuple[str, str]:
    """(the newest migration, the one before it)."""
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
    head = script.get_revision(script.get_current_head())
    assert isinstance(head.down_revision, str), "the newest migration merges heads"
    return head.revision, head.down_revision


@pytest.fixture
def seeded(tmp_path) -> Iterator[Flask]:  # noqa: ANN001
    url = fresh_database("upgrade_rows_test", str(tmp_path))
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    result = app.test_cli_runner().invoke(
        args=["seed", "city", "--scale", "0.01", "--seed", "11"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


def _rows() -> dict[str, tuple[int, int]]:
    """Per table: (rows, a checksum of their primary keys)."""
    inspector = sa.inspect(db.engine)
    found = {}
    with db.engine.connect() as connection:
        for name in inspector.get_table_names():
            if name == "alembic_version":
                continue
            table = sa.Table(name, sa.MetaData(), autoload_with=connection)
            keys = list(table.primary_key.columns) or list(table.columns)[:1]
            count = connection.scalar(sa.select(sa.func.count()).select_from(table))
            digest = (
                connection.scalar(sa.select(sa.func.coalesce(sa.func.sum(keys[0]), 0)))
                if isinstance(keys[0].type, sa.Integer)
                else 0
            )
            found[name] = (count, int(digest))
    return found


def test_upgrade_from_the_previous_head_keeps_every_row(seeded: Flask) -> None:
    head, previous = _heads()
    downgrade(revision=previous)
    before = _rows()
    assert sum(count for count, _ in before.values()) > 10_000, before
    upgrade()
    after = _rows()
    assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == head
    kept = {name: after.get(name) for name in before}
    assert kept == before
