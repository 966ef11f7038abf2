"""Download names: what an uploader typed never reaches the header as it was."""

from __future__ import annotations

import pytest

from hub.web.downloads import attachment, safe_name


@pytest.mark.parametrize(
    ("typed", "safe"),
    [
        ("章程.pdf", "章程.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\章程.pdf", "章程.pdf"),
        ("<script>alert(1)</script>.pdf", "script_.pdf"),
        ('a"; filename=evil.exe', "a__ filename=evil.exe"),
        ("line\nbreak.pdf", "linebreak.pdf"),
        ("...", "fallback.pdf"),
        ("", "fallback.pdf"),
    ],
)
def test_safe_name(typed: str, safe: str) -> None:
    assert safe_name(typed, "fallback.pdf") == safe


def test_a_long_name_keeps_its_extension() -> None:
    name = safe_name("长" * 300 + ".pdf", "x.pdf")
    assert len(name) <= 120 and name.endswith(".pdf")


def test_the_header_has_an_ascii_name_and_the_real_one() -> None:
    header = attachment("../章程 (2026).pdf", "document-7.pdf")
    assert header == (
        'attachment; filename="document-7.pdf"; '
        "filename*=UTF-8''%E7%AB%A0%E7%A8%8B%20%282026%29.pdf"
    )
    assert attachment("charter.pdf", "document-7.pdf").startswith(
        'attachment; filename="charter.pdf"'
    )
