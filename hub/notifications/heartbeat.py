"""The outbox worker's heartbeat: when it last finished a pass.

The worker records one after each pass (:func:`beat`, at most every BEAT_EVERY
seconds): in Redis when the app has one (every host sees it), else in a file in
the instance folder (one host). ``/healthz?ready=1`` reads it (hub/ops/health.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import redis
from flask import Flask, current_app

HEARTBEAT_KEY = "hub:outbox-worker:heartbeat"
#: Seconds between two heartbeats of one worker.
BEAT_EVERY = 5.0
_last_beat = 0.0


def redis_client(app: Flask) -> redis.Redis | None:
    """A client for HUB_REDIS_URL with short timeouts (None without Redis)."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def heartbeat_file(app: Flask) -> Path:
    """Where the worker's heartbeat is kept without Redis."""
    configured = app.config.get("HEARTBEAT_FILE")
    return Path(configured or Path(app.instance_path, "outbox-worker.heartbeat"))


def beat(*, force: bool = False) -> None:
    """Record that the outbox worker is alive now (throttled to BEAT_EVERY)."""
    global _last_beat
    now = time.time()
    if not force and now - _last_beat < BEAT_EVERY:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    client = redis_client(app)
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
    client = redis_client(app)
    try:
        if client is not None:
            with client:
                raw = client.get(HEARTBEAT_KEY)
            return float(raw) if raw else None
        return float(heartbeat_file(app).read_text())
    except (OSError, ValueError, redis.RedisError):
        return None
