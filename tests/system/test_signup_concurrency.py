"""No overbooking on PostgreSQL: many real connections racing for the same places."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from hub.extensions import db
from hub.models import Shift, Signup, User
from hub.models.shifts import SignupState
from hub.shifts import services
from tests import factories
from tests.system.concurrency import postgres_app, race

pytestmark = pytest.mark.postgres_only

PEOPLE = 50
CAPACITY = 10
ROUNDS = 20


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    yield from postgres_app(
        "hub_signup_concurrency", str(tmp_path_factory.mktemp("s")), pool=PEOPLE + 5
    )


def _sign_up(shift_id: int, user_id: int):  # noqa: ANN202
    def job() -> str:
        signup = services.sign_up(
            db.session.get(Shift, shift_id), user=db.session.get(User, user_id)
        )
        return signup.state

    return job


def test_fifty_people_ten_places_twenty_rounds(pg_app: Flask) -> None:
    with pg_app.app_context(), pg_app.test_request_context():
        project = factories.recruiting_project()
        people = [factories.volunteer().id for _ in range(PEOPLE)]
        shift_ids = [
            factories.shift(project, capacity=CAPACITY, hours_from_now=48 + 3 * n).id
            for n in range(ROUNDS)
        ]
        db.session.commit()

    for shift_id in shift_ids:
        results = race(pg_app, [_sign_up(shift_id, person) for person in people])
        assert sorted(results) == ["confirmed"] * CAPACITY + ["waitlisted"] * (
            PEOPLE - CAPACITY
        ), results
        with pg_app.app_context():
            rows = db.session.execute(
                select(Signup.state, func.count())
                .where(Signup.shift_id == shift_id)
                .group_by(Signup.state)
            ).all()
            assert dict(rows) == {
                "confirmed": CAPACITY,
                "waitlisted": PEOPLE - CAPACITY,
            }
            assert db.session.get(Shift, shift_id).confirmed_count == CAPACITY


def test_one_person_racing_for_two_overlapping_shifts_gets_one(pg_app: Flask) -> None:
    with pg_app.app_context(), pg_app.test_request_context():
        project = factories.recruiting_project()
        people = [factories.volunteer().id for _ in range(10)]
        pairs = [
            (
                factories.shift(project, capacity=50, hours_from_now=500 + 5 * n).id,
                factories.shift(project, capacity=50, hours_from_now=501 + 5 * n).id,
            )
            for n in range(len(people))
        ]
        db.session.commit()

    jobs = []
    for person, (a, b) in zip(people, pairs, strict=True):
        jobs += [_sign_up(a, person), _sign_up(b, person)]
    results = race(pg_app, jobs)
    for i in range(len(people)):
        pair = results[2 * i : 2 * i + 2]
        assert pair.count("confirmed") == 1, pair
        assert any(isinstance(r, services.OverlapsAnotherShift) for r in pair), pair
    with pg_app.app_context():
        shift_ids = [shift_id for pair in pairs for shift_id in pair]
        assert db.session.scalar(
            select(func.count()).where(
                Signup.shift_id.in_(shift_ids), Signup.state == SignupState.CONFIRMED
            )
        ) == len(people)
