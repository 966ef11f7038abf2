"""Liveness and readiness: is the database reachable, Redis answering, the outbox
worker alive?

``/healthz`` answers liveness as it always has (the database); ``/healthz?ready=1``
adds Redis (when HUB_REDIS_URL is set) and the outbox worker's heartbeat. The
worker records a heartbeat after each pass (:func:`beat`, at most every few
seconds): in Redis when the app has one (every host sees it), else in a file in
the instance folder (one host).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import redis
from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hub.extensions import db

OK, UNAVAILABLE, NOT_CONFIGURED, STALE, NEVER = (
    "ok",
    "unavailable",
    "not configured",
    "stale",
    "never seen",
)
HEARTBEAT_KEY = "hub:outbox-worker:heartbeat"
#: Seconds between two heartbeats of one worker.
BEAT_EVERY = 5.0
_last_beat = 0.0


def _redis(app: Flask) -> redis.Redis | None:
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def heartbeat_file(app: Flask) -> Path:
    """Where the worker's heartbeat is kept without Redis."""
    return Path(
        app.config.get("HEARTBEAT_FILE")
        or Path(app.instance_path, "outbox-worker.heartbeat")
    )


def beat(*, force: bool = False) -> None:
    """Record that the outbox worker is alive now (throttled to BEAT_EVERY)."""
    global _last_beat
    now = time.time()
    if not force and now - _last_beat < BEAT_EVERY:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    client = _redis(app)
    if client is not None:
        try:
            with client:
                client.set(HEARTBEAT_KEY, f"{now:.3f}", ex=24 * 3600)
        except redis.RedisError:
            return  # readiness will say Redis is down; try again next pass
    else:
        path = heartbeat_file(app)
        tmp = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(f"{now:.3f}")
            tmp.replace(path)
        except OSError:
            return  # readiness will say the worker is stale: the operator looks
    _last_beat = now


def last_beat(app: Flask) -> float | None:
    """When the outbox worker last recorded a heartbeat (epoch seconds)."""
    client = _redis(app)
    try:
        if client is not None:
            with client:
                raw = client.get(HEARTBEAT_KEY)
            return float(raw) if raw else None
        return float(heartbeat_file(app).read_text())
    except (OSError, ValueError, redis.RedisError):
        return None


def database_status() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return UNAVAILABLE
    return OK


def redis_status(app: Flask) -> str:
    client = _redis(app)
    if client is None:
        return NOT_CONFIGURED
    try:
        with client:
            client.ping()
    except redis.RedisError:
        return UNAVAILABLE
    return OK


def worker_status(app: Flask) -> tuple[str, float | None]:
    """(status, seconds since the last heartbeat)."""
    beat_at = last_beat(app)
    if beat_at is None:
        return NEVER, None
    age = max(time.time() - beat_at, 0.0)
    return (OK if age <= app.config["WORKER_STALE_SECONDS"] else STALE), round(age, 1)


def health(app: Flask, *, ready: bool) -> tuple[dict[str, Any], bool]:
    """The report and whether everything asked about is fine."""
    report: dict[str, Any] = {"database": database_status()}
    if ready:
        report["redis"] = redis_status(app)
        report["outbox_worker"], report["outbox_worker_age_seconds"] = worker_status(
            app
        )
    healthy = report["database"] == OK and (
        not ready
        or (report["redis"] in (OK, NOT_CONFIGURED) and report["outbox_worker"] == OK)
    )
    report["status"] = OK if healthy else "degraded"
    return report, healthy
