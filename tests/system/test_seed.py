"""`flask seed demo` on an empty database, as `make run` does on first start: the
whole story, in every state, the same on every run relative to today."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from hub import create_app
from hub.extensions import db
from hub.models import (
    Certificate,
    EvaluationWindow,
    HourRecord,
    Invitation,
    Notification,
    Organization,
    Project,
    Rating,
    ServiceNeed,
    Shift,
    Signup,
    Street,
    Tender,
    User,
)
from hub.models.base import utcnow
from hub.models.projects import LinkState
from hub.models.shifts import SignupState
from hub.seed.demo import DEMO_ACCOUNTS, Clock, demo_logins, seed_demo
from tests.conftest import TEST_SECRET
from tests.web.test_opendata import _schema_validator

#: Each test seeds SQLite files of its own: the suite's database is not involved.
pytestmark = pytest.mark.sqlite_file


def _app(tmp_path: Path, name: str) -> Flask:
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/{name}.sqlite3",
            "UPLOAD_DIR": str(tmp_path / f"{name}-uploads"),
        }
    )
    with app.app_context():
        upgrade()
    return app


def _seed(app: Flask, now: datetime) -> None:
    """What `flask seed demo` does, at a given moment."""
    with app.app_context(), app.test_request_context():
        seed_demo(now)
        db.session.commit()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One seeded demo for the tests that only read it."""
    app = _app(tmp_path_factory.mktemp("demo"), "demo")
    _seed(app, utcnow())
    return app


def _count(column: Any) -> dict[str, int]:
    return dict(db.session.execute(select(column, func.count()).group_by(column)).all())


def test_seed_demo_once_then_keeps_the_data(tmp_path) -> None:
    app = _app(tmp_path, "cli")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "13800000001" in first.output and "shanzhi-demo-2026" in first.output
    for login in demo_logins():
        assert login.mobile in first.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Street)) == 6
        users = db.session.scalar(select(func.count()).select_from(User))
        assert users == len(DEMO_ACCOUNTS)

    again = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert again.exit_code == 0 and "already" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users

    # The story's texts were printed by the seed (the console is the demo's SMS),
    # numbers masked; nothing is left for the first request to print.
    texts = [line for line in first.output.splitlines() if line.startswith("[sms]")]
    assert any("138****0002" in line for line in texts)
    assert not any("13800000002" in line for line in texts)
    delivered = runner.invoke(args=["outbox", "deliver"])
    assert delivered.exit_code == 0, delivered.output
    assert "outbox: 0 sent" in delivered.output


def test_every_stage_of_the_story_is_there(demo: Flask) -> None:
    with demo.app_context():
        filings = Counter(
            (state, stage)
            for state, stage in db.session.execute(
                select(Organization.filing_state, Organization.stage)
            )
        )
        assert filings == {
            ("approved", "incubating"): 2,
            ("approved", "graduated"): 1,
            ("submitted", None): 1,
            ("changes_requested", None): 1,
        }
        assert _count(Tender.state) == {"open": 2, "awarded": 1}
        assert _count(Project.state) == {
            "evaluated": 1,
            "completed": 1,
            "recruiting": 2,
            "pending_approval": 1,
        }
        waiting = db.session.scalar(
            select(Project).where(Project.state == "pending_approval")
        )
        assert waiting.link_state == LinkState.REQUESTED
        assert _count(ServiceNeed.state) == {
            "open": 3,
            "triaged": 1,
            "in_progress": 1,
            "resolved": 1,
            "declined": 1,
            "withdrawn": 1,
        }
        assert _count(Signup.state) == {
            "attended": 60,
            "no_show": 1,
            "confirmed": 10,
            "waitlisted": 1,
        }
        assert _count(HourRecord.state) == {"confirmed": 57, "pending": 3}
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 3
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_the_demo_volunteer_has_work_to_sign_up_for(demo: Flask) -> None:
    with demo.app_context():
        now = utcnow()
        upcoming = db.session.scalars(
            select(Shift).where(Shift.starts_at > now).order_by(Shift.starts_at)
        ).all()
        assert all(s.is_open(now) for s in upcoming)
        with_places = [s for s in upcoming if not s.is_full]
        full = [s for s in upcoming if s.is_full]
        assert len(with_places) >= 5 and len(full) == 1
        waiting = db.session.scalar(
            select(func.count()).where(
                Signup.shift_id == full[0].id, Signup.state == SignupState.WAITLISTED
            )
        )
        assert waiting == 1
        volunteer = db.session.scalar(select(User).where(User.mobile == "13800000005"))
        mine = {
            s.shift_id
            for s in db.session.scalars(
                select(Signup).where(Signup.user_id == volunteer.id)
            )
        }
        assert [s for s in with_places if s.id not in mine]


def test_every_login_has_messages_and_the_volunteer_a_certificate(
    demo: Flask,
) -> None:
    with demo.app_context():
        inbox = dict(
            db.session.execute(
                select(User.mobile, func.count(Notification.id))
                .join(Notification, Notification.user_id == User.id)
                .group_by(User.mobile)
            ).all()
        )
        for login in demo_logins():
            assert inbox.get(login.mobile, 0) >= 1, login
        certificate = db.session.scalar(select(Certificate))
        assert certificate.user.mobile == "13800000005"
        assert certificate.total_minutes > 0
        window = db.session.scalar(select(EvaluationWindow))
        assert window.is_open()
        code = certificate.code
    page = demo.test_client().get(f"/verify/{code}")
    assert page.status_code == 200
    assert certificate.number in page.get_data(as_text=True)


def test_the_dashboard_charts_hours_in_past_months(demo: Flask) -> None:
    from hub.reports import figures
    from hub.reports.scope import Period, Scope, local_today

    with demo.app_context():
        now = utcnow()
        today = local_today(now)
        street = db.session.scalar(select(Street).where(Street.code == "SJC"))
        scope = Scope("street", street.id, street.name, street.id)
        board = figures.dashboard(
            scope, Period(today - timedelta(days=150), today), now
        )
        months_with_hours = [m for _y, _m, m in board.hours_by_month if m > 0]
        assert len(months_with_hours) >= 4


def test_open_data_has_a_complete_purchase_that_validates(demo: Flask) -> None:
    response = demo.test_client().get("/open-data/ocds/release-package.json")
    assert response.status_code == 200
    package = json.loads(response.get_data(as_text=True))
    errors = sorted(_schema_validator().iter_errors(package), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    tags = {r["tender"]["title"]: r["tag"] for r in package["releases"]}
    assert tags["锁金村街道老年人助餐服务"] == [
        "tender",
        "award",
        "contract",
        "implementation",
    ]
    (done,) = [
        r
        for r in package["releases"]
        if r["tender"]["title"] == "锁金村街道老年人助餐服务"
    ]
    assert done["tender"]["numberOfTenderers"] == 2
    assert (
        done["tender"]["tenderPeriod"]["startDate"]
        < done["tender"]["tenderPeriod"]["endDate"]
    )
    milestones = done["contracts"][0]["implementation"]["milestones"]
    kinds = Counter(m["type"] for m in milestones)
    assert kinds["delivery"] >= 4 and kinds["assessment"] == 1


def _story(app: Flask, now: datetime) -> dict[str, Any]:
    """What the demo holds, with every date relative to the day it was seeded."""
    clock = Clock(now)
    midnight = clock.at(0, 0)

    def days(moment: datetime | date) -> float:
        """Seconds after the seeding day's midnight, or days after that day."""
        if isinstance(moment, datetime):
            return (moment - midnight).total_seconds()
        return (moment - clock.today).days

    with app.app_context():
        mobile = dict(db.session.execute(select(User.id, User.mobile)).all())
        return {
            "orgs": sorted(
                (o.name, o.filing_state, o.stage, o.filing_number)
                for o in db.session.scalars(select(Organization))
            ),
            "tenders": sorted(
                (t.title, t.state, days(t.deadline), days(t.period_start))
                for t in db.session.scalars(select(Tender))
            ),
            "projects": sorted(
                (
                    p.title,
                    p.state,
                    p.link_state,
                    days(p.period_start),
                    days(p.period_end),
                )
                for p in db.session.scalars(select(Project))
            ),
            "shifts": sorted(
                (s.project.title, days(s.starts_at), s.capacity, s.confirmed_count)
                for s in db.session.scalars(select(Shift))
            ),
            "signups": sorted(
                (mobile[s.user_id], days(s.starts_at), s.state)
                for s in db.session.scalars(select(Signup))
            ),
            "hours": sorted(
                (mobile[h.user_id], days(h.served_on), h.minutes, h.state)
                for h in db.session.scalars(select(HourRecord))
            ),
            "needs": sorted(
                (n.description, n.state, n.organization_id)
                for n in db.session.scalars(select(ServiceNeed))
            ),
            "inboxes": sorted(
                Counter(
                    mobile[u] for u in db.session.scalars(select(Notification.user_id))
                ).items()
            ),
            "certificates": [
                (c.total_minutes, days(c.period_start), c.lines)
                for c in db.session.scalars(select(Certificate))
            ],
        }


def test_two_seeds_on_two_empty_databases_tell_the_same_story(tmp_path) -> None:
    now = utcnow()
    # Earlier the same day (Asia/Shanghai): the story is placed by the day.
    midnight = Clock(now).at(0, 0)
    earlier = midnight + (now - midnight) / 2
    first, second = _app(tmp_path, "first"), _app(tmp_path, "second")
    _seed(first, now)
    _seed(second, earlier)
    assert _story(first, now) == _story(second, earlier)
