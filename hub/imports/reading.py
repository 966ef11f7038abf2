"""Read an uploaded volunteer list: XLSX or CSV, recognised by content, not name.

An XLSX file is a zip archive (``PK\\x03\\x04``) holding a workbook; anything else
must be CSV text in UTF-8 (with or without a byte-order mark) or GB18030 (what
Excel in China saves as "CSV"). UTF-8 is tried first because it is strict: GBK
bytes almost never form valid UTF-8, while GB18030 accepts nearly any bytes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

import filetype
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from hub.errors import DomainError

MAX_IMPORT_BYTES = 2 * 1024 * 1024
#: Data rows accepted in one file.
MAX_ROWS = 5000
#: Uncompressed size an XLSX may unpack to (refuses zip bombs before parsing).
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_COLUMNS = 30
ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = b"\xef\xbb\xbf"

#: Column → the header words that name it (compared without spaces, case-folded).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "name", "fullname"),
    "mobile": ("手机号", "手机号码", "手机", "联系电话", "电话", "mobile", "phone"),
    "community": ("社区", "所在社区", "community"),
    "grid": ("网格", "所在网格", "grid"),
    "skills": ("技能", "特长", "skills", "skill"),
}
REQUIRED = ("name", "mobile")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FileRefused(DomainError):
    """The file cannot be read as a volunteer list; ``reason`` says why."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason  # empty | too_large | type | encoding | columns | ...
        self.params = params


@dataclass(frozen=True)
class RawRow:
    #: The row's number as the spreadsheet shows it (the header is row 1 or more).
    line: int
    name: str
    mobile: str
    community: str
    grid: str
    skills: str


@dataclass(frozen=True)
class Table:
    kind: str  # "csv" | "xlsx"
    encoding: str | None
    rows: list[RawRow]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a mobile number typed into a number cell
    return str(value).strip()


def _key(header: str) -> str:
    return "".join(header.split()).casefold()


def _column_of(header: str) -> str | None:
    """Which column a header cell names; "姓名 name" and "手机号(必填)" count too."""
    key = _key(header)
    for column, words in COLUMNS.items():
        if key in words:
            return column
    parts = [p for p in re.split(r"[\s/()（）\[\]【】:：_-]+", header.casefold()) if p]
    for column, words in COLUMNS.items():
        if any(p in words for p in parts):
            return column
    return None


def _table(
    records: list[tuple[int, list[str]]], kind: str, encoding: str | None
) -> Table:
    """Find the header (the first non-empty row), map columns, keep the data rows."""
    records = [(line, cells) for line, cells in records if any(cells)]
    if not records:
        raise FileRefused("no_rows")
    header_line, header = records[0]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = _column_of(cell)
        if column is not None and column not in positions:
            positions[column] = index
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        raise FileRefused("columns")
    data = records[1:]
    if not data:
        raise FileRefused("no_rows")
    if len(data) > MAX_ROWS:
        raise FileRefused("too_many_rows", max=MAX_ROWS)

    def cell(cells: list[str], column: str) -> str:
        index = positions.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    rows = [
        RawRow(
            line=line,
            name=cell(cells, "name"),
            mobile=cell(cells, "mobile"),
            community=cell(cells, "community"),
            grid=cell(cells, "grid"),
            skills=cell(cells, "skills"),
        )
        for line, cells in data
    ]
    return Table(kind=kind, encoding=encoding, rows=rows)


def _read_xlsx(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise FileRefused("too_large")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as e:
        raise FileRefused("type") from e
    except Exception as e:  # noqa: BLE001 - any other zip is simply not a workbook
        raise FileRefused("type") from e
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileRefused("no_rows")
        records = []
        for line, values in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            records.append((line, [_text(v) for v in values]))
            if len(records) > MAX_ROWS + 50:  # stop reading; too many is refused
                break
    finally:
        workbook.close()
    return _table(records, "xlsx", None)


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), else GB18030."""
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise FileRefused("encoding") from e
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as e:
        raise FileRefused("encoding") from e


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data or filetype.guess(data) is not None:
        raise FileRefused("type")  # a binary file (image, PDF, UTF-16 …)
    text, encoding = _decode(data)
    if _CONTROL.search(text):
        raise FileRefused("type")
    try:
        records = [
            (line, [c.strip() for c in cells[:MAX_COLUMNS]])
            for line, cells in enumerate(csv.reader(io.StringIO(text, newline="")), 1)
        ]
    except csv.Error as e:
        raise FileRefused("type") from e
    return _table(records, "csv", encoding)


def read_table(data: bytes) -> Table:
    """Parse an uploaded list; raises FileRefused with the reason."""
    if not data:
        raise FileRefused("empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise FileRefused("too_large")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    return _read_csv(data)


def kind_of(data: bytes) -> str:
    """ "xlsx" or "csv", by the first bytes."""
    return "xlsx" if data.startswith(ZIP_MAGIC) else "csv"
