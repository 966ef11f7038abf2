"""The name a downloaded file gets: safe, and the real one for those who can read it.

Every download goes through ``attachment``: a name a person typed (an uploaded
document's) loses any path parts, control characters and characters file systems
or markup treat specially; an ASCII name stands in for browsers that want one, and
the real name follows per RFC 6266 (``filename*``).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

#: Characters no file name keeps: Windows' reserved ones, quotes and markup.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f;]')
MAX_NAME = 120


def safe_name(name: str, fallback: str) -> str:
    """``name`` without directories, control characters or markup; else fallback."""
    text = unicodedata.normalize("NFC", name or "")
    text = PureWindowsPath(PurePosixPath(text).name).name  # no ../ or C:\\ parts
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _UNSAFE.sub("_", text).strip(" .")
    if not text:
        return fallback
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        head = text[: MAX_NAME - len(keep) - 1].rstrip(" .")
        text = head + ("." + keep if keep else "")
    return text


def attachment(name: str, fallback: str) -> str:
    """A Content-Disposition header value that downloads the file as ``name``."""
    real = safe_name(name, fallback)
    # Browsers that read only ``filename`` get the name if it is plain ASCII.
    ascii_name = real if real.isascii() else safe_name(fallback, "download")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(real)}"
