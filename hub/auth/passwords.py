"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_LENGTH = 8
_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile
# Only for an app with TESTING=True: argon2id with the least time and memory (same
# salt and hash lengths), as the suite logs in hundreds of times at ~0.3 s a hash.
_test_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
# A hash to verify against when no account matches, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-timing")
_TEST_DUMMY_HASH = _test_hasher.hash("not-a-real-password-just-for-timing")


def _current() -> tuple[PasswordHasher, str]:
    """The hasher and dummy hash for the app in use: production cost unless testing."""
    if has_app_context() and current_app.testing:
        return _test_hasher, _TEST_DUMMY_HASH
    return _hasher, _DUMMY_HASH


@cache
def common_passwords() -> frozenset[str]:
    """The 3,000 most common passwords, lower-cased."""
    path = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower()
        for line in lines
        if line.strip() and not line.startswith("#")
    )


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


def hash_password(password: str) -> str:
    return _current()[0].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and say no."""
    hasher, dummy = _current()
    try:
        return hasher.verify(password_hash or dummy, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _current()[0].check_needs_rehash(password_hash)
