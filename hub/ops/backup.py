"""SQLite backups with the online backup API; PostgreSQL uses pg_dump (see docs).

The backup API copies a consistent snapshot page by page while the app keeps
serving: a write in progress is either wholly in the copy or not at all.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from hub.config import PROJECT_ROOT

SQLITE_HEADER = b"SQLite format 3\x00"
#: Tables a hub database has whatever else it holds.
REQUIRED_TABLES = frozenset({"alembic_version", "users", "audit_entries"})


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why."""


def sqlite_file(url: str | sa.URL) -> Path:
    """The file behind a SQLite URL; BackupError for other databases."""
    url = sa.make_url(url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"{url.get_backend_name()} databases are backed up with pg_dump and "
            "restored with pg_restore: see docs/operations.md"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database).resolve()


def expected_revision() -> str:
    """The migration this code runs on (the head of migrations/versions)."""
    head = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()
    if head is None:  # pragma: no cover - the repository always has migrations
        raise BackupError("no migrations found")
    return head


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def has_tables(path: Path) -> bool:
    """Whether ``path`` is a database holding any table (restoring would replace it)."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    with closing(_read_only(path)) as connection:
        count = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
    return count > 0


def check_database(path: Path, revision: str | None = None) -> str:
    """Check ``path`` is a sound hub database at ``revision``; return the revision."""
    revision = revision or expected_revision()
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path}: not a SQLite database")
    try:
        with closing(_read_only(path)) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{path}: damaged ({result})")
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            if missing := REQUIRED_TABLES - tables:
                raise BackupError(
                    f"{path}: not a hub database (no {', '.join(sorted(missing))})"
                )
            versions = [
                v
                for (v,) in connection.execute(
                    "SELECT version_num FROM alembic_version"
                )
            ]
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path}: cannot be read ({e})") from e
    if versions != [revision]:
        found = ", ".join(versions) or "none"
        raise BackupError(
            f"{path}: at migration {found}, but this code expects {revision}"
        )
    return revision


def backup_sqlite(source: Path, target: Path) -> str:
    """Copy the live database ``source`` to ``target``; return the copy's revision.

    Written to ``target.part`` first and renamed when complete and checked, so a
    failed backup never leaves a half-written file under the backup's name.
    """
    if not source.is_file():
        raise BackupError(f"{source}: no such database")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with (
            closing(sqlite3.connect(source)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.backup(copy)
        revision = check_database(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return revision


def restore_sqlite(backup: Path, target: Path) -> str:
    """Replace the database ``target`` by the checked ``backup``; return its revision.

    Goes through the backup API into the live file, so connections the app holds
    see the restored data on their next transaction (no restart needed).
    """
    revision = check_database(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(_read_only(backup)) as source,
        closing(sqlite3.connect(target, timeout=30)) as live,
    ):
        source.backup(live)
    return revision
