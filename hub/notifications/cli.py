"""``flask --app hub outbox deliver`` (cron) and ``outbox work`` (the worker)."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app

from hub.extensions import db
from hub.notifications.outbox import deliver_due
from hub.sms.transports import transport_from_config


def _log_to_stderr() -> None:
    """INFO lines on stderr (journald keeps them), unless logging is set up already."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    hub = logging.getLogger("hub")
    if hub.level == logging.NOTSET or hub.level > logging.INFO:
        hub.setLevel(logging.INFO)


def register_outbox_cli(app: Flask) -> None:
    """Add the ``outbox`` commands to ``flask``."""

    @app.cli.group()
    def outbox() -> None:
        """Messages waiting to leave the app (SMS)."""

    @outbox.command("deliver")
    @click.option("--batch-size", default=50, show_default=True, type=click.IntRange(1))
    def deliver(batch_size: int) -> None:
        """Send every due message once; failures are retried later with back-off."""
        from hub.notifications.worker import take_write_lock_first

        take_write_lock_first(db.engine)
        report = deliver_due(
            transport_from_config(current_app.config),
            batch_size=batch_size,
            locale=current_app.config["SMS_LOCALE"],
        )
        click.echo(
            f"outbox: {report.sent} sent, {report.failed} to retry, "
            f"{report.given_up} given up, {report.skipped} skipped"
        )

    @outbox.command("work")
    @click.option("--batch-size", default=20, show_default=True, type=click.IntRange(1))
    @click.option(
        "--poll-seconds",
        type=click.FloatRange(min=0.05),
        help="Seconds between polls [default: 5 when PostgreSQL's NOTIFY wakes the "
        "worker, 1 otherwise].",
    )
    @click.option(
        "--max-seconds",
        type=click.FloatRange(min=0),
        help="Stop after this long (tests); by default run until SIGTERM/SIGINT.",
    )
    @click.option("--once", is_flag=True, help="One pass, then exit.")
    def work(
        batch_size: int,
        poll_seconds: float | None,
        max_seconds: float | None,
        once: bool,
    ) -> None:
        """Deliver continuously, woken when a message commits; cron stays a fallback.

        SIGTERM or SIGINT stops it after the message in hand (exit 0); a database
        outage is waited out with back-off. Run it under systemd with Restart=always.
        """
        from hub.notifications.worker import Worker

        _log_to_stderr()
        Worker(
            transport_from_config(current_app.config),
            locale=current_app.config["SMS_LOCALE"],
            batch_size=batch_size,
            poll_seconds=poll_seconds,
        ).run(max_seconds=max_seconds, once=once)
