"""Reminders never go out twice on PostgreSQL, with several runs at the same moment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from hub.extensions import db
from hub.models import Notification
from hub.shifts import services
from hub.shifts.reminders import send_reminders
from tests import factories
from tests.system.concurrency import THREADS, postgres_app, race

pytestmark = pytest.mark.postgres_only

PEOPLE = 30


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    yield from postgres_app(
        "hub_reminder_concurrency", str(tmp_path_factory.mktemp("r"))
    )


def test_runs_at_the_same_time_remind_each_person_once(pg_app: Flask) -> None:
    with pg_app.app_context(), pg_app.test_request_context():
        shift = factories.shift(capacity=PEOPLE, hours_from_now=12)
        for _ in range(PEOPLE):
            services.sign_up(shift, user=factories.volunteer())
        db.session.commit()

    results = race(pg_app, [send_reminders] * THREADS)
    assert sum(results) == PEOPLE, results
    with pg_app.app_context():
        per_person = db.session.execute(
            select(Notification.user_id, func.count())
            .where(Notification.kind == "shift_reminder")
            .group_by(Notification.user_id)
        ).all()
        assert len(per_person) == PEOPLE
        assert {count for _user, count in per_person} == {1}
