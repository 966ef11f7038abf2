"""How many codes may go out: per number, per address, per purpose and day.

A code a social worker has sent to a resident they register on their behalf
(协助注册) counts against the worker instead of the address: a community centre
registering its elders on one Wi-Fi is not blocked, and asks no picture challenge,
while each worker has a daily cap and each number its usual limits.

Counted in the rate limiter's storage (Redis when configured, so every server
agrees), as moving windows, under keyed digests (no numbers or addresses in keys).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import parse_many
from limits.strategies import MovingWindowRateLimiter

from hub.extensions import limit_key_prefix, limiter
from hub.verification.codes import number_digest


@dataclass(frozen=True)
class Decision:
    """Whether a code may go out now; when not, how long to wait."""

    allowed: bool
    retry_after: int = 0
    #: A challenge must be answered first (many codes from here or today).
    challenge: bool = False


def _strategy() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def _limits(key: str):  # noqa: ANN202
    return parse_many(current_app.config[key])


def _wait(strategy: MovingWindowRateLimiter, item, *ids: str) -> int:  # noqa: ANN001
    reset = strategy.get_window_stats(item, *ids).reset_time
    return max(1, math.ceil(reset - time.time()))


def _checks(
    mobile: str, address: str, purpose: str, assisted_by: int | None = None
) -> list[tuple[object, tuple]]:
    prefix = limit_key_prefix()
    number = (prefix, "sms-number", number_digest(mobile))
    today = (prefix, "sms-purpose", purpose)
    checks = [(item, number) for item in _limits("SMS_NUMBER_LIMITS")]
    if assisted_by is None:
        where = (prefix, "sms-address", number_digest(f"addr:{address}"))
        checks += [(item, where) for item in _limits("SMS_ADDRESS_LIMIT")]
    else:
        worker = (prefix, "sms-assisting", number_digest(f"worker:{assisted_by}"))
        checks += [(item, worker) for item in _limits("ASSISTED_CODES_LIMIT")]
    checks += [(item, today) for item in _limits("SMS_DAILY_CAP")]
    return checks


def decide(
    mobile: str,
    address: str,
    purpose: str,
    *,
    solved: bool,
    assisted_by: int | None = None,
) -> Decision:
    """May a code go to ``mobile`` for ``purpose``, asked from ``address`` (or by
    the signed-in worker ``assisted_by``, registering a resident)?"""
    strategy = _strategy()
    waits = [
        _wait(strategy, item, *ids)
        for item, ids in _checks(mobile, address, purpose, assisted_by)
        if not strategy.test(item, *ids)
    ]
    if waits:  # the longest wait: trying after the first one ends would fail too
        return Decision(False, max(waits))
    if (
        assisted_by is None
        and not solved
        and _needs_challenge(strategy, address, purpose)
    ):
        return Decision(False, challenge=True)
    return Decision(True)


def _needs_challenge(
    strategy: MovingWindowRateLimiter, address: str, purpose: str
) -> bool:
    """Past a few codes an hour from one address, or half the day's cap, ask first."""
    prefix = limit_key_prefix()
    where = (prefix, "sms-address", number_digest(f"addr:{address}"))
    after = current_app.config["SMS_CHALLENGE_AFTER"]
    hour = parse_many(f"{after} per hour")[0]
    if not strategy.test(hour, *where):
        return True
    for cap in _limits("SMS_DAILY_CAP"):
        stats = strategy.get_window_stats(cap, prefix, "sms-purpose", purpose)
        if stats.remaining <= cap.amount // 2:
            return True
    return False


def count(
    mobile: str, address: str, purpose: str, *, assisted_by: int | None = None
) -> None:
    """Count a code that is going out against every limit."""
    strategy = _strategy()
    for item, ids in _checks(mobile, address, purpose, assisted_by):
        strategy.hit(item, *ids)
    if assisted_by is not None:
        return  # the worker's cap stands for the address here
    after = current_app.config["SMS_CHALLENGE_AFTER"]
    strategy.hit(
        parse_many(f"{after} per hour")[0],
        limit_key_prefix(),
        "sms-address",
        number_digest(f"addr:{address}"),
    )
