"""Uploaded lists waiting for confirmation: kept privately, bound to the importer.

Between the preview and the confirmation the file stays on the server (under
``UPLOAD_DIR/imports``, outside ``static/``) under a random id; a small JSON file
beside it says who uploaded it and under which name. Nothing about the rows is
trusted from the browser: confirming reads and checks the file again. A pending
file is deleted after the import, when discarded, or after ``KEEP_FOR``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

#: How long an unconfirmed upload is kept.
KEEP_FOR = 24 * 3600
_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


@dataclass(frozen=True)
class PendingUpload:
    id: str
    user_id: int
    filename: str
    data: bytes


def _folder(upload_dir: str | os.PathLike) -> Path:
    return Path(upload_dir) / "imports"


def _paths(upload_dir: str | os.PathLike, upload_id: str) -> tuple[Path, Path]:
    if not _ID.match(upload_id):
        raise KeyError(upload_id)
    folder = _folder(upload_dir)
    return folder / f"{upload_id}.bin", folder / f"{upload_id}.json"


def _write(path: Path, data: bytes) -> None:
    """Write then rename, so a half-written file never carries the final name."""
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)


def sweep(upload_dir: str | os.PathLike, *, now: float | None = None) -> int:
    """Delete pending uploads (and leftovers) older than KEEP_FOR; how many files."""
    folder = _folder(upload_dir)
    if not folder.is_dir():
        return 0
    limit = (now or time.time()) - KEEP_FOR
    removed = 0
    for path in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed


def keep_upload(
    upload_dir: str | os.PathLike, *, user_id: int, filename: str, data: bytes
) -> str:
    """Store the file for its importer; returns the random id naming it."""
    sweep(upload_dir)
    folder = _folder(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    upload_id = secrets.token_urlsafe(16)
    data_path, meta_path = _paths(upload_dir, upload_id)
    _write(data_path, data)
    meta = {"user_id": user_id, "filename": filename[:200]}
    _write(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return upload_id


def load_upload(
    upload_dir: str | os.PathLike, upload_id: str, *, user_id: int
) -> PendingUpload | None:
    """The pending upload if it exists and this person made it; else None."""
    try:
        data_path, meta_path = _paths(upload_dir, upload_id)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("user_id") != user_id:
            return None
        data = data_path.read_bytes()
    except (KeyError, FileNotFoundError, ValueError):
        return None
    return PendingUpload(upload_id, user_id, str(meta.get("filename", "")), data)


def drop_upload(upload_dir: str | os.PathLike, upload_id: str) -> None:
    """Delete a pending upload (idempotent)."""
    try:
        paths = _paths(upload_dir, upload_id)
    except KeyError:
        return
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
