"""Backups: `flask backup`/`flask restore` on SQLite, pg_dump/pg_restore on PostgreSQL.

Each round trip seeds the demo data, backs it up, changes and wipes things,
restores, and compares every table row by row with what was backed up.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from hub import create_app
from hub.extensions import db
from hub.ops.backup import BackupError, expected_revision, sqlite_file
from tests.conftest import TEST_SECRET, fresh_database, missing


def _app(url: str) -> Flask:
    # TESTING: cheap password hashes for the demo's accounts (the backup is the same).
    return create_app(
        {"SECRET_KEY": TEST_SECRET, "SQLALCHEMY_DATABASE_URI": url, "TESTING": True}
    )


def table_contents(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every table's rows, ordered by primary key (or by every column)."""
    metadata = sa.MetaData()
    metadata.reflect(engine)
    contents: dict[str, list[tuple]] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(sa.select(table).order_by(*order))
            contents[name] = [tuple(row) for row in rows]
    return contents


def _seed(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output


def _mess_up(app: Flask) -> None:
    """Change, add and wipe rows the way a bad day would."""
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE streets SET name = name || '（改）'")
        connection.exec_driver_sql("DELETE FROM outbox_messages")
        connection.exec_driver_sql("DELETE FROM notifications")
        connection.exec_driver_sql(
            "UPDATE users SET name = 'someone else' WHERE mobile = '13800000005'"
        )


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with the demo data, made once and copied."""
    path = tmp_path_factory.mktemp("seeded") / "hub.sqlite3"
    app = _app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
    _seed(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def sqlite_app(seeded_file: Path, tmp_path: Path) -> Iterator[Flask]:
    live = tmp_path / "live.sqlite3"
    shutil.copyfile(seeded_file, live)
    app = _app(f"sqlite:///{live}")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _run(app: Flask, *args: str):  # noqa: ANN202
    return app.test_cli_runner().invoke(args=list(args))


@pytest.mark.sqlite_file
def test_sqlite_round_trip_restores_every_row(sqlite_app: Flask, tmp_path) -> None:  # noqa: ANN001
    with sqlite_app.app_context():
        before = table_contents(db.engine)
        assert before["users"] and before["audit_entries"] and before["streets"]
    backup = tmp_path / "backups" / "hub-1.sqlite3"

    result = _run(sqlite_app, "backup", str(backup))
    assert result.exit_code == 0, result.output
    assert "migration " + expected_revision() in result.output
    assert backup.is_file()
    assert not backup.with_name(backup.name + ".part").exists()

    _mess_up(sqlite_app)
    with sqlite_app.app_context():
        messed = table_contents(db.engine)
        assert messed != before
        # The running app holds a pooled connection across the restore.
        assert db.session.scalar(sa.text("SELECT count(*) FROM notifications")) == 0

        result = _run(sqlite_app, "restore", str(backup), "--yes")
        assert result.exit_code == 0, result.output

        assert table_contents(db.engine) == before
        db.session.remove()
        restored = db.session.scalar(sa.text("SELECT count(*) FROM notifications"))
        assert restored == len(before["notifications"])
    verify = _run(sqlite_app, "audit", "verify")
    assert verify.exit_code == 0, verify.output


@pytest.mark.sqlite_file
def test_restore_refuses_to_overwrite_without_yes(sqlite_app: Flask, tmp_path) -> None:  # noqa: ANN001
    backup = tmp_path / "b.sqlite3"
    assert _run(sqlite_app, "backup", str(backup)).exit_code == 0
    _mess_up(sqlite_app)
    with sqlite_app.app_context():
        messed = table_contents(db.engine)

    result = _run(sqlite_app, "restore", str(backup))

    assert result.exit_code == 1
    assert "add --yes" in result.output
    with sqlite_app.app_context():
        assert table_contents(db.engine) == messed


@pytest.mark.sqlite_file
def test_restore_into_an_empty_database_needs_no_yes(sqlite_app, tmp_path) -> None:  # noqa: ANN001
    backup = tmp_path / "b.sqlite3"
    assert _run(sqlite_app, "backup", str(backup)).exit_code == 0
    with sqlite_app.app_context():
        before = table_contents(db.engine)
    fresh = _app(f"sqlite:///{tmp_path}/new/hub.sqlite3")

    result = _run(fresh, "restore", str(backup))

    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert table_contents(db.engine) == before
        db.engine.dispose()


@pytest.mark.sqlite_file
def test_backup_does_not_overwrite_without_yes(sqlite_app: Flask, tmp_path) -> None:  # noqa: ANN001
    backup = tmp_path / "b.sqlite3"
    backup.write_bytes(b"an older backup")
    result = _run(sqlite_app, "backup", str(backup))
    assert result.exit_code == 1
    assert "exists" in result.output
    assert backup.read_bytes() == b"an older backup"
    assert _run(sqlite_app, "backup", str(backup), "--yes").exit_code == 0
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")


@pytest.mark.sqlite_file
def test_backup_while_a_write_is_in_progress_takes_a_consistent_copy(
    sqlite_app: Flask,
    tmp_path,  # noqa: ANN001
) -> None:
    with sqlite_app.app_context():
        live = sqlite_file(db.engine.url)
        streets = db.session.scalar(sa.text("SELECT count(*) FROM streets"))
        db.session.remove()
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO streets (name, code, created_at) "
        "VALUES ('新街道', 'NEW', '2026-03-02 00:00:00.000000')"
    )
    try:
        result = _run(sqlite_app, "backup", str(tmp_path / "b.sqlite3"))
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "b.sqlite3") as copy:
        assert copy.execute("SELECT count(*) FROM streets").fetchone()[0] == streets
    with sqlite3.connect(live) as now:
        assert now.execute("SELECT count(*) FROM streets").fetchone()[0] == streets + 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 a zip file"), "not a SQLite database"),
        (
            lambda p: (
                sqlite3.connect(p).execute("CREATE TABLE x (a)").connection.close()
            ),
            "not a hub database",
        ),
        (
            lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200),
            "cannot be read",
        ),
    ],
    ids=["not-sqlite", "not-hub", "damaged"],
)
@pytest.mark.sqlite_file
def test_restore_refuses_files_that_are_not_hub_backups(
    sqlite_app: Flask,
    tmp_path,  # noqa: ANN001
    make,  # noqa: ANN001
    message: str,
) -> None:
    bad = tmp_path / "bad.sqlite3"
    make(bad)
    with sqlite_app.app_context():
        before = table_contents(db.engine)
    result = _run(sqlite_app, "restore", str(bad), "--yes")
    assert result.exit_code == 1
    assert message in result.output
    with sqlite_app.app_context():
        assert table_contents(db.engine) == before


@pytest.mark.sqlite_file
def test_restore_refuses_a_backup_at_another_migration(
    sqlite_app: Flask,
    tmp_path,  # noqa: ANN001
) -> None:
    old = _app(f"sqlite:///{tmp_path}/old.sqlite3")
    with old.app_context():
        upgrade(revision="0011")
        db.engine.dispose()
    result = _run(sqlite_app, "restore", str(tmp_path / "old.sqlite3"), "--yes")
    assert result.exit_code == 1
    assert f"at migration 0011, but this code expects {expected_revision()}" in (
        result.output
    )


def test_postgresql_is_backed_up_with_pg_dump() -> None:
    with pytest.raises(BackupError, match="pg_dump"):
        sqlite_file("postgresql+psycopg://u@h/db")
    with pytest.raises(BackupError, match="in-memory"):
        sqlite_file("sqlite://")


def _libpq(url: str) -> str:
    """The libpq form of a SQLAlchemy URL, for pg_dump and pg_restore."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(False)


@pytest.mark.postgres_only
def test_postgresql_round_trip_with_pg_dump_and_pg_restore(tmp_path) -> None:  # noqa: ANN001
    """The procedure docs/operations.md describes, into a fresh database."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        message = "pg_dump/pg_restore missing: apt-get install -y postgresql-client"
        missing(message)
    source_url = fresh_database("sec_backup", str(tmp_path))
    source = _app(source_url)
    with source.app_context():
        upgrade()
    _seed(source)
    dump = tmp_path / "hub.dump"
    subprocess.run(  # noqa: S603 - fixed arguments, our own test database
        ["pg_dump", "--format=custom", f"--file={dump}", _libpq(source_url)],  # noqa: S607 - pg_dump from PATH, as an operator runs it
        check=True,
    )

    target_url = fresh_database("sec_restore", str(tmp_path))
    subprocess.run(  # noqa: S603 - fixed arguments, our own test database
        [  # noqa: S607 - pg_restore from PATH, as an operator runs it
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={_libpq(target_url)}",
            str(dump),
        ],
        check=True,
    )
    target = _app(target_url)
    with source.app_context():
        before = table_contents(db.engine)
        db.engine.dispose()
    with target.app_context():
        assert table_contents(db.engine) == before
        assert before["users"] and before["audit_entries"]
        db.engine.dispose()
    # The restored database is a working one: chain intact, triggers and
    # sequences restored (a new row gets a fresh id).
    assert _run(target, "audit", "verify").exit_code == 0
    with target.app_context():
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM audit_entries")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO streets (name, code, created_at) "
                "VALUES ('新街道', 'NEW', now())"
            )
        db.engine.dispose()
