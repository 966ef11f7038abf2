"""Command-line tasks: ``flask --app hub seed demo`` (the story: hub.seed.demo)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from hub.extensions import db
from hub.notifications.outbox import deliver_due
from hub.notifications.worker import take_write_lock_first
from hub.seed.demo import DEMO_PASSWORD, DemoAccount, demo_logins, seed_demo
from hub.sms.transports import transport_from_config


def print_logins(logins: list[DemoAccount]) -> None:
    """The demo logins, one a line, with the shared password."""
    click.echo("")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for spec in logins:
        click.echo(f"  {spec.mobile}  {spec.name:<4}  {spec.label}")
    click.echo("")


def _send_story_texts() -> None:
    """The story's texts went out when it happened: on the console (the demo's SMS)
    they are printed now, so the first request of `make run`, which delivers
    inline, shows only its own (a login code). With a real provider they stay in
    the outbox, as before, for the worker."""
    if (current_app.config.get("SMS_PROVIDER") or "console") != "console":
        return
    take_write_lock_first(db.engine)
    deliver_due(
        transport_from_config(current_app.config),
        locale=current_app.config["SMS_LOCALE"],
    )


def register_cli(app: Flask) -> None:
    """Add the hub's commands to ``flask``."""
    from hub.notifications.cli import register_outbox_cli
    from hub.ops.cli import register_ops_cli

    register_outbox_cli(app)
    register_ops_cli(app)

    @app.cli.group()
    def seed() -> None:
        """Load data."""

    @seed.command("demo")
    @click.option(
        "--if-empty",
        is_flag=True,
        help="Do nothing if the database already has places.",
    )
    def seed_demo_command(if_empty: bool) -> None:
        """The article's streets, and a story for every role (see hub.seed.demo)."""
        from hub.models import Street

        if db.session.scalar(select(func.count()).select_from(Street)):
            if if_empty:
                click.echo("Demo data already loaded; keeping it.")
                print_logins(demo_logins())
                return
            raise click.ClickException("the database already has places; not seeding")
        from flask import current_app

        with current_app.test_request_context():
            logins = seed_demo()
        db.session.commit()
        _send_story_texts()
        click.echo("Demo data loaded.")
        print_logins(logins)

    @seed.command("city")
    @click.option("--seed", "seed_value", default=1, show_default=True, type=int)
    @click.option("--scale", default=1.0, show_default=True, type=float)
    @click.option("--database-url", help="Seed this database instead of the app's.")
    def seed_city_command(
        seed_value: int, scale: float, database_url: str | None
    ) -> None:
        """A city-scale data set (DESIGN §5) into an empty database; see hub.seed."""
        from hub.seed.cli import run_seed_city

        run_seed_city(seed_value, scale, database_url)
