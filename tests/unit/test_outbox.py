"""Outbox delivery: each message sent once, retried with back-off, claims respected."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from hub.extensions import db
from hub.models import OutboxMessage
from hub.notifications import outbox, services
from hub.sms.transports import ConsoleTransport, SmsMessage, transport_from_config
from tests import factories

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class RecordingTransport:
    """Remembers every send; fails the first ``failures`` times."""

    def __init__(self, config=None, failures: int = 0) -> None:  # noqa: ANN001
        self.sent: list[SmsMessage] = []
        self.calls = 0
        self.failures = failures

    def send(self, message: SmsMessage) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("gateway timed out")
        self.sent.append(message)


def _message() -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(select(OutboxMessage))


def _notify(user=None, **params):  # noqa: ANN001, ANN003, ANN202
    user = user or factories.volunteer(locale="en")
    return services.notify(
        user, "filing_submitted", params={"organization": "邻里中心", **params}, now=T0
    )


def test_deliver_sends_once_and_a_second_run_sends_nothing() -> None:
    user = factories.volunteer(locale="en")
    notification = _notify(user)
    transport = RecordingTransport()

    report = outbox.deliver_due(transport, now=T0)
    again = outbox.deliver_due(transport, now=T0 + timedelta(hours=2))

    assert (report.sent, again.sent) == (1, 0)
    assert len(transport.sent) == 1
    sent = transport.sent[0]
    assert sent.to == user.mobile
    assert sent.idempotency_key == f"notification:{notification.id}"
    # A registered template and a fixed word: the organization's name (text a
    # user wrote) never goes out by SMS.
    assert sent.template == "notice"
    assert sent.params == {"topic": "机构备案"}
    message = _message()
    assert message.sent_at == T0
    assert message.claimed_until is None


def test_messages_not_yet_due_wait() -> None:
    _notify()
    transport = RecordingTransport()
    assert outbox.deliver_due(transport, now=T0 - timedelta(seconds=1)).sent == 0
    assert transport.sent == []


def test_a_failing_transport_is_retried_with_growing_back_off_then_sent_once() -> None:
    _notify()
    transport = RecordingTransport(failures=2)

    first = outbox.deliver_due(transport, now=T0)
    message = _message()
    assert first.failed == 1
    assert message.attempts == 1
    assert message.next_attempt_at == T0 + timedelta(seconds=60)
    assert "ConnectionError" in message.last_error
    assert message.claimed_until is None
    assert message.sent_at is None

    # Not due yet: nothing happens.
    assert outbox.deliver_due(transport, now=T0 + timedelta(seconds=59)).failed == 0
    assert transport.calls == 1

    second_try = T0 + timedelta(seconds=60)
    outbox.deliver_due(transport, now=second_try)
    message = _message()
    assert message.attempts == 2
    assert message.next_attempt_at == second_try + timedelta(seconds=120)

    third_try = message.next_attempt_at
    assert outbox.deliver_due(transport, now=third_try).sent == 1
    assert outbox.deliver_due(transport, now=third_try + timedelta(days=1)).sent == 0
    assert len(transport.sent) == 1
    assert _message().sent_at == third_try


def test_back_off_doubles_and_is_capped_at_an_hour() -> None:
    assert outbox.retry_delay(1) == timedelta(seconds=60)
    assert outbox.retry_delay(2) == timedelta(seconds=120)
    assert outbox.retry_delay(6) == timedelta(seconds=1920)
    assert outbox.retry_delay(7) == timedelta(hours=1)
    assert outbox.retry_delay(20) == timedelta(hours=1)


def test_gives_up_after_eight_attempts_and_logs(caplog) -> None:
    _notify()
    transport = RecordingTransport(failures=100)
    now = T0
    with caplog.at_level(logging.ERROR, logger="hub.notifications.outbox"):
        for _ in range(outbox.MAX_ATTEMPTS):
            outbox.deliver_due(transport, now=now)
            now = _message().next_attempt_at

    message = _message()
    assert message.attempts == outbox.MAX_ATTEMPTS
    assert message.sent_at is None
    assert message.next_attempt_at == outbox.GIVEN_UP_AT
    assert "given up" in caplog.text
    assert outbox.deliver_due(transport, now=T0 + timedelta(days=365)).failed == 0
    assert transport.calls == outbox.MAX_ATTEMPTS


def test_a_claimed_message_is_skipped_by_a_concurrent_run() -> None:
    _notify()
    first_worker, second_worker = RecordingTransport(), RecordingTransport()

    claim, ids = outbox.claim_due(now=T0)
    assert len(ids) == 1
    assert outbox.deliver_due(second_worker, now=T0 + timedelta(minutes=1)).sent == 0

    report = outbox.send_claimed(ids, claim, first_worker, now=T0)
    assert report.sent == 1
    assert second_worker.sent == []
    assert len(first_worker.sent) == 1


def test_an_expired_claim_is_taken_over_and_the_first_worker_stands_down() -> None:
    _notify()
    slow, rescuer = RecordingTransport(), RecordingTransport()

    claim, ids = outbox.claim_due(now=T0)
    later = T0 + outbox.CLAIM_FOR + timedelta(seconds=1)
    assert outbox.deliver_due(rescuer, now=later).sent == 1
    report = outbox.send_claimed(ids, claim, slow, now=later)

    assert report.skipped == 1
    assert slow.sent == []
    assert len(rescuer.sent) == 1


def test_disabled_accounts_get_no_sms() -> None:
    _notify(factories.volunteer(active=False))
    transport = RecordingTransport()
    report = outbox.deliver_due(transport, now=T0)
    assert report.given_up == 1
    assert transport.calls == 0
    assert _message().sent_at is None


def test_console_transport_prints_the_template_with_the_number_masked() -> None:
    user = factories.volunteer(mobile="13912345678", locale="en")
    _notify(user)
    stream = StringIO()

    outbox.deliver_due(ConsoleTransport(stream=stream), now=T0)

    printed = stream.getvalue()
    assert (
        printed
        == "[sms] to 139****5678: 您有一条关于机构备案的新消息，请登录善治 Hub 查看。\n"
    )
    assert "13912345678" not in printed
    assert "邻里中心" not in printed


def test_transport_chosen_by_config() -> None:
    assert isinstance(transport_from_config({}), ConsoleTransport)
    assert isinstance(
        transport_from_config({"SMS_PROVIDER": "console"}), ConsoleTransport
    )
    chosen = transport_from_config(
        {"SMS_PROVIDER": "tests.unit.test_outbox:RecordingTransport"}
    )
    assert isinstance(chosen, RecordingTransport)
    with pytest.raises(ImportError):
        transport_from_config({"SMS_PROVIDER": "no.such.module:Gateway"})


def test_deliver_command_sends_due_messages(app) -> None:
    user = factories.volunteer(mobile="13912345678", locale="en")
    services.notify(user, "staff_removed", params={"organization": "邻里中心"})

    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])

    assert result.exit_code == 0, result.output
    assert "[sms] to 139****5678: 您有一条关于" in result.output
    assert "邻里中心" not in result.output
    assert "1 sent" in result.output
    assert _message().sent_at is not None
    again = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert "0 sent" in again.output
    assert "[sms] to" not in again.output


class IdempotentGateway:
    """Like a real SMS gateway: a repeated idempotency key is not sent again.

    ``lose_answers`` times the message goes out but the answer is lost (a timeout),
    so the caller sees a failure for a message that was in fact sent.
    """

    def __init__(self, lose_answers: int = 0) -> None:
        self.delivered: list[str] = []
        self.keys_seen: list[str] = []
        self.lose_answers = lose_answers

    def send(self, message: SmsMessage) -> None:
        self.keys_seen.append(message.idempotency_key)
        if message.idempotency_key not in self.delivered:
            self.delivered.append(message.idempotency_key)
        if self.lose_answers:
            self.lose_answers -= 1
            raise TimeoutError("no answer from the gateway")


def test_a_lost_answer_is_retried_with_the_same_key_so_it_arrives_once() -> None:
    notification = _notify()
    gateway = IdempotentGateway(lose_answers=1)

    assert outbox.deliver_due(gateway, now=T0).failed == 1
    retry_at = _message().next_attempt_at
    assert retry_at == T0 + outbox.retry_delay(1)
    assert outbox.deliver_due(gateway, now=retry_at).sent == 1
    outbox.deliver_due(gateway, now=retry_at + timedelta(days=1))

    key = f"notification:{notification.id}"
    assert gateway.keys_seen == [key, key]
    assert gateway.delivered == [key]


def test_one_failing_message_neither_stops_nor_repeats_the_others() -> None:
    first, second, third = (_notify() for _ in range(3))
    keys = [f"notification:{n.id}" for n in (first, second, third)]

    class FailsForTheSecond(RecordingTransport):
        def send(self, message: SmsMessage) -> None:
            self.calls += 1
            if message.idempotency_key == keys[1] and self.calls < 3:
                raise ConnectionError("gateway refused")
            self.sent.append(message)

    transport = FailsForTheSecond()
    report = outbox.deliver_due(transport, now=T0)
    assert (report.sent, report.failed) == (2, 1)
    later = T0 + outbox.retry_delay(1)
    assert outbox.deliver_due(transport, now=later).sent == 1
    assert outbox.deliver_due(transport, now=later + timedelta(hours=2)).sent == 0
    assert sorted(m.idempotency_key for m in transport.sent) == sorted(keys)


def test_back_off_times_follow_the_schedule_until_given_up() -> None:
    _notify()
    transport = RecordingTransport(failures=100)
    now, waits = T0, []
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        outbox.deliver_due(transport, now=now)
        due = _message().next_attempt_at
        # Nothing is tried again before the message is due.
        outbox.deliver_due(transport, now=due - timedelta(seconds=1))
        waits.append(int((due - now).total_seconds()))
        now = due
    assert waits == [60, 120, 240, 480, 960, 1920, 3600]
    assert transport.calls == outbox.MAX_ATTEMPTS - 1


def test_a_send_whose_result_was_not_saved_waits_for_its_claim_and_keeps_its_key(
    monkeypatch,  # noqa: ANN001
) -> None:
    """The database fails right after the gateway took the message.

    The message stays claimed, so no other run sends it while the claim lasts;
    afterwards it goes out again under the same idempotency key, which a gateway
    uses to drop the repeat (the outbox is at-least-once; the key makes it once).
    """
    notification = _notify()
    gateway = IdempotentGateway()
    commit = db.session.commit
    broken = {"armed": True}

    def failing_commit() -> None:
        if gateway.keys_seen and broken["armed"]:
            broken["armed"] = False
            raise OperationalError("COMMIT", {}, ConnectionError("server closed"))
        commit()

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(OperationalError):
        outbox.deliver_due(gateway, now=T0)
    db.session.rollback()

    message = _message()
    assert message.sent_at is None
    assert message.claimed_until == T0 + outbox.CLAIM_FOR
    assert outbox.deliver_due(gateway, now=T0 + outbox.CLAIM_FOR).sent == 0
    after_claim = T0 + outbox.CLAIM_FOR + timedelta(seconds=1)
    assert outbox.deliver_due(gateway, now=after_claim).sent == 1
    assert outbox.deliver_due(gateway, now=after_claim + timedelta(days=1)).sent == 0

    key = f"notification:{notification.id}"
    assert gateway.keys_seen == [key, key]
    assert gateway.delivered == [key]
