"""Deliver the outbox continuously: woken when a message commits, polling besides.

``flask outbox work`` runs a :class:`Worker`. On PostgreSQL the transaction that
inserts an outbox row also sends ``NOTIFY hub_outbox`` (delivered at its commit,
dropped with its rollback) and the worker LISTENs on a connection of its own;
elsewhere it polls every second. It always polls too, every few seconds, so a
retry whose back-off has ended is picked up and a lost notification costs only
that long. Claims keep each message sent once however many workers run (and cron's
``flask outbox deliver`` beside them); SIGTERM stops it after the message in hand.

In development (``OUTBOX_DELIVER_INLINE``) a thread of the web process does the
same right after each request's commit, so codes show in the ``make run`` terminal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
import traceback
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import psycopg
from flask import Flask, current_app, has_request_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from hub.db import CONNECT_TIMEOUT, WRITE_LOCK_OPTION
from hub.extensions import db
from hub.models import OutboxMessage
from hub.models.base import utcnow
from hub.notifications.heartbeat import beat
from hub.notifications.outbox import (
    DeliveryReport,
    claim_due,
    release_claimed,
    send_claimed,
)
from hub.phones import scrub
from hub.sms.transports import Transport, transport_from_config

log = logging.getLogger(__name__)

#: The PostgreSQL channel a committed outbox message is announced on.
CHANNEL = "hub_outbox"
#: Seconds between polls when notifications wake the worker (retries, lost ones).
SAFETY_POLL_SECONDS = 5.0
#: Seconds between polls when nothing wakes it (SQLite).
POLL_SECONDS = 1.0
BATCH_SIZE = 20
#: Longest back-off while the database is away.
OUTAGE_BACKOFF_MAX = 30.0
#: Longest the worker waits without looking whether it was asked to stop.
_SLICE = 0.25
_NEW_MESSAGES = "hub_outbox_new_messages"
_INLINE = "hub_outbox_inline"
#: Set in a delivering thread: on SQLite its transactions begin holding the write
#: lock (see _begin_writing_when_delivering).
_DELIVERING: ContextVar[bool] = ContextVar("hub_outbox_delivering", default=False)


# The wake-up signal, sent by the transaction that writes the message ---------------


def _announce(session: Session, _flush_context: Any) -> None:  # noqa: ANN401
    if not any(isinstance(obj, OutboxMessage) for obj in session.new):
        return
    session.info[_NEW_MESSAGES] = True
    connection = session.connection(bind_arguments={"mapper": OutboxMessage})
    if connection.dialect.name == "postgresql":
        # Queued by PostgreSQL until this transaction commits; gone if it rolls back.
        connection.exec_driver_sql(f"NOTIFY {CHANNEL}")


def _committed(session: Session) -> None:
    if not session.info.pop(_NEW_MESSAGES, False) or not has_request_context():
        return
    inline = current_app.extensions.get(_INLINE)
    if inline is not None:
        inline.kick()


def _rolled_back(session: Session) -> None:
    session.info.pop(_NEW_MESSAGES, None)


def _install_wakeup() -> None:
    for name, listener in (
        ("after_flush", _announce),
        ("after_commit", _committed),
        ("after_rollback", _rolled_back),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def init_outbox_delivery(app: Flask) -> None:
    """Announce committed outbox messages; with OUTBOX_DELIVER_INLINE send them too."""
    _install_wakeup()
    if app.config.get("OUTBOX_DELIVER_INLINE"):
        app.extensions[_INLINE] = InlineDelivery(app)


# SQLite: deliver holding the write lock --------------------------------------------


def _begin_writing_when_delivering(connection: Connection) -> None:
    if _DELIVERING.get():
        connection.execution_options(**{WRITE_LOCK_OPTION: True})


def take_write_lock_first(engine: Engine) -> None:
    """On SQLite, this thread's transactions begin with BEGIN IMMEDIATE (call it
    before delivering).

    send_claimed reads a message, sends it, then writes: a transaction that read
    first cannot write on SQLite once anyone else has committed meanwhile
    ("database is locked" at once, a message sent but not marked). Taking the lock
    first makes others wait (busy_timeout) instead; PostgreSQL needs none of this.
    """
    if engine.dialect.name != "sqlite":
        return
    if not event.contains(engine, "engine_connect", _begin_writing_when_delivering):
        event.listen(engine, "engine_connect", _begin_writing_when_delivering)
    _DELIVERING.set(True)


# Waking up --------------------------------------------------------------------------


class ListenerLost(ConnectionError):
    """The LISTEN connection could not be made or was cut."""


class Listener:
    """LISTEN on a PostgreSQL connection of its own (not the pool's)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Any = None  # a psycopg.Connection

    @staticmethod
    def usable(engine: Engine) -> bool:
        dialect = engine.dialect
        return dialect.name == "postgresql" and dialect.driver == "psycopg"

    def connect(self) -> None:
        """(Re)connect and LISTEN; raises ListenerLost while the database is away."""
        if self.connection is not None and not self.connection.closed:
            return
        args, params = self.engine.dialect.create_connect_args(self.engine.url)
        params.setdefault("connect_timeout", CONNECT_TIMEOUT)
        try:
            self.connection = psycopg.connect(*args, **params, autocommit=True)
            self.connection.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as e:
            self.close()
            raise ListenerLost(_describe(e)) from e

    def wait(self, seconds: float) -> bool:
        """True when notified within ``seconds``; pending notifications are drained."""
        if self.connection is None:
            raise ListenerLost("not listening")
        try:
            notified = self._next(seconds)
            # One pass delivers everything committed so far: drop what else came.
            while notified and self._next(0):
                pass
        except psycopg.Error as e:
            self.close()
            raise ListenerLost(_describe(e)) from e
        return notified

    def _next(self, seconds: float) -> bool:
        # The generator holds the connection's lock until closed: close it here.
        notifies = self.connection.notifies(timeout=seconds, stop_after=1)
        try:
            return next(notifies, None) is not None
        finally:
            notifies.close()

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()
        self.connection = None


def _describe(error: BaseException) -> str:
    """The error's type and first line, numbers masked (no SQL, no parameters)."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return scrub(f"{type(cause).__name__}: {lines[0] if lines else ''}")


# The worker -------------------------------------------------------------------------


@dataclass
class Worker:
    """Delivers what is due, waits to be woken, and again until asked to stop."""

    transport: Transport
    locale: str = "zh_CN"
    batch_size: int = BATCH_SIZE
    #: Seconds between polls; default SAFETY_POLL_SECONDS with LISTEN, else
    #: POLL_SECONDS.
    poll_seconds: float | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    def deliver(self) -> DeliveryReport:
        """Claim and send batches until nothing is due or a stop is asked for."""
        total = DeliveryReport()
        while not self.stopping.is_set():
            started = time.monotonic()
            claim, ids = claim_due(now=utcnow(), limit=self.batch_size)
            if not ids:
                break
            batch, released = DeliveryReport(), 0
            for position, message_id in enumerate(ids):
                if self.stopping.is_set():
                    # Give back what we will not send, for the next worker now
                    # rather than when the claim runs out.
                    released = release_claimed(ids[position:], claim)
                    break
                sent = send_claimed(
                    [message_id],
                    claim,
                    self.transport,
                    now=utcnow(),
                    locale=self.locale,
                )
                batch.add(sent)
            log.info(
                "outbox batch: %s claimed, %s sent, %s to retry, %s given up, "
                "%s skipped, %s released, %.2f s",
                len(ids),
                batch.sent,
                batch.failed,
                batch.given_up,
                batch.skipped,
                released,
                time.monotonic() - started,
            )
            total.add(batch)
        return total

    def run(self, *, max_seconds: float | None = None, once: bool = False) -> None:
        """Deliver until SIGTERM/SIGINT (or ``max_seconds``); survive outages."""
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        engine = db.engine
        take_write_lock_first(engine)
        listener = Listener(engine) if Listener.usable(engine) else None
        poll = self.poll_seconds or (SAFETY_POLL_SECONDS if listener else POLL_SECONDS)
        restore = self._handle_signals()
        ready, failures = False, 0
        try:
            while not self._over(deadline):
                try:
                    if listener is not None:
                        # LISTEN before delivering: what commits after this pass
                        # has started wakes us.
                        listener.connect()
                    self.deliver()
                    beat()  # for /healthz?ready=1
                except Exception as e:  # noqa: BLE001 - nothing may end delivery
                    failures += 1
                    self._recover(listener)
                    self._sleep(self._report_failure(e, failures), deadline)
                    continue
                if failures:
                    log.info("outbox worker: delivering again")
                    failures = 0
                if not ready:
                    ready = True
                    log.info(
                        "outbox worker ready (pid %s): %s, polling every %s s",
                        os.getpid(),
                        f"woken by NOTIFY {CHANNEL}" if listener else "no wake-up",
                        poll,
                    )
                if once:
                    break
                self._wait(listener, poll, deadline)
        finally:
            restore()
            if listener is not None:
                listener.close()
            db.session.remove()
        log.info("outbox worker stopped")

    # Helpers ------------------------------------------------------------------------
    def _over(self, deadline: float | None) -> bool:
        return self.stopping.is_set() or (
            deadline is not None and time.monotonic() >= deadline
        )

    def _sleep(self, seconds: float, deadline: float | None) -> None:
        end = time.monotonic() + seconds
        while not self._over(deadline) and (left := end - time.monotonic()) > 0:
            self.stopping.wait(min(_SLICE, left))

    def _wait(
        self, listener: Listener | None, seconds: float, deadline: float | None
    ) -> None:
        """Until notified, ``seconds`` passed or a stop; short slices keep SIGTERM
        prompt (a signal does not interrupt psycopg's wait)."""
        end = time.monotonic() + seconds
        while not self._over(deadline) and (left := end - time.monotonic()) > 0:
            if listener is None:
                self.stopping.wait(min(_SLICE, left))
                continue
            try:
                if listener.wait(min(_SLICE, left)):
                    return
            except ListenerLost as e:
                # Reconnected (and a pass made) at the top of the loop.
                log.warning("outbox worker: LISTEN connection lost (%s)", e)
                return

    @staticmethod
    def _report_failure(error: Exception, failures: int) -> float:
        """Log the failure; returns the seconds to wait before the next try."""
        delay = min(OUTAGE_BACKOFF_MAX, 2.0 ** (failures - 1))
        if isinstance(error, DBAPIError | OSError):  # ListenerLost is one
            log.warning(
                "outbox worker: database unavailable (%s); retrying in %.0f s",
                _describe(error),
                delay,
            )
        else:  # a bug: its place in the code, but not its message's data
            log.error(
                "outbox worker: unexpected %s; retrying in %.0f s\n%s",
                _describe(error),
                delay,
                "".join(traceback.format_tb(error.__traceback__)),
            )
        return delay

    def _recover(self, listener: Listener | None) -> None:
        with contextlib.suppress(Exception):  # the connection may be gone
            db.session.rollback()
        db.session.remove()
        if listener is not None:
            listener.close()

    def _handle_signals(self):  # noqa: ANN202
        """SIGTERM/SIGINT ask for a stop after the message in hand; a second
        SIGINT (Ctrl-C twice) stops at once, leaving claims to run out."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def stop(signum: int, _frame: FrameType | None) -> None:
            if signum == signal.SIGINT and self.stopping.is_set():
                raise KeyboardInterrupt
            self.stopping.set()

        previous = {
            signum: signal.signal(signum, stop)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }

        def restore() -> None:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

        return restore


# Development: deliver in the web process ----------------------------------------------


class InlineDelivery:
    """A thread of the web process delivering right after a request commits a message.

    Development only: production runs ``flask outbox work`` (several web processes
    would each poll, and a web process is not supervised for this).
    """

    def __init__(self, app: Flask, poll_seconds: float = SAFETY_POLL_SECONDS) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def kick(self) -> None:
        """Deliver now (started on first use, so a forked process gets its own)."""
        with self._lock:
            alive = self._thread is not None and self._thread.is_alive()
            if not alive or self._pid != os.getpid():
                self._pid = os.getpid()
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._run, name="outbox-inline", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after its current pass (tests; a process exit needs none)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        with self.app.app_context():
            take_write_lock_first(db.engine)
            worker = Worker(
                transport_from_config(self.app.config),
                locale=self.app.config["SMS_LOCALE"],
                stopping=self._stop,
            )
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            with self.app.app_context():
                try:
                    worker.deliver()
                except Exception as e:  # noqa: BLE001 - retried at the next wake-up
                    log.warning("inline outbox delivery failed: %s", _describe(e))
                finally:
                    db.session.remove()
