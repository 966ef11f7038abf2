"""Prometheus metrics at ``/metrics``, for the monitoring network only.

Requests by route and status and their latency (prometheus-flask-exporter,
grouped by the URL rule, so a link's token never becomes a label); database
connections in use; and, read from the database at each scrape, the outbox backlog
and the age of its oldest message, reminders due, and SMS sent today.

Under gunicorn every process writes its numbers to files in
``PROMETHEUS_MULTIPROC_DIR`` (set by the systemd unit; gunicorn.conf.py empties it
at start and forgets each exited worker), and ``/metrics`` adds them up, whichever
process answers. Only addresses in HUB_METRICS_ALLOW may read it (nginx also
refuses it to everyone but the monitoring network).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator

from flask import Flask, current_app
from prometheus_client import CollectorRegistry, Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from prometheus_flask_exporter import PrometheusMetrics
from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError

from hub.extensions import db
from hub.localtime import day_start, local_date
from hub.models import OutboxMessage
from hub.models.base import utcnow
from hub.notifications.outbox import GIVEN_UP_AT
from hub.shifts.reminders import due_signups

#: Latency buckets (seconds) around the pages' budget (DESIGN §5).
BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 2.0, 5.0, 10.0)
EXCLUDED_PATHS = ["^/static/", "^/metrics$", "^/healthz$"]

#: This process's own metrics (multiprocess mode reads every process's files).
_PROCESS_REGISTRY = CollectorRegistry(auto_describe=False)
#: Connections each process holds from its pool, summed over live processes.
POOL_CHECKED_OUT = Gauge(
    "hub_db_pool_checked_out",
    "Database connections in use",
    multiprocess_mode="livesum",
    registry=_PROCESS_REGISTRY,
)
POOL_OPEN = Gauge(
    "hub_db_pool_connections",
    "Database connections open (in use or idle in the pool)",
    multiprocess_mode="livesum",
    registry=_PROCESS_REGISTRY,
)


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def allowed_networks(
    app: Flask,
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """HUB_METRICS_ALLOW read as networks (empty: nobody)."""
    return [
        ipaddress.ip_network(part.strip(), strict=False)
        for part in str(app.config["METRICS_ALLOW"]).split(",")
        if part.strip()
    ]


def is_allowed(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in current_app.extensions["hub_metrics_allow"])


class HubCollector(Collector):
    """What the database says at scrape time: outbox, reminders, SMS today."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = utcnow()
        try:
            waiting = (
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.next_attempt_at != GIVEN_UP_AT,
            )
            backlog, oldest = db.session.execute(
                select(func.count(), func.min(OutboxMessage.created_at)).where(*waiting)
            ).one()
            given_up = db.session.scalar(
                select(func.count()).where(
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.next_attempt_at == GIVEN_UP_AT,
                )
            )
            midnight = day_start(local_date(now))
            sent_today = db.session.scalar(
                select(func.count()).where(OutboxMessage.sent_at >= midnight)
            )
            reminders = db.session.scalar(
                select(func.count()).select_from(due_signups(now).subquery())
            )
        except SQLAlchemyError:
            db.session.rollback()
            up = GaugeMetricFamily("hub_database_up", "Whether the database answered")
            up.add_metric([], 0)
            yield up
            return
        finally:
            db.session.rollback()  # a scrape writes nothing and holds no snapshot
        up = GaugeMetricFamily("hub_database_up", "Whether the database answered")
        up.add_metric([], 1)
        yield up
        yield _gauge("hub_outbox_backlog", "SMS waiting to be sent", backlog)
        age = (now - oldest).total_seconds() if oldest is not None else 0
        yield _gauge(
            "hub_outbox_oldest_age_seconds",
            "Age of the oldest SMS waiting to be sent (0 when none)",
            max(age, 0),
        )
        yield _gauge(
            "hub_outbox_given_up", "SMS given up after every retry", given_up or 0
        )
        yield _gauge(
            "hub_sms_sent_today",
            "SMS sent since midnight (HUB_TIMEZONE)",
            sent_today or 0,
        )
        yield _gauge(
            "hub_reminders_due",
            "Shift reminders due and not yet sent (within the next 24 hours)",
            reminders or 0,
        )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation)
    family.add_metric([], value)
    return family


class _Registered(Collector):
    """This process's own registry (when not in multiprocess mode)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator:  # noqa: ANN401 - prometheus metric families
        return self.registry.collect()


def registry_for_scrape() -> CollectorRegistry:
    """Everything /metrics shows: every process's numbers and the database's."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess():
        MultiProcessCollector(registry)
    else:
        registry.register(_Registered(current_app.extensions["hub_metrics"].registry))
        registry.register(_Registered(_PROCESS_REGISTRY))
    registry.register(HubCollector())
    return registry


def _watch_pool() -> None:
    engine = db.engine
    if event.contains(engine, "checkout", _checked_out):
        return
    event.listen(engine, "checkout", _checked_out)
    event.listen(engine, "checkin", _checked_in)
    event.listen(engine, "connect", _opened)
    event.listen(engine, "close", _closed)
    event.listen(engine, "close_detached", _closed)


def _checked_out(*_args: object) -> None:
    POOL_CHECKED_OUT.inc()


def _checked_in(*_args: object) -> None:
    POOL_CHECKED_OUT.dec()


def _opened(*_args: object) -> None:
    POOL_OPEN.inc()


def _closed(*_args: object) -> None:
    POOL_OPEN.dec()


def init_metrics(app: Flask) -> None:
    """Request metrics for this app, pool gauges, and the ``/metrics`` view."""
    app.extensions["hub_metrics_allow"] = allowed_networks(app)
    # A registry per app: the suite builds several apps in one process.
    exporter = PrometheusMetrics(
        app=None,
        path=None,
        registry=CollectorRegistry(auto_describe=False),
        defaults_prefix="hub",
        group_by="url_rule",
        buckets=BUCKETS,
        excluded_paths=EXCLUDED_PATHS,
    )
    exporter.init_app(app)
    app.extensions["hub_metrics"] = exporter
    from hub.ops.routes import bp

    app.register_blueprint(bp)
    with app.app_context():
        _watch_pool()
