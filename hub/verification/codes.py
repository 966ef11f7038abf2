"""Codes as keyed hashes: derived from a row's nonce with the app secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from flask import current_app

LENGTH = 6


def _key(label: str) -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"hub-verification:{label}".encode(), "sha256").digest()


def new_nonce() -> str:
    return secrets.token_hex(16)


def derive(nonce: str) -> str:
    """The 6-digit code of a row: HMAC-SHA256(key, nonce) reduced to 6 digits."""
    digest = hmac.new(_key("code"), nonce.encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**LENGTH:0{LENGTH}d}"


def number_digest(mobile: str) -> str:
    """The number as a keyed digest, so the codes table holds no numbers."""
    return hmac.new(_key("number"), mobile.encode(), hashlib.sha256).hexdigest()


def clean(typed: str | None) -> str:
    """What the person typed, as digits: full-width digits and spaces accepted."""
    text = unicodedata.normalize("NFKC", typed or "")
    return "".join(text.split()).replace("-", "")


def matches(nonce: str, typed: str | None) -> bool:
    """Compare in constant time."""
    return hmac.compare_digest(derive(nonce), clean(typed))
