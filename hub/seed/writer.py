"""Bulk row writers: COPY on PostgreSQL, executemany in big transactions on SQLite.

Rows are tuples of Python values in a table's column order: aware datetimes,
dates, bools, None, ints, str; JSON columns are passed already encoded (str).
Nothing goes through the ORM, so no audit entries and no notifications are made.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence, Sized
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import Connection

BATCH = 20_000


class Progress:
    """A one-line progress display on stderr: phase, count of total, rate."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.started = time.monotonic()
        self._last = 0.0

    def show(
        self, phase: str, done: int, total: int | None, *, force: bool = False
    ) -> None:
        """``total`` None: a stream of unknown length, shown as a count only."""
        if self.quiet:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        sys.stderr.write(
            f"\r{self.line(phase, done, total)}  {now - self.started:6.1f}s "
        )
        sys.stderr.flush()

    @staticmethod
    def line(phase: str, done: int, total: int | None) -> str:
        """The bar, the phase and the count (of the total, with a share, if known)."""
        width = 24
        if not total:
            return f"[{'=' * width}] {phase:<18} {done:>9,}"
        filled = int(width * min(done, total) / total)
        bar = "#" * filled + "-" * (width - filled)
        return f"[{bar}] {phase:<18} {done:>9,}/{total:<9,} {100 * done / total:5.1f}%"

    def done(self, phase: str, total: int) -> None:
        self.show(phase, total, total, force=True)
        if not self.quiet:
            sys.stderr.write("\n")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # As SQLAlchemy's UTCDateTime stores it on SQLite: UTC, without offset.
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class Writer:
    """Writes rows into tables over one SQLAlchemy connection."""

    def __init__(self, connection: Connection, progress: Progress) -> None:
        self.connection = connection
        self.progress = progress
        self.postgres = connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    def write(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[tuple],
        *,
        total: int | None = None,
        label: str | None = None,
    ) -> int:
        """Insert every row; returns how many."""
        label = label or table
        if total is None and isinstance(rows, Sized):
            total = len(rows)
        if self.postgres:
            written = self._copy(table, columns, rows, total, label)
        else:
            written = self._executemany(table, columns, rows, total, label)
        self.counts[table] = self.counts.get(table, 0) + written
        self.progress.done(label, written)
        return written

    def _copy(self, table, columns, rows, total, label) -> int:  # noqa: ANN001
        raw = self.connection.connection.driver_connection
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - names from code
        n = 0
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)
                n += 1
                if not n % BATCH:
                    self.progress.show(label, n, total)
        return n

    def _executemany(self, table, columns, rows, total, label) -> int:  # noqa: ANN001
        raw = self.connection.connection.driver_connection
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        n = 0
        batch: list[tuple] = []
        cursor = raw.cursor()
        for row in rows:
            batch.append(tuple(_sqlite_value(v) for v in row))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch.clear()
                self.progress.show(label, n, total)
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
        cursor.close()
        return n

    def reset_sequences(self, tables: Iterable[str]) -> None:
        """PostgreSQL: move each id sequence past the ids written explicitly."""
        if not self.postgres:
            return
        raw = self.connection.connection.driver_connection
        with raw.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
