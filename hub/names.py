"""What a name may be, wherever one is entered: a person's (registering, a guardian,
an organization's lead person, a list of volunteers imported) or an organization's
or a place's.

Two people must be able to tell names apart on the screen, and a name must say
something. So a name

- has no invisible characters: zero-width spaces and joiners (U+200B–U+200D,
  U+2060, U+FEFF), bidirectional controls (U+202A–U+202E, U+2066–U+2069), the
  soft hyphen, other format (Cf), control (Cc, line breaks and tabs included),
  private-use or unassigned characters, line or paragraph separators, and the
  "filler" letters and variation selectors that draw nothing (王五 and 王五 with
  a zero-width space inside look the same: nobody could tell them apart);
- has at least one letter (Chinese characters are letters): not only emoji,
  symbols, punctuation or digits.

What is kept is the name in Unicode's composed form (NFC) with runs of spaces
made one and the ends trimmed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

#: Categories never in a name: format, control, private use, unassigned, surrogate,
#: line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Co", "Cn", "Cs", "Zl", "Zp"})
#: Characters of other categories that draw nothing: Hangul fillers, the
#: combining grapheme joiner, variation selectors, Mongolian free variation
#: selectors.
_DRAWS_NOTHING = re.compile(
    "[\u115f\u1160\u3164\uffa0\u034f\u180b-\u180d\u180f\ufe00-\ufe0f"
    "\U000e0100-\U000e01ef]"
)
_SPACES = re.compile(r"\s+")


class BadName(ValueError):
    """Not a name people can read and tell apart (``reason`` says why)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


#: reason -> what is said beside the field (and in an import's row).
NAME_MESSAGES: dict[str, Any] = {
    "invisible": _l(
        "The name contains invisible characters (such as a zero-width space) or a "
        "line break. Type it again without them."
    ),
    "no_letters": _l(
        "A name needs letters or Chinese characters, not only emoji, symbols or digits."
    ),
}


def clean_name(text: str) -> str:
    """The name as kept (NFC, one space between words, trimmed), if it is one.

    Raises ``BadName("invisible")`` or ``BadName("no_letters")``; an empty text
    is returned empty (whether a name is required is the field's business).
    """
    name = unicodedata.normalize("NFC", text or "")
    for char in name:
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES or _DRAWS_NOTHING.match(
            char
        ):
            raise BadName("invisible")
    name = _SPACES.sub(" ", name).strip()
    if name and not any(unicodedata.category(c).startswith("L") for c in name):
        raise BadName("no_letters")
    return name


def name_problem(text: str) -> str | None:
    """Why this is not a name ("invisible", "no_letters"), or None."""
    try:
        clean_name(text)
    except BadName as e:
        return e.reason
    return None


def valid_name(form: Any, field: Field) -> None:
    """WTForms validator: a readable name, kept as ``clean_name`` gives it."""
    if not field.data:
        return
    try:
        field.data = clean_name(field.data)
    except BadName as e:
        raise ValidationError(str(NAME_MESSAGES[e.reason])) from e
