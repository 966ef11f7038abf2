"""Export writers and lists: BOM, defused formulas, bounded memory, no files left."""

from __future__ import annotations

import csv
import io
import tempfile
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from hub.exports import batching, lists
from hub.exports.writers import (
    BOM,
    csv_cell,
    csv_chunks,
    sheet_title,
    xlsx_chunks,
)
from hub.extensions import db
from hub.models import Organization
from hub.models.organizations import FilingState, name_key
from hub.web.downloads import attachment
from tests import factories

HEADER = ["姓名", "手机号", "日期"]


def _rows(n: int):  # noqa: ANN202
    for i in range(n):
        yield (f"志愿者{i}", f"139{i:08d}", date(2026, 12, 6))


def test_csv_starts_with_a_bom_and_keeps_chinese() -> None:
    body = b"".join(csv_chunks(HEADER, _rows(3)))
    assert body.startswith(BOM.encode("utf-8"))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1] == ["志愿者0", "13900000000", "2026-12-06"]


def test_csv_cells_defuse_formulas_and_show_local_time() -> None:
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("+86 138") == "'+86 138"
    assert csv_cell("@SUM") == "'@SUM"
    assert csv_cell(-1) == "-1"  # numbers stay numbers
    assert csv_cell(Decimal("1.50")) == "1.50"
    assert csv_cell(None) == ""
    assert csv_cell(datetime(2026, 12, 6, 1, 30, tzinfo=UTC)) == "2026-12-06 09:30"


def test_csv_yields_before_the_rows_are_exhausted() -> None:
    pulled = []

    def rows():  # noqa: ANN202
        for row in _rows(2000):
            pulled.append(row)
            yield row

    chunks = csv_chunks(HEADER, rows(), flush_rows=100)
    first = next(chunks)
    assert first.count(b"\r\n") == 101  # header and the first hundred rows
    assert len(pulled) == 100
    assert len(b"".join(chunks).split(b"\r\n")) > 1800


def test_xlsx_is_a_workbook_with_text_never_formulas() -> None:
    rows = [("=1+1", "13900000001", datetime(2026, 12, 6, 1, 0, tzinfo=UTC))]
    body = b"".join(xlsx_chunks(HEADER, rows, title="志愿者"))
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "志愿者"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(HEADER)
    assert values[1][0] == "=1+1"
    assert sheet["A2"].data_type == "s"
    assert values[1][2] == datetime(2026, 12, 6, 9, 0)  # Asia/Shanghai


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """Send every temporary file (openpyxl's, the spool's) into an empty folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_xlsx_export_leaves_no_temporary_file(temp_dir) -> None:  # noqa: ANN001
    body = b"".join(xlsx_chunks(HEADER, _rows(500)))
    assert body.startswith(b"PK")
    assert list(temp_dir.iterdir()) == []


def test_an_error_mid_export_leaves_no_half_written_file(temp_dir) -> None:  # noqa: ANN001
    def failing():  # noqa: ANN202
        yield from _rows(300)
        raise RuntimeError("database went away")

    chunks = xlsx_chunks(HEADER, failing())
    with pytest.raises(RuntimeError):
        next(chunks)
    assert list(temp_dir.iterdir()) == []


def test_a_client_leaving_mid_download_leaves_no_file(temp_dir) -> None:  # noqa: ANN001
    chunks = xlsx_chunks(HEADER, _rows(3000), chunk_bytes=1024)
    next(chunks)
    chunks.close()  # what the WSGI server does when the connection drops
    assert list(temp_dir.iterdir()) == []


def test_filenames_in_chinese_use_rfc_5987() -> None:
    header = attachment("志愿者-2026-12-06.csv", "volunteers-2026-12-06.csv")
    assert header.startswith('attachment; filename="volunteers-2026-12-06.csv"')
    assert "filename*=UTF-8''%E5%BF%97%E6%84%BF%E8%80%85-2026-12-06.csv" in header


def test_sheet_titles_fit_excel_rules() -> None:
    assert sheet_title("a/b[c]:d*e?f\\g") == "abcdefg"
    assert len(sheet_title("x" * 40)) == 31


def _many_filings(count: int):  # noqa: ANN202
    street = factories.StreetFactory()
    db.session.execute(
        insert(Organization),
        [
            {
                "name": f"批量{i:06d}号社会服务中心",
                "name_key": name_key(f"批量{i:06d}号社会服务中心"),
                "street_id": street.id,
                "org_type": "elderly_care",
                "filing_state": FilingState.SUBMITTED,
                "lead_person": "陈静",
                "contact_phone": f"139{i:08d}",
                "address": "",
                "description": "为社区老人提供上门探访服务。" * 4,
                "service_categories": [],
            }
            for i in range(count)
        ],
    )
    return street


def _peak(work) -> int:  # noqa: ANN001
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_export_streams_in_bounded_memory(monkeypatch) -> None:  # noqa: ANN001
    count = 5000
    street = _many_filings(count)
    monkeypatch.setattr(batching, "BATCH_SIZE", 250)
    header = [str(c) for c in lists.ORGANIZATION_COLUMNS]

    def stream() -> None:
        lines = 0
        for chunk in csv_chunks(header, lists.organization_rows([street.id])):
            lines += chunk.count(b"\r\n")
        assert lines == count + 1

    def everything() -> None:
        rows = list(lists.organization_rows([street.id]))
        body = b"".join(csv_chunks(header, rows))
        assert body.count(b"\r\n") == count + 1

    stream()  # warm the statement caches, so both runs measure only the rows
    streamed, held = _peak(stream), _peak(everything)
    assert streamed < held / 3, (streamed, held)


def test_the_first_csv_chunk_comes_before_the_query_is_read_to_the_end(
    monkeypatch,  # noqa: ANN001
) -> None:
    street = _many_filings(3000)
    monkeypatch.setattr(batching, "BATCH_SIZE", 200)
    fetched = []
    real = lists.batches

    def counting(statement):  # noqa: ANN001, ANN202
        for part in real(statement):
            fetched.append(len(part))
            yield part

    monkeypatch.setattr(lists, "batches", counting)
    chunks = csv_chunks(["x"], lists.organization_rows([street.id]), flush_rows=500)
    next(chunks)
    assert sum(fetched) < 3000
    assert sum(c.count(b"\r\n") for c in chunks) > 2000
    assert sum(fetched) == 3000
