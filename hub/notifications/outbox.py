"""Deliver the outbox: claim due messages, send each once, back off on failure.

This is a worker, not a request: it commits its claims and each send itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from hub.extensions import db
from hub.i18n import LANGUAGE_CODES
from hub.models import OutboxMessage
from hub.models.base import utcnow
from hub.notifications.messages import render_message
from hub.notifications.transports import OutgoingMessage, Transport

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
    # The due condition is checked again by the UPDATE itself: a row another worker
    # claimed between our pick and our write is left to that worker.
    ids = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(pick.limit(limit).scalar_subquery()), *_due(now))
        .values(claimed_until=claim)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return claim, sorted(ids)


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


def _text(message: OutboxMessage, default_locale: str) -> str:
    locale = message.user.locale
    with force_locale(locale if locale in LANGUAGE_CODES else default_locale):
        return render_message(message.kind, message.params)


def send_claimed(
    ids: list[int],
    claim: datetime,
    transport: Transport,
    *,
    now: datetime,
    default_locale: str = "zh_CN",
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
        if not message.user.active:
            _give_up(message, "recipient account is disabled", report)
            db.session.commit()
            continue
        try:
            transport.send(
                OutgoingMessage(
                    channel=message.channel,
                    to=message.user.mobile,
                    text=_text(message, default_locale),
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
    default_locale: str = "zh_CN",
) -> DeliveryReport:
    """Claim and send batches until nothing is due; each is sent at most once."""
    report = DeliveryReport()
    while True:
        moment = now or utcnow()
        claim, ids = claim_due(now=moment, limit=batch_size)
        if not ids:
            return report
        report.add(
            send_claimed(
                ids, claim, transport, now=moment, default_locale=default_locale
            )
        )
