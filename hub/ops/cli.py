"""``flask audit verify``, ``flask backup PATH`` and ``flask restore PATH``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from hub.extensions import db


def _anchor(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[int, str]:
    anchors: dict[int, str] = {}
    for value in values:
        entry_id, _, entry_hash = value.partition(":")
        if not entry_id.isdigit() or len(entry_hash) != 64:
            raise click.BadParameter(f"{value!r} is not ID:HASH (64 hex digits)")
        anchors[int(entry_id)] = entry_hash.lower()
    return anchors


def register_ops_cli(app: Flask) -> None:
    """Add the audit, backup and restore commands to ``flask``."""

    @app.cli.group()
    def audit() -> None:
        """The audit log."""

    @audit.command("verify")
    @click.option(
        "--batch-size", default=1000, show_default=True, type=click.IntRange(1)
    )
    @click.option(
        "--anchor",
        "anchors",
        multiple=True,
        metavar="ID:HASH",
        callback=_anchor,
        help="An entry's hash noted earlier; catches a cut-off end of the chain.",
    )
    def verify(batch_size: int, anchors: dict[int, str]) -> None:
        """Walk the hash chain; exit 1 naming each edited, inserted or deleted entry."""
        from hub.ops.audit_chain import verify_chain

        report = verify_chain(batch_size=batch_size, anchors=anchors)
        db.session.rollback()
        for problem in report.problems:
            where = "" if problem.entry_id is None else f" at entry {problem.entry_id}"
            click.echo(f"{problem.kind.upper()}{where}: {problem.detail}")
        click.echo(f"audit chain: {report.checked} entries checked")
        if report.head_id is not None:
            click.echo(f"head: {report.head_id}:{report.head_hash}")
        if not report.ok:
            click.echo(
                f"audit chain: {len(report.problems)} problem(s) found", err=True
            )
            raise SystemExit(1)
        click.echo("audit chain: intact")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Replace PATH if it exists.")
    def backup(path: Path, yes: bool) -> None:
        """Copy the SQLite database to PATH while the app keeps running."""
        from hub.ops.backup import BackupError, backup_sqlite, sqlite_file

        try:
            source = sqlite_file(db.engine.url)
            if path.exists() and not yes:
                raise BackupError(f"{path} exists; add --yes to replace it")
            revision = backup_sqlite(source, path)
        except BackupError as e:
            raise click.ClickException(str(e)) from e
        click.echo(f"backed up {source} to {path} (migration {revision})")

    @app.cli.command("restore")
    @click.argument(
        "path", type=click.Path(exists=True, dir_okay=False, path_type=Path)
    )
    @click.option("--yes", is_flag=True, help="Replace the current database.")
    def restore(path: Path, yes: bool) -> None:
        """Replace the SQLite database by the backup at PATH (checked first)."""
        from hub.ops.backup import (
            BackupError,
            check_database,
            has_tables,
            restore_sqlite,
            sqlite_file,
        )

        try:
            target = sqlite_file(db.engine.url)
            check_database(path)
            if has_tables(target) and not yes:
                raise BackupError(
                    f"this replaces everything in {target}; add --yes to go ahead"
                )
            db.session.remove()
            revision = restore_sqlite(path, target)
        except BackupError as e:
            raise click.ClickException(str(e)) from e
        db.engine.dispose()
        click.echo(f"restored {target} from {path} (migration {revision})")

    @app.cli.group("admin")
    def admin_group() -> None:
        """Administrators (the first one, on a new server)."""

    @admin_group.command("create")
    @click.option("--mobile", required=True, help="The administrator's mobile number.")
    @click.option("--name", required=True, help="The administrator's name.")
    @click.password_option(
        "--password",
        help="Asked for (twice) when not given; kept only for a new account.",
    )
    def admin_create(mobile: str, name: str, password: str) -> None:
        """Make an administrator: a new account, or an existing one promoted.

        For the first administrator of a new server (later ones are granted in the
        app). Whoever runs this vouches for the number: it counts as proved.
        """
        from hub.ops.accounts import AccountError, create_admin

        try:
            user, created = create_admin(mobile=mobile, name=name, password=password)
        except AccountError as e:
            raise click.ClickException(str(e)) from e
        from hub.phones import mask_mobile

        what = "created" if created else "promoted"
        click.echo(f"administrator {what}: {user.name} ({mask_mobile(user.mobile)})")
