"""Filing numbers under concurrent approvals, on PostgreSQL with real connections."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from hub.extensions import db
from hub.models import Organization, User
from hub.organizations import services
from tests.system.concurrency import THREADS, postgres_app, race

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    yield from postgres_app("hub_concurrency_test", str(tmp_path_factory.mktemp("c")))


def _submitted(app: Flask, count: int, street_code: str) -> tuple[list[int], int]:
    """Commit ``count`` submitted filings in a new street and a reviewer for it."""
    from tests import factories

    with app.app_context(), app.test_request_context():
        street = factories.StreetFactory(code=street_code)
        reviewer = factories.reviewer(street=street)
        ids = [factories.submitted_application(street=street).id for _ in range(count)]
        db.session.commit()
        return ids, reviewer.id


def test_concurrent_approvals_get_unique_consecutive_numbers(pg_app: Flask) -> None:
    ids, reviewer_id = _submitted(pg_app, THREADS, "CC")

    def approve(org_id: int):  # noqa: ANN202
        def job() -> str:
            org = db.session.get(Organization, org_id)
            return services.approve_application(
                org, by=db.session.get(User, reviewer_id)
            )

        return job

    results = race(pg_app, [approve(i) for i in ids])
    assert all(isinstance(r, str) for r in results), results
    assert sorted(int(r.rsplit("-", 1)[1]) for r in results) == list(
        range(1, THREADS + 1)
    )
    with pg_app.app_context():
        stored = db.session.scalars(
            sa.select(Organization.filing_number).where(Organization.id.in_(ids))
        ).all()
        assert sorted(stored) == sorted(results)


def test_two_reviewers_approving_one_filing_issue_one_number(pg_app: Flask) -> None:
    ids, reviewer_id = _submitted(pg_app, 1, "CD")

    def approve() -> str:
        org = db.session.get(Organization, ids[0])
        return services.approve_application(org, by=db.session.get(User, reviewer_id))

    results = race(pg_app, [approve, approve, approve])
    numbers = [r for r in results if isinstance(r, str)]
    assert len(numbers) == 1, results
    assert all(
        isinstance(r, services.AlreadyDecided) for r in results if r not in numbers
    )
    with pg_app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.max(sa.text("last_value")))
                .select_from(sa.text("filing_sequences"))
                .where(
                    sa.text("street_id = (SELECT id FROM streets WHERE code = 'CD')")
                )
            )
            == 1
        )
