"""Liveness and readiness: is the database reachable, Redis answering, the outbox
worker alive?

``/healthz`` answers liveness as it always has (the database); ``/healthz?ready=1``
adds Redis (when HUB_REDIS_URL is set) and the outbox worker's heartbeat
(hub/notifications/heartbeat.py).
"""

from __future__ import annotations

import time
from typing import Any

import redis
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hub.extensions import db
from hub.notifications.heartbeat import last_beat, redis_client

OK, UNAVAILABLE, NOT_CONFIGURED, STALE, NEVER = (
    "ok",
    "unavailable",
    "not configured",
    "stale",
    "never seen",
)


def database_status() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return UNAVAILABLE
    return OK


def redis_status(app: Flask) -> str:
    client = redis_client(app)
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
