"""The Chinese catalog is complete: every source string has a translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "hub" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def _read(path: Path):  # noqa: ANN202
    with path.open("rb") as f:
        return read_po(f)


def test_every_message_translated_to_chinese() -> None:
    catalog = _read(CATALOG)
    missing = [
        m.id
        for m in catalog
        if m.id
        and (
            m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string)
        )
    ]
    assert missing == []


def _source_messages() -> set[str]:
    """Every translatable string in the code and templates, extracted afresh."""
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found: set[str] = set()
    for folder, method in (("hub", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, [(pattern, method)], keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_no_source_string_is_missing_from_the_catalog() -> None:
    catalog_ids = {
        m.id if isinstance(m.id, str) else m.id[0] for m in _read(CATALOG) if m.id
    }
    assert _source_messages() - catalog_ids == set()
