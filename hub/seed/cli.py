"""``flask seed city``: migrate, seed, print counts and logins."""

from __future__ import annotations

import click
from flask import current_app
from flask_migrate import upgrade

from hub import create_app
from hub.extensions import db
from hub.models.base import utcnow
from hub.seed.city import CITY_PASSWORD, marker
from hub.seed.run import seed_city


def run_seed_city(seed: int, scale: float, database_url: str | None) -> None:
    """Bring the schema up to date, then generate the data set into it."""
    app = current_app._get_current_object()  # noqa: SLF001
    if database_url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        try:
            result = seed_city(
                db.engine,
                seed=seed,
                scale=scale,
                consent_version=app.config["PRIVACY_NOTICE_VERSION"],
                now=utcnow(),
            )
        except RuntimeError as error:
            raise click.ClickException(str(error)) from error
        db.engine.dispose()
    click.echo(f"\n{marker(seed, scale)}: done in {result['seconds']:.0f} s")
    for table, n in result["counts"].items():
        click.echo(f"  {table:<26} {n:>10,}")
    click.echo(f"\nLogins (password for all: {CITY_PASSWORD})")
    for mobile, name, label in result["logins"]:
        click.echo(f"  {mobile}  {name:<4}  {label}")
