"""Uploaded files: recognised by content, size-limited, stored outside static/."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype

from hub.errors import DomainError

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
#: What the bytes must be, whatever the file is called: MIME type -> extension.
DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class UploadRefused(DomainError):
    """The file is empty, too large, or not of an allowed type."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "empty" | "too_large" | "type"


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size: int
    sha256: str


def store_document(stream: BinaryIO, upload_dir: str | os.PathLike) -> StoredFile:
    """Check a document by its content and keep it under a generated name."""
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if not data:
        raise UploadRefused("empty")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UploadRefused("too_large")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise UploadRefused("type")
    stored_name = f"{secrets.token_hex(16)}.{DOCUMENT_TYPES[kind.mime]}"
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / stored_name
    # Write then rename, so a half-written file never carries the final name.
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)
    return StoredFile(
        stored_name=stored_name,
        content_type=kind.mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def document_path(upload_dir: str | os.PathLike, stored_name: str) -> Path:
    """Where a stored document lives; refuses names that are not ours."""
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("bad stored name")
    return Path(upload_dir) / stored_name
