"""The outbox worker as a real process: ``flask outbox work`` against a real database.

A local HTTP stand-in plays the SMS provider; the worker reaches it through
``stand_in_transport`` below (HUB_SMS_PROVIDER names it). On PostgreSQL (when
HUB_TEST_DATABASE_URL is one) the worker is woken by NOTIFY, elsewhere it polls a
SQLite file. We measure the time from a notification's commit to the stand-in
receiving it, and check: each message once with two workers, retries with back-off
while the provider fails, a clean stop on SIGTERM, a database outage survived, and
development's in-process delivery.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from hub import create_app
from hub.extensions import db, limiter
from hub.models import OutboxMessage
from hub.models.base import utcnow
from hub.notifications import outbox, services
from hub.notifications.worker import init_outbox_delivery
from hub.sms.transports import SmsMessage, TransportError
from tests.conftest import TEST_SECRET, fresh_database, missing

ROOT = Path(__file__).resolve().parents[2]
#: Generous: CI is a loaded two-core machine. Measured times are printed.
HANDOFF_BOUND = 5.0
#: Starting a worker imports the whole app (several seconds on a busy machine).
START_TIMEOUT = 90.0


# The provider's stand-in and the transport that talks to it ---------------------------


@dataclass(frozen=True)
class Hit:
    key: str
    at: float  # time.monotonic() when the request arrived
    status: int


class StandIn:
    """An SMS provider on 127.0.0.1: records each request; may fail or be slow."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.status = 200
        self.delay = 0.0
        self.arrived = threading.Condition()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                at = time.monotonic()
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = stand_in.status
                with stand_in.arrived:
                    stand_in.hits.append(Hit(body["key"], at, status))
                    stand_in.arrived.notify_all()
                time.sleep(stand_in.delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        with self.arrived:
            self.hits.clear()
        self.status, self.delay = 200, 0.0

    def wait_for(self, condition: Callable[[list[Hit]], bool], timeout: float) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: condition(self.hits), timeout)

    def hits_for(self, key: str) -> list[Hit]:
        with self.arrived:
            return [hit for hit in self.hits if hit.key == key]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class StandInTransport:
    """POSTs each message to HUB_SMS_ENDPOINT; any answer but 2xx is a failure."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.url = config["SMS_ENDPOINT"].rstrip("/") + "/sms"

    def send(self, message: SmsMessage) -> None:
        body = {
            "key": message.idempotency_key,
            "template": message.template,
            "params": dict(message.params),
        }
        assert self.url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(  # noqa: S310 - the local stand-in, checked
            self.url, data=json.dumps(body).encode(), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                answer.read()
        except urllib.error.HTTPError as e:
            raise TransportError(f"stand-in answered {e.code}") from None


def stand_in_transport(config: dict[str, Any]) -> StandInTransport:
    """HUB_SMS_PROVIDER=tests.system.test_outbox_worker:stand_in_transport."""
    return StandInTransport(config)


PROVIDER = f"{__name__}:stand_in_transport"


# A database, an app on it, and worker processes ---------------------------------------


@dataclass
class World:
    app: Flask
    url: str
    stand_in: StandIn
    tmp: Path

    @property
    def postgres(self) -> bool:
        return self.url.startswith("postgresql")


def _drop(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    target = sa.make_url(url)
    admin = sa.create_engine(
        target.set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(
            sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        )
    admin.dispose()


def _app_on(url: str, **config: Any) -> Flask:
    # Building an app re-points the shared limiter: give it back to the suite's app.
    saved = (limiter._storage, limiter._limiter, limiter._key_prefix)
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SMS_PROVIDER": PROVIDER,
            **config,
        }
    )
    limiter._storage, limiter._limiter, limiter._key_prefix = saved
    # Until the app factory calls it (idempotent): NOTIFY when a message commits.
    init_outbox_delivery(app)
    return app


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("outbox_worker")
    # Its own database: xdist workers and other checkouts may run this at once.
    url = fresh_database(f"outbox_worker_{uuid.uuid4().hex[:10]}", str(tmp))
    stand_in = StandIn()
    app = _app_on(url, SMS_ENDPOINT=stand_in.url)
    with app.app_context():
        upgrade()
    try:
        yield World(app, url, stand_in, tmp)
    finally:
        stand_in.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _drop(url)


@pytest.fixture
def clean(world: World) -> World:
    """An empty outbox and a stand-in that answers 200 at once."""
    with world.app.app_context():
        db.session.execute(sa.delete(OutboxMessage))
        db.session.commit()
        db.session.remove()
    world.stand_in.reset()
    return world


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log: Path
    _out: Any = field(repr=False, default=None)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, needle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        pytest.fail(
            f"worker log lacks {needle!r}:\n{self.text()[-3000:]}", pytrace=False
        )

    def wait_until_ready(self) -> None:
        self.wait_for_log("outbox worker ready", START_TIMEOUT)

    def terminate(self, timeout: float = 20) -> int:
        """SIGTERM, as systemd stops it; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        if self._out is not None:
            self._out.close()


@pytest.fixture
def start_worker(world: World) -> Iterator[Callable[..., WorkerProcess]]:
    """Start ``flask outbox work`` processes, each ready (LISTENing) when returned."""
    started: list[WorkerProcess] = []

    def start(
        name: str, *args: str, url: str | None = None, ready: bool = True
    ) -> WorkerProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update(
            HUB_SECRET_KEY=TEST_SECRET,
            HUB_DATABASE_URL=url or world.url,
            HUB_SMS_PROVIDER=PROVIDER,
            HUB_SMS_ENDPOINT=world.stand_in.url,
            PYTHONUNBUFFERED="1",
        )
        log = world.tmp / f"{name}-{uuid.uuid4().hex[:6]}.log"
        out = log.open("wb")
        command = [sys.executable, "-m", "flask", "--app", "hub", "outbox", "work"]
        process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
            [*command, *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = WorkerProcess(process, log, out)
        started.append(worker)
        if ready:
            worker.wait_until_ready()
        return worker

    yield start
    for worker in started:
        worker.kill()


def _notify(app: Flask, count: int = 1) -> tuple[list[str], float]:
    """Commit ``count`` notifications (each with its SMS); their keys and the time
    just before the commit."""
    from tests import factories

    with app.app_context(), app.test_request_context():
        notifications = [
            services.notify(
                factories.volunteer(), "staff_removed", params={"organization": "x"}
            )
            for _ in range(count)
        ]
        committed = time.monotonic()
        db.session.commit()
        keys = [f"notification:{n.id}" for n in notifications]
        db.session.remove()
    return keys, committed


def _messages(app: Flask) -> dict[str, OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        db.session.expunge_all()
        db.session.remove()
    return {row.dedup_key: row for row in rows}


def _eventually(check: Callable[[], bool], timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def _all_sent(app: Flask, keys: list[str]) -> bool:
    rows = _messages(app)
    return all(rows[key].sent_at is not None for key in keys)


# Tests --------------------------------------------------------------------------------


def test_a_committed_message_reaches_the_provider_within_seconds(
    clean: World, start_worker
) -> None:
    # On PostgreSQL the polls are 30 s apart: only the NOTIFY can be this quick.
    worker = start_worker(
        "handoff", *(["--poll-seconds", "30"] if clean.postgres else [])
    )
    handoffs = []
    for _ in range(3):
        (key,), committed = _notify(clean.app)
        assert clean.stand_in.wait_for(
            lambda hits, k=key: any(h.key == k for h in hits), 15
        )
        handoffs.append(clean.stand_in.hits_for(key)[0].at - committed)
    kind = "PostgreSQL, NOTIFY" if clean.postgres else "SQLite, 1 s poll"
    print(  # the measurement, kept in the test's output
        f"outbox hand-off ({kind}): "
        + ", ".join(f"{seconds * 1000:.0f} ms" for seconds in handoffs)
    )
    assert max(handoffs) < HANDOFF_BOUND, handoffs
    assert "outbox batch: 1 claimed, 1 sent" in worker.text()
    assert worker.terminate() == 0


def test_two_workers_send_each_message_exactly_once(clean: World, start_worker) -> None:
    clean.stand_in.delay = 0.01  # slow enough for the two to overlap
    workers = [
        start_worker(f"pair{i}", "--batch-size", "3", ready=False) for i in (1, 2)
    ]
    for worker in workers:
        worker.wait_until_ready()
    keys, _ = _notify(clean.app, 30)

    assert clean.stand_in.wait_for(lambda hits: len(hits) >= len(keys), 30)
    assert _eventually(lambda: _all_sent(clean.app, keys))
    time.sleep(0.5)  # a late duplicate would arrive now
    assert Counter(hit.key for hit in clean.stand_in.hits) == dict.fromkeys(keys, 1)
    assert [worker.terminate() for worker in workers] == [0, 0]
    claimed = [
        int(n) for w in workers for n in re.findall(r"batch: (\d+) claimed", w.text())
    ]
    assert sum(claimed) == len(keys)
    assert max(claimed) <= 3  # each claim keeps to its batch size


def test_a_claim_takes_no_more_than_its_limit(clean: World) -> None:
    _notify(clean.app, 10)
    with clean.app.app_context():
        # A fresh table (no statistics yet) is when PostgreSQL once took them all.
        _, ids = outbox.claim_due(now=utcnow(), limit=3)
        db.session.remove()
    assert len(ids) == 3


def test_a_failing_provider_is_retried_with_back_off(
    clean: World, start_worker
) -> None:
    clean.stand_in.status = 500
    worker = start_worker("retry", "--poll-seconds", "0.2")
    (key,), _ = _notify(clean.app)

    def attempts(n: int) -> OutboxMessage:
        assert _eventually(lambda: _messages(clean.app)[key].attempts == n)
        return _messages(clean.app)[key]

    first = attempts(1)
    failed_at = utcnow()
    assert first.sent_at is None
    assert first.claimed_until is None
    assert "stand-in answered 500" in first.last_error
    # The next try waits out the back-off (a minute): polls meanwhile leave it be.
    delay = first.next_attempt_at - failed_at
    assert abs(delay - outbox.retry_delay(1)) < timedelta(seconds=5), delay
    time.sleep(1)
    assert len(clean.stand_in.hits_for(key)) == 1

    def time_passes() -> None:
        """The back-off has ended: due now (no NOTIFY, the poll finds it)."""
        with clean.app.app_context():
            db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.dedup_key == key)
                .values(next_attempt_at=utcnow())
            )
            db.session.commit()
            db.session.remove()

    time_passes()
    second = attempts(2)
    delay = second.next_attempt_at - utcnow()
    assert timedelta(seconds=110) < delay <= outbox.retry_delay(2), delay

    clean.stand_in.status = 200
    time_passes()
    assert _eventually(lambda: _all_sent(clean.app, [key]))
    assert [hit.status for hit in clean.stand_in.hits_for(key)] == [500, 500, 200]
    assert _messages(clean.app)[key].attempts == 2
    assert worker.text().count("1 to retry") == 2  # a line per batch
    assert worker.terminate() == 0


def test_sigterm_finishes_the_message_in_hand_then_exits_0(
    clean: World, start_worker
) -> None:
    clean.stand_in.delay = 1.5
    worker = start_worker("sigterm", "--batch-size", "5")
    keys, _ = _notify(clean.app, 2)

    assert clean.stand_in.wait_for(lambda hits: len(hits) == 1, 15)  # in hand
    started = time.monotonic()
    assert worker.terminate() == 0
    print(f"worker stopped {time.monotonic() - started:.2f} s after SIGTERM")

    in_hand = clean.stand_in.hits[0].key
    (left,) = set(keys) - {in_hand}
    rows = _messages(clean.app)
    assert rows[in_hand].sent_at is not None
    # The other was claimed with it and given back, not held until the claim ran out.
    assert rows[left].sent_at is None
    assert rows[left].claimed_until is None
    assert rows[left].attempts == 0
    assert "1 released" in worker.text()
    assert "outbox worker stopped" in worker.text()

    # So the next worker sends it at once.
    clean.stand_in.delay = 0
    with clean.app.app_context():
        report = outbox.deliver_due(stand_in_transport(clean.app.config))
        db.session.remove()
    assert report.sent == 1
    assert [hit.key for hit in clean.stand_in.hits] == [in_hand, left]


@pytest.mark.postgres_only
def test_the_worker_waits_out_a_database_outage(clean: World, start_worker) -> None:
    from tests.system.test_faults import TcpProxy

    if not clean.postgres:
        message = "the outage test needs HUB_TEST_DATABASE_URL=postgresql…"
        missing(message)
    url = sa.make_url(clean.url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.open()
    try:
        through_proxy = url.set(host="127.0.0.1", port=proxy.port)
        worker = start_worker(
            "outage",
            "--poll-seconds",
            "30",
            url=through_proxy.render_as_string(hide_password=False),
        )
        proxy.close()  # PostgreSQL goes away: every connection is cut
        worker.wait_for_log("database unavailable", 15)
        assert worker.process.poll() is None

        proxy.open()  # ... and comes back on the same address
        worker.wait_for_log("delivering again", 30)
        (key,), _ = _notify(clean.app)
        assert clean.stand_in.wait_for(lambda hits: len(hits) == 1, 15)
        assert clean.stand_in.hits[0].key == key
        assert worker.terminate() == 0
    finally:
        proxy.close()


def test_inline_delivery_sends_right_after_the_request_commits(clean: World) -> None:
    app = _app_on(
        clean.url, SMS_ENDPOINT=clean.stand_in.url, OUTBOX_DELIVER_INLINE=True
    )
    inline = app.extensions["hub_outbox_inline"]
    try:
        with app.app_context(), app.test_request_context():
            from tests import factories

            user = factories.volunteer()
            db.session.commit()
            services.notify(user, "staff_removed", params={"organization": "x"})
            db.session.rollback()  # a request that failed: nothing leaves
            services.notify(user, "staff_removed", params={"organization": "x"})
            committed = time.monotonic()
            db.session.commit()
        assert clean.stand_in.wait_for(lambda hits: len(hits) == 1, 10)
        print(
            f"inline hand-off: {(clean.stand_in.hits[0].at - committed) * 1000:.0f} ms"
        )
        assert clean.stand_in.hits[0].at - committed < HANDOFF_BOUND
        time.sleep(0.3)
        assert len(clean.stand_in.hits) == 1
    finally:
        inline.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_inline_delivery_is_off_unless_configured(world: World) -> None:
    assert "hub_outbox_inline" not in world.app.extensions
