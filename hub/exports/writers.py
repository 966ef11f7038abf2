"""Write rows as CSV or XLSX, a chunk at a time, keeping memory bounded.

CSV is streamed as the rows arrive: the generator yields every ``FLUSH_ROWS`` rows,
so a 200,000-row export never holds more than one batch of rows and one chunk of
text. XLSX is a zip archive, and a zip's central directory is written last, so
openpyxl cannot stream it; instead a write-only workbook writes each row to a
temporary XML file on disk as it is appended (strings inline, no shared-string
table in memory), the archive is built into a SpooledTemporaryFile (memory up to
``SPOOL_BYTES``, an anonymous file on disk beyond), and that is streamed out in
chunks. Whatever happens — an error mid-way or the client going away — the
worksheet's temporary file and the spool are removed: nothing half-written stays.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet import _writer as openpyxl_writer

from hub.localtime import zone

#: CSV rows per yielded chunk.
FLUSH_ROWS = 500
#: Bytes of the finished XLSX archive kept in memory before spilling to disk.
SPOOL_BYTES = 1024 * 1024
CHUNK_BYTES = 64 * 1024
BOM = "\ufeff"
#: A cell starting with one of these is a formula to spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    """A stored UTC moment as a naive local time (spreadsheets know no zones)."""
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0)


def csv_cell(value: Any, tz: ZoneInfo | None = None) -> str:
    """One value as CSV text; text that Excel would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value, tz or zone()).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_chunks(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    tz: ZoneInfo | None = None,
    flush_rows: int = FLUSH_ROWS,
) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (so Excel shows Chinese), in chunks.

    Times are written in ``tz``, by default the configured zone (the body runs
    inside the request's context: stream it with ``stream_with_context``).
    """
    tz = tz or zone()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([str(h) for h in header])
    pending = 0
    for row in rows:
        writer.writerow([csv_cell(v, tz) for v in row])
        pending += 1
        if pending >= flush_rows:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(sheet: Any, value: Any, tz: ZoneInfo) -> Any:
    """A value openpyxl can write: local times, clean text, never a formula."""
    if isinstance(value, datetime):
        return _local(value, tz)
    if isinstance(value, Decimal):
        return float(value)
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, not a formula
        return cell
    return value


def _discard_sheet(sheet: Any) -> None:
    """Remove the worksheet's temporary file if openpyxl has not already done so."""
    writer = getattr(sheet, "_writer", None)
    if writer is None:
        return
    rows = getattr(sheet, "_rows", None)
    if rows is not None:
        with contextlib.suppress(Exception):
            rows.close()
    with contextlib.suppress(Exception):
        writer.xf.close()
    path = writer.out
    if isinstance(path, str):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
        with contextlib.suppress(ValueError):
            openpyxl_writer.ALL_TEMP_FILES.remove(path)


def sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(c for c in title if c not in "[]:*?/\\").strip()
    return (cleaned or "Sheet")[:31]


def xlsx_chunks(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet",
    tz: ZoneInfo | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """An XLSX workbook with one sheet, built on disk, then read out in chunks."""
    tz = tz or zone()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed below
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    try:
        sheet.append([str(h) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v, tz) for v in row])
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(chunk_bytes):
            yield chunk
    finally:
        _discard_sheet(sheet)
        spool.close()
