"""``flask --app hub outbox deliver``: send what the outbox holds."""

from __future__ import annotations

import click
from flask import Flask, current_app

from hub.notifications.outbox import deliver_due
from hub.sms.transports import transport_from_config


def register_outbox_cli(app: Flask) -> None:
    """Add the ``outbox`` commands to ``flask``."""

    @app.cli.group()
    def outbox() -> None:
        """Messages waiting to leave the app (SMS)."""

    @outbox.command("deliver")
    @click.option("--batch-size", default=50, show_default=True, type=click.IntRange(1))
    def deliver(batch_size: int) -> None:
        """Send every due message once; failures are retried later with back-off."""
        report = deliver_due(
            transport_from_config(current_app.config),
            batch_size=batch_size,
            locale=current_app.config["SMS_LOCALE"],
        )
        click.echo(
            f"outbox: {report.sent} sent, {report.failed} to retry, "
            f"{report.given_up} given up, {report.skipped} skipped"
        )
