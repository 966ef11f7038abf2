"""The Chinese catalog is complete: every source string has a translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.catalog import CATALOG, EXTRA_KEYWORDS, ROOT, source_uses


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


def test_no_source_string_is_missing_from_the_catalog() -> None:
    """Each (context, msgid) used has its own entry: pgettext ones included."""
    catalog_ids = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0])
        for m in _read(CATALOG)
        if m.id
    }
    used = {(use.context, use.msgid) for use in source_uses()}
    assert used - catalog_ids == set()


def _spec(value: tuple | None) -> str:
    """A keyword's argument spec as pybabel's command line writes it: 1c,2."""
    if value is None:
        return ""
    parts = [f"{a[0]}{a[1]}" if isinstance(a, tuple) else str(a) for a in value]
    return ":" + ",".join(parts)


def test_make_messages_extracts_with_the_same_keywords() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\nmessages:", 1)[1].split("\n\n", 1)[0]
    given = set(re.findall(r"-k (\S+)", target))
    assert given == {name + _spec(spec) for name, spec in EXTRA_KEYWORDS.items()}
