"""Deliver the outbox: claim due messages, send each once, back off on failure.

This is a worker, not a request: it commits its claims and each send itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from hub.extensions import db
from hub.models import OutboxMessage
from hub.models.base import utcnow
from hub.sms.templates import UnknownTemplate, words
from hub.sms.transports import SmsMessage, Transport

log = logging.getLogger(__name__)

#: How long a worker holds what it claimed before another may take it over.
CLAIM_FOR = timedelta(minutes=5)
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
#: After this many failed attempts the message is given up (and logged).
MAX_ATTEMPTS = 8
#: next_attempt_at of a message given up: never due again.
GIVEN_UP_AT = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    given_up: int = 0
    skipped: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.given_up += other.given_up
        self.skipped += other.skipped


def retry_delay(attempts: int) -> timedelta:
    """30 s · 2^attempts, at most an hour."""
    return min(RETRY_BASE * 2**attempts, RETRY_MAX)


def _due(now: datetime):  # noqa: ANN202
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def claim_due(*, now: datetime, limit: int = 50) -> tuple[datetime, list[int]]:
    """Claim up to ``limit`` due messages and commit; returns the claim and the ids."""
    claim = now + CLAIM_FOR
    pick = (
        select(OutboxMessage.id)
        .where(*_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Rows another worker is claiming right now are passed over, not waited for.
        pick = pick.with_for_update(skip_locked=True)
    # Picked once (a materialized CTE): as a subquery PostgreSQL may run the pick
    # again for each row it updates, each time skipping the rows it just locked,
    # and so claim every due row whatever the limit.
    picked = pick.limit(limit).cte("picked").prefix_with("MATERIALIZED")
    # The due condition is checked again by the UPDATE itself: a row another worker
    # claimed between our pick and our write is left to that worker.
    ids = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(select(picked.c.id)), *_due(now))
        .values(claimed_until=claim)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return claim, sorted(ids)


def release_claimed(ids: list[int], claim: datetime) -> int:
    """Give back claimed messages not sent (a worker stopping); returns how many."""
    if not ids:
        return 0
    released = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.claimed_until == claim,
            OutboxMessage.sent_at.is_(None),
        )
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return released


def _give_up(message: OutboxMessage, error: str, report: DeliveryReport) -> None:
    message.last_error = error[:1000]
    message.claimed_until = None
    message.next_attempt_at = GIVEN_UP_AT
    report.given_up += 1
    log.error(
        "outbox message %s given up after %s attempts: %s",
        message.id,
        message.attempts,
        message.last_error,
    )


def _fail(
    message: OutboxMessage, error: str, now: datetime, report: DeliveryReport
) -> None:
    message.attempts += 1
    if message.attempts >= MAX_ATTEMPTS:
        _give_up(message, error, report)
        return
    message.last_error = error[:1000]
    message.claimed_until = None
    message.next_attempt_at = now + retry_delay(message.attempts)
    report.failed += 1
    log.warning(
        "outbox message %s failed (attempt %s), next try at %s",
        message.id,
        message.attempts,
        message.next_attempt_at.isoformat(),
    )


#: last_error of a message not sent because nothing was left to say (a code used
#: or replaced before it went out): no SMS left, so the volume page skips it.
NOT_NEEDED = "not sent: no longer needed"

#: template -> function turning stored references into parameters at send time
#: (a verification code is derived from its row, so the outbox never holds it).
#: It returns None when the message is no longer worth sending (a used code).
RESOLVERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any] | None]] = {}


def register_resolver(
    template: str, resolver: Callable[[Mapping[str, Any]], dict[str, Any] | None]
) -> None:
    """Resolve ``template``'s stored parameters through ``resolver`` when sent."""
    RESOLVERS[template] = resolver


def _params(message: OutboxMessage, locale: str) -> dict[str, str] | None:
    stored = message.params or {}
    resolver = RESOLVERS.get(message.template)
    resolved = resolver(stored) if resolver is not None else dict(stored)
    return None if resolved is None else words(message.template, resolved, locale)


def send_claimed(
    ids: list[int],
    claim: datetime,
    transport: Transport,
    *,
    now: datetime,
    locale: str = "zh_CN",
) -> DeliveryReport:
    """Send each claimed message still ours and unsent; commit after each one."""
    report = DeliveryReport()
    for message_id in ids:
        message = db.session.get(
            OutboxMessage, message_id, options=[joinedload(OutboxMessage.user)]
        )
        if (
            message is None
            or message.sent_at is not None
            or message.claimed_until != claim
        ):
            # Sent meanwhile, or our claim ran out and another worker holds it now.
            report.skipped += 1
            db.session.rollback()
            continue
        if message.user is not None and not message.user.active:
            _give_up(message, "recipient account is disabled", report)
            db.session.commit()
            continue
        try:
            params = _params(message, locale)
        except UnknownTemplate as e:  # a bug, not a provider hiccup: never retried
            _give_up(message, f"unknown template: {e}", report)
            db.session.commit()
            continue
        if params is None:
            # Nothing left to say (the code was used or voided meanwhile).
            message.sent_at = now
            message.claimed_until = None
            message.last_error = NOT_NEEDED
            report.skipped += 1
            db.session.commit()
            continue
        try:
            transport.send(
                SmsMessage(
                    to=message.recipient,
                    template=message.template,
                    params=params,
                    idempotency_key=message.dedup_key,
                )
            )
        except Exception as e:  # noqa: BLE001 - any transport failure is retried
            _fail(message, f"{type(e).__name__}: {e}", now, report)
        else:
            message.sent_at = now
            message.claimed_until = None
            report.sent += 1
        db.session.commit()
    return report


def deliver_due(
    transport: Transport,
    *,
    now: datetime | None = None,
    batch_size: int = 50,
    locale: str = "zh_CN",
) -> DeliveryReport:
    """Claim and send batches until nothing is due; each is sent at most once."""
    report = DeliveryReport()
    while True:
        moment = now or utcnow()
        claim, ids = claim_due(now=moment, limit=batch_size)
        if not ids:
            return report
        report.add(send_claimed(ids, claim, transport, now=moment, locale=locale))
