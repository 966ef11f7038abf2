"""``flask db upgrade`` refuses a database newer than the code.

A database whose ``alembic_version`` names a migration this release does not have
was upgraded by a newer release: running an older one's migrations on it (or the
older code against it) would break it in ways nobody tested. migrations/env.py
calls :func:`refuse_unknown_revisions` before any migration runs.
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from alembic.script import ScriptDirectory


class DatabaseNewerThanCode(click.ClickException):
    """The database is at a migration this code does not know."""


def database_revisions(connection: sa.Connection) -> list[str]:
    """The revisions recorded in the database (none before the first upgrade)."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return []
    return list(
        connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
    )


def refuse_unknown_revisions(
    connection: sa.Connection, script: ScriptDirectory
) -> None:
    """Raise DatabaseNewerThanCode when the database is at a revision not in
    ``script`` (it was migrated by a newer release)."""
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = [r for r in database_revisions(connection) if r not in known]
    if unknown:
        raise DatabaseNewerThanCode(
            f"the database is at migration {', '.join(unknown)}, which this code "
            f"does not have (its newest is {script.get_current_head()}): a newer "
            "release migrated it. Deploy that release (or newer) instead; nothing "
            "was changed."
        )
