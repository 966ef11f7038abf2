"""The translatable messages of the source, extracted afresh as ``make messages`` does.

One list of keywords, shared by the catalog tests; ``test_translations`` checks the
Makefile's ``messages`` target passes the same ones to pybabel.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "hub" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"

#: What we call gettext by, beyond Babel's defaults (gettext, ngettext, pgettext…):
#: name -> argument spec, as pybabel's ``-k name:spec`` says it.
EXTRA_KEYWORDS: dict[str, tuple | None] = {
    "_l": None,
    "lazy_gettext": None,
    "_p": ((1, "c"), 2),
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "lazy_npgettext": ((1, "c"), 2, 3),
}


@dataclass(frozen=True)
class Use:
    """One use of a message: its context (None without), its msgid, where."""

    context: str | None
    msgid: str
    path: str
    line: int


@cache
def source_uses() -> tuple[Use, ...]:
    """Every translatable string in the code and templates, with its place."""
    keywords = {**DEFAULT_KEYWORDS, **EXTRA_KEYWORDS}
    found: list[Use] = []
    for folder, method in (("hub", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for path, line, message, _comments, context in extract_from_dir(
            ROOT / folder, [(pattern, method)], keywords=keywords
        ):
            msgid = message if isinstance(message, str) else message[0]
            found.append(Use(context, msgid, f"{folder}/{path}", line))
    return tuple(found)
