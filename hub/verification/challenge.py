"""A picture of four digits to copy, asked before sending codes past a threshold.

Needs no outside service. The answer is kept in the session only as a keyed hash;
a solved challenge is remembered as used (in the limiter's storage), so an old
cookie cannot be replayed with the same answer.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from captcha.image import ImageCaptcha
from flask import current_app, session

from hub.extensions import limit_key_prefix, limiter
from hub.verification.codes import clean

_SESSION_KEY = "sms_challenge"
#: How long a challenge may be answered, in seconds.
LIFETIME = 600


def _hash(challenge_id: str, answer: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"challenge:{challenge_id}:{answer}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _answer(challenge_id: str) -> str:
    """The digits of a challenge, derived from its id with the app secret."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"challenge-digits:{challenge_id}".encode(), "sha256")
    return f"{int.from_bytes(digest.digest()[:4], 'big') % 10_000:04d}"


def new_challenge() -> str:
    """Start a challenge for this session; returns its id (for the image URL)."""
    challenge_id = secrets.token_urlsafe(12)
    session[_SESSION_KEY] = {
        "id": challenge_id,
        "h": _hash(challenge_id, _answer(challenge_id)),
        "t": int(time.time()),
    }
    return challenge_id


def current_id() -> str | None:
    state: dict[str, Any] | None = session.get(_SESSION_KEY)
    return state["id"] if state else None


def image(challenge_id: str) -> bytes | None:
    """The PNG for this session's challenge; None for any other id."""
    if challenge_id != current_id():
        return None
    picture = ImageCaptcha(width=200, height=72)
    return picture.generate(_answer(challenge_id), format="png").getvalue()


def solve(typed: str | None) -> bool:
    """Check the answer once; right or wrong, the challenge is used up."""
    state: dict[str, Any] | None = session.pop(_SESSION_KEY, None)
    if not state or time.time() - state.get("t", 0) > LIFETIME:
        return False
    key = f"{limit_key_prefix()}/challenge-used/{state['id']}"
    storage = limiter.storage
    if storage.get(key):
        return False
    storage.incr(key, LIFETIME)
    return hmac.compare_digest(state["h"], _hash(state["id"], clean(typed)))
