"""Upload checks by content and size; the credit-code check character; workdays."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from stdnum.cn import uscc

from hub.uploads import MAX_DOCUMENT_BYTES, UploadRefused, store_document
from hub.workdays import working_days_waiting
from tests.factories import PDF_BYTES, PNG_BYTES


def test_pdf_and_png_are_kept_under_generated_names(tmp_path) -> None:
    pdf = store_document(io.BytesIO(PDF_BYTES), tmp_path)
    png = store_document(io.BytesIO(PNG_BYTES), tmp_path)
    assert pdf.content_type == "application/pdf" and pdf.stored_name.endswith(".pdf")
    assert png.content_type == "image/png"
    assert (tmp_path / pdf.stored_name).read_bytes() == PDF_BYTES
    assert len(pdf.stored_name) == 36


def test_renamed_executable_is_refused(tmp_path) -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
    with pytest.raises(UploadRefused) as e:
        store_document(io.BytesIO(exe), tmp_path)
    assert e.value.reason == "type"
    assert list(tmp_path.iterdir()) == []


def test_html_pretending_to_be_pdf_is_refused(tmp_path) -> None:
    with pytest.raises(UploadRefused):
        store_document(io.BytesIO(b"<html><script>alert(1)</script></html>"), tmp_path)


def test_too_large_and_empty_are_refused(tmp_path) -> None:
    big = PDF_BYTES + b"0" * MAX_DOCUMENT_BYTES
    with pytest.raises(UploadRefused) as e:
        store_document(io.BytesIO(big), tmp_path)
    assert e.value.reason == "too_large"
    with pytest.raises(UploadRefused) as e:
        store_document(io.BytesIO(b""), tmp_path)
    assert e.value.reason == "empty"


def test_credit_code_check_character() -> None:
    assert uscc.is_valid("91350100M000100Y43")
    assert not uscc.is_valid("91350100M000100Y44")


def test_working_days_skip_weekends_and_national_day() -> None:
    # Friday 25 Sept 2026 → Friday 9 Oct 2026: the National Day week is a holiday.
    since = datetime(2026, 9, 25, 2, 0, tzinfo=UTC)
    now = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
    assert working_days_waiting(since, now) < 10
    monday = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert working_days_waiting(monday, datetime(2026, 11, 30, 1, 0, tzinfo=UTC)) == 5
