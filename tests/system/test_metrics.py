"""Seeing what runs: /metrics, JSON logs without personal data, Sentry events
scrubbed, readiness in /healthz, and `flask db upgrade` refusing a newer database."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from datetime import timedelta
from pathlib import Path

import click
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask

from hub import create_app
from hub.extensions import db
from hub.models import OutboxMessage
from hub.models.base import utcnow
from hub.notifications import heartbeat
from hub.ops import health
from hub.ops.logs import JsonFormatter, mask_path, scrub
from hub.ops.sentry import init_sentry, scrub_event
from hub.ops.upgrade import DatabaseNewerThanCode, refuse_unknown_revisions
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
#: Made-up numbers these tests log on purpose, to see them masked.
MADE_UP = ("13900001111", "13912345678")


@pytest.fixture(autouse=True)
def _made_up_numbers(request: pytest.FixtureRequest) -> None:
    """Tell the run's watcher (tests/pii_watch.py) these numbers are ours."""
    watch = request.config.pluginmanager.get_plugin("pii-watch")
    if watch is not None:
        watch.ignore(*MADE_UP)


def _metric(body: str, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", body, re.MULTILINE)
    assert match, f"{name} not in /metrics"
    return float(match.group(1))


def test_metrics_show_the_outbox_backlog_and_its_age(client, db_session) -> None:  # noqa: ANN001
    for n, minutes in enumerate((3, 10)):
        db_session.add(
            OutboxMessage(
                kind="notice",
                template="notice",
                mobile=None,
                dedup_key=f"metrics-test:{n}",
                created_at=utcnow() - timedelta(minutes=minutes),
            )
        )
    db_session.flush()
    client.get("/privacy")
    body = client.get("/metrics").get_data(as_text=True)
    assert _metric(body, "hub_outbox_backlog") >= 2
    assert _metric(body, "hub_outbox_oldest_age_seconds") >= 600
    assert _metric(body, "hub_database_up") == 1
    for name in ("hub_reminders_due", "hub_sms_sent_today", "hub_db_pool_connections"):
        _metric(body, name)
    # Requests by route (the rule, never a token) and status, with latencies.
    assert re.search(r'hub_http_request_total\{method="GET",status="200"\}', body)
    assert 'url_rule="/privacy"' in body
    assert "hub_http_request_duration_seconds_bucket" in body


def test_metrics_refuse_other_addresses(client) -> None:  # noqa: ANN001
    answer = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert answer.status_code == 404


def test_metrics_off_when_no_network_is_allowed(tmp_path: Path) -> None:
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}",
            "METRICS_ALLOW": "",
        }
    )
    assert app.test_client().get("/metrics").status_code == 404


# Logs ---------------------------------------------------------------------------


def test_masks_numbers_codes_and_link_secrets() -> None:
    assert mask_path("/calendar/abcDEF123.ics") == "/calendar/***.ics"
    assert mask_path("/c/Zx9_token") == "/c/***"
    assert mask_path("/activate/tok/") == "/activate/***/"
    assert mask_path("/verify/ABCD-1234") == "/verify/***"
    assert mask_path("/calendar.ics") == "/calendar.ics"
    text = scrub(
        'GET /calendar/s3cret.ics to 13912345678, 验证码654321, "code": "123456"'
    )
    assert "s3cret" not in text and "13912345678" not in text
    assert "654321" not in text and "123456" not in text
    assert "139****5678" in text


def test_json_lines_carry_the_request_id_and_no_personal_data(app: Flask) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("hub.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        app.test_client().get(
            "/calendar/feedtoken123.ics", headers={"X-Request-ID": "abcdef0123456789"}
        )
    finally:
        access.removeHandler(handler)
        access.setLevel(logging.NOTSET)
    line = json.loads(stream.getvalue().splitlines()[0])
    assert line["request_id"] == "abcdef0123456789"
    assert line["path"] == "/calendar/***.ics"
    assert line["status"] == 404
    assert "feedtoken123" not in stream.getvalue()
    record = logging.makeLogRecord({"msg": "sent to %s", "args": ("13900001111",)})
    assert "139****1111" in JsonFormatter().format(record)


def test_a_made_up_request_id_is_replaced(app: Flask) -> None:
    answer = app.test_client().get("/privacy", headers={"X-Request-ID": "bad id!"})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


# Sentry -------------------------------------------------------------------------


def test_errors_reach_sentry_without_personal_data(tmp_path: Path) -> None:
    import sentry_sdk
    from sentry_sdk.transport import Transport

    sent: list[dict] = []

    class Capture(Transport):
        def capture_envelope(self, envelope) -> None:  # noqa: ANN001
            for item in envelope.items:
                if item.payload.json:
                    sent.append(item.payload.json)

    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 's.sqlite3'}",
        }
    )
    app.config["SENTRY_DSN"] = "https://public@sentry.invalid/1"
    assert init_sentry(app, transport=Capture)

    @app.route("/boom/<token>")
    def boom(token: str) -> str:
        raise RuntimeError(f"failed for 13912345678 with code=123456 at {token}")

    cookie = uuid.uuid4().hex  # not a literal: frames carry their source lines
    # Flask's own error line would carry the made-up number into pytest's capture.
    app.logger.disabled = True
    try:
        answer = app.test_client().get(
            "/boom/x?m=13912345678", headers={"Cookie": f"session={cookie}"}
        )
        assert answer.status_code == 500
        sentry_sdk.flush()
    finally:
        app.logger.disabled = False
        sentry_sdk.init(dsn=None)
    assert sent, "no event sent"
    event = json.dumps(sent)
    assert "RuntimeError" in event
    for secret in ("13912345678", "123456", cookie):
        assert secret not in event


def test_scrub_event_drops_request_details() -> None:
    event = {
        "request": {
            "url": "https://hub/calendar/tok.ics",
            "headers": {"Cookie": "x"},
            "query_string": "m=13912345678",
            "data": {"password": "p"},
        },
        "user": {"ip_address": "1.2.3.4"},
        "breadcrumbs": {"values": [{"message": "to 13912345678"}]},
    }
    cleaned = scrub_event(event, {})
    assert cleaned["request"] == {"url": "https://hub/calendar/***.ics"}
    assert "user" not in cleaned
    assert "13912345678" not in json.dumps(cleaned)


# Health ---------------------------------------------------------------------------


def test_healthz_stays_liveness_and_ready_adds_the_worker(
    client,  # noqa: ANN001
    app: Flask,
    tmp_path: Path,
) -> None:
    app.config["HEARTBEAT_FILE"] = str(tmp_path / "beat")
    try:
        live = client.get("/healthz")
        assert live.status_code == 200
        assert live.json == {"status": "ok", "database": "ok"}
        ready = client.get("/healthz?ready=1")
        assert ready.status_code == 503
        assert ready.json["outbox_worker"] == "never seen"
        assert ready.json["redis"] == "not configured"
        with app.app_context():
            heartbeat.beat(force=True)
        ready = client.get("/healthz?ready=1")
        assert ready.status_code == 200, ready.json
        assert ready.json["outbox_worker"] == "ok"
        (tmp_path / "beat").write_text(str(0))
        assert client.get("/healthz?ready=1").json["outbox_worker"] == "stale"
    finally:
        app.config.pop("HEARTBEAT_FILE")


def test_the_worker_records_a_heartbeat(app: Flask, tmp_path: Path) -> None:
    from hub.notifications.worker import Worker
    from hub.sms.transports import ConsoleTransport

    app.config["HEARTBEAT_FILE"] = str(tmp_path / "beat")
    heartbeat._last_beat = 0.0
    try:
        with app.app_context():
            Worker(ConsoleTransport()).run(once=True)
            assert health.worker_status(app)[0] == health.OK
    finally:
        app.config.pop("HEARTBEAT_FILE")


# Upgrades -------------------------------------------------------------------------


def test_upgrade_refuses_a_database_newer_than_the_code(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'newer.sqlite3'}")
    script = ScriptDirectory(str(ROOT / "migrations"))
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num TEXT)"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('9999')"))
    with engine.connect() as connection, pytest.raises(DatabaseNewerThanCode) as error:
        refuse_unknown_revisions(connection, script)
    assert "9999" in str(error.value.message)
    assert script.get_current_head() in error.value.message
    assert isinstance(error.value, click.ClickException)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE alembic_version SET version_num = :head"),
            {"head": script.get_current_head()},
        )
    with engine.connect() as connection:
        refuse_unknown_revisions(connection, script)  # known: nothing said
    engine.dispose()


def test_flask_db_upgrade_stops_on_a_newer_database(tmp_path: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'u.sqlite3'}",
        }
    )
    with app.app_context():
        upgrade()
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'zz99'"))
        db.session.commit()
        with pytest.raises(DatabaseNewerThanCode):
            upgrade()
        assert db.session.scalar(
            sa.text("SELECT version_num FROM alembic_version")
        ) == ("zz99")
        db.engine.dispose()


# gunicorn -------------------------------------------------------------------------


def test_gunicorn_hooks_keep_the_metrics_folder_to_live_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import runpy

    from prometheus_client import multiprocess

    folder = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    monkeypatch.setenv("HUB_LOG_FORMAT", "json")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["logconfig_dict"]["formatters"]["json"]["()"] == (
        "hub.ops.logs.JsonFormatter"
    )
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"old")
    settings["on_starting"](None)
    assert list(folder.iterdir()) == []  # a fresh start counts no dead process
    dead: list[int] = []
    monkeypatch.setattr(multiprocess, "mark_process_dead", dead.append)

    class Worker:
        pid = 4242

    settings["child_exit"](None, Worker())
    assert dead == [4242]
