"""A day before a shift, each confirmed volunteer is reminded, once.

``flask --app hub reminders send`` runs it; cron calls it every 15 minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask import Flask, current_app, url_for
from sqlalchemy import Select, select, update
from sqlalchemy.orm import selectinload

from hub.db import begin_writing
from hub.extensions import db
from hub.models import Project, Shift, Signup
from hub.models.base import utcnow
from hub.models.projects import ProjectState
from hub.models.shifts import ShiftState, SignupState
from hub.notifications.services import notify
from hub.shifts.services import when_for

#: How long before its start a shift's people are reminded.
AHEAD = timedelta(hours=24)


def due_signups(now: datetime) -> Select:
    """The confirmed sign-ups to remind now: their shift starts within AHEAD."""
    return (
        select(Signup.id)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Project, Project.id == Shift.project_id)
        .where(
            Signup.state == SignupState.CONFIRMED,
            Signup.reminded_at.is_(None),
            Shift.state == ShiftState.SCHEDULED,
            Shift.starts_at > now,
            Shift.starts_at <= now + AHEAD,
            # A cancelled project leaves its shifts scheduled: remind nobody of them.
            Project.state.in_((ProjectState.RECRUITING, ProjectState.IN_PROGRESS)),
        )
    )


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind confirmed people whose shift starts within 24 hours; returns how many."""
    begin_writing()
    now = now or utcnow()
    due = due_signups(now)
    # Claim first, tell after: only the run whose UPDATE changed a row reminds
    # its person. A second run at the same time waits for the first's row locks
    # (PostgreSQL, which then re-checks reminded_at) or for the write lock
    # (SQLite), and finds nothing left to claim.
    claimed = db.session.scalars(
        update(Signup)
        .where(
            Signup.id.in_(due),
            Signup.reminded_at.is_(None),
            Signup.state == SignupState.CONFIRMED,
        )
        .values(reminded_at=now)
        .returning(Signup.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not claimed:
        return 0
    signups = db.session.scalars(
        select(Signup)
        .where(Signup.id.in_(claimed))
        .options(
            selectinload(Signup.user),
            selectinload(Signup.shift).selectinload(Shift.project),
        )
        .order_by(Signup.starts_at, Signup.id)
        .execution_options(populate_existing=True)
    ).all()
    for signup in signups:
        shift = signup.shift
        notify(
            signup.user,
            "shift_reminder",
            params={
                "project": shift.project.title,
                "when": when_for(signup.user, shift.starts_at),
                "place": shift.place,
            },
            url=url_for("shifts.mine"),
        )
    return len(signups)


def register_reminders_cli(app: Flask) -> None:
    """Add ``flask reminders send``."""

    @app.cli.group()
    def reminders() -> None:
        """Reminders to volunteers before their shifts."""

    @reminders.command("send")
    def send() -> None:
        """Remind each confirmed volunteer once, within 24 hours of their shift."""
        # Links in notifications are built with url_for, which needs a request.
        with current_app.test_request_context():
            sent = send_reminders()
            db.session.commit()
        click.echo(f"reminders: {sent} sent")
