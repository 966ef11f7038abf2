"""Lock a mobile number for a while after repeated failed logins; challenge busy
addresses.

The counts live in the rate limiter's storage: Redis when HUB_REDIS_URL is set, so
every server sees the same failures and the same lock; otherwise this process's
memory. Keys hold a keyed digest of the number, never the number itself.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _

from hub.extensions import limit_key_prefix, limiter

log = logging.getLogger(__name__)


def number_digest(mobile: str) -> str:
    """A digest of the number keyed with the app secret (same on every server)."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, mobile.encode(), hashlib.sha256).hexdigest()[:32]


def lock_seconds() -> int:
    """How long a lock lasts, and the window in which failures are counted."""
    minutes = float(current_app.config["LOGIN_LOCKOUT_MINUTES"])
    return max(1, math.ceil(minutes * 60))


def _key(kind: str, mobile: str) -> str:
    return f"{limit_key_prefix()}/login-lockout/{kind}/{number_digest(mobile)}"


def locked_until(mobile: str) -> datetime | None:
    """When the lock on this number ends (UTC), or None when it is not locked."""
    storage = limiter.storage
    key = _key("lock", mobile)
    if not storage.get(key):
        return None
    return datetime.fromtimestamp(storage.get_expiry(key), UTC)


def record_failure(mobile: str) -> datetime | None:
    """Count a failed login; the one that reaches the limit locks the number."""
    storage = limiter.storage
    failures_key = _key("fail", mobile)
    failures = storage.incr(failures_key, lock_seconds())
    if failures < current_app.config["LOGIN_LOCKOUT_FAILURES"]:
        return None
    # incr sets the expiry only when it creates the key: a second server
    # reaching the limit at the same moment does not extend the lock.
    storage.incr(_key("lock", mobile), lock_seconds())
    storage.clear(failures_key)
    log.warning("login locked after %d failures (number %s…)", failures, _short(mobile))
    return locked_until(mobile)


def clear_failures(mobile: str) -> None:
    """A successful login starts the count again."""
    limiter.storage.clear(_key("fail", mobile))


def retry_after(until: datetime) -> int:
    """Seconds until the lock ends, for the Retry-After header."""
    return max(1, math.ceil((until - datetime.now(UTC)).total_seconds()))


def message(until: datetime) -> str:
    """The refusal shown beside the login form, with the local time it ends."""
    # Shown to the minute: round up so that trying at the time shown works.
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += timedelta(minutes=1)
    return _(
        "Too many wrong attempts: this number is locked until %(time)s. "
        "Please try again after that.",
        time=format_datetime(shown, "HH:mm"),
    )


def _short(mobile: str) -> str:
    return number_digest(mobile)[:8]


def _address_key(address: str) -> str:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "hub"
    return f"{prefix}/login-address/{number_digest('addr:' + address)}"


def record_address_failure(address: str) -> None:
    """Count a wrong password from this address (many people may share it)."""
    limiter.storage.incr(_address_key(address), lock_seconds())


def address_needs_challenge(address: str) -> bool:
    """Past LOGIN_LIMIT's count of failures from one address, ask a challenge.

    A shared address is never blocked: whoever types the right password and
    copies the picture gets in.
    """
    allowed = int(current_app.config["LOGIN_LIMIT"].split()[0])
    return (limiter.storage.get(_address_key(address)) or 0) >= allowed
