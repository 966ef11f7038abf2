"""Rotating check-in codes: a signed link for the QR code and six digits to type.

Both name a shift, a mode ("in" or "out") and a 30-second slot. The link is signed
with the app's secret (itsdangerous, its own salt); the six digits are an HMAC of
the same three values. A code is fresh in its own slot and the one after, so a
code shown just before it rotates still works, and a photo passed around goes
stale within a minute.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from hub.errors import DomainError

#: Seconds a code is shown before the next one replaces it.
SLOT_SECONDS = 30
#: Slots a code stays usable: its own and the next (so 30 to 60 seconds).
FRESH_SLOTS = 2
MODES = ("in", "out")
_LINK_SALT = "hub.hours.checkin-link"
_CODE_SALT = b"hub.hours.checkin-code"
_SIX_DIGITS = re.compile(r"[0-9]{6}")


class BadToken(DomainError):
    """Not a code this server made (forged, damaged, or for something else)."""


class StaleToken(DomainError):
    """A genuine code, but an old one (rotated out)."""


@dataclass(frozen=True)
class CheckinToken:
    shift_id: int
    mode: str
    slot: int

    @property
    def signed_at(self) -> datetime:
        """The moment the code started being shown."""
        return datetime.fromtimestamp(self.slot * SLOT_SECONDS, UTC)


def slot_of(moment: datetime) -> int:
    """The 30-second slot a moment falls in."""
    return int(moment.timestamp()) // SLOT_SECONDS


def seconds_left(moment: datetime) -> int:
    """Seconds until the code shown at ``moment`` is replaced."""
    return SLOT_SECONDS - int(moment.timestamp()) % SLOT_SECONDS


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_LINK_SALT)


def make_link_token(shift_id: int, mode: str, moment: datetime) -> str:
    """The signed part of the check-in link for this shift, mode and moment."""
    if mode not in MODES:
        raise ValueError(mode)
    return _serializer().dumps([shift_id, mode, slot_of(moment)])


def read_link_token(token: str) -> CheckinToken:
    """What a link token says, if this server signed it; BadToken otherwise."""
    try:
        value = _serializer().loads(token)
    except BadSignature as e:
        raise BadToken("signature") from e
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(isinstance(v, int) for v in (value[0], value[2]))
        or value[1] not in MODES
    ):
        raise BadToken("shape")
    return CheckinToken(shift_id=value[0], mode=value[1], slot=value[2])


def is_fresh(token: CheckinToken, now: datetime) -> bool:
    """The code is from this slot or the one before."""
    return 0 <= slot_of(now) - token.slot < FRESH_SLOTS


def check_fresh(token: CheckinToken, now: datetime) -> None:
    """Raise StaleToken unless the code is from this slot or the one before."""
    if not is_fresh(token, now):
        raise StaleToken(slot_of(now) - token.slot)


def numeric_code(shift_id: int, mode: str, slot: int) -> str:
    """Six digits for this shift, mode and slot (an HMAC, not guessable)."""
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode(), _CODE_SALT, hashlib.sha256
    ).digest()
    digest = hmac.new(key, f"{shift_id}:{mode}:{slot}".encode(), hashlib.sha256)
    return f"{int.from_bytes(digest.digest()[:8], 'big') % 1_000_000:06d}"


def read_numeric_code(shift_id: int, code: str, now: datetime) -> CheckinToken:
    """The fresh token six typed digits stand for; StaleToken/BadToken otherwise.

    The digits come as the form left them (NFKC, no spaces inside); anything else
    but six ASCII digits is refused here (BadToken), whoever calls.
    """
    if not isinstance(code, str) or not _SIX_DIGITS.fullmatch(code.strip()):
        raise BadToken("shape")
    code = code.strip()
    current = slot_of(now)
    for age in range(FRESH_SLOTS):
        for mode in MODES:
            if hmac.compare_digest(numeric_code(shift_id, mode, current - age), code):
                return CheckinToken(shift_id, mode, current - age)
    # An older code: say it is stale rather than wrong (looks back ten minutes).
    for age in range(FRESH_SLOTS, 20):
        for mode in MODES:
            if hmac.compare_digest(numeric_code(shift_id, mode, current - age), code):
                raise StaleToken(age)
    raise BadToken("code")
