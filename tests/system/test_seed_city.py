"""`flask seed city` at a tiny scale: consistent data, a valid audit chain, pages that
render for seeded people, and ids that keep working after the bulk load."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from hub import create_app
from hub.extensions import db
from hub.models import (
    AuditEntry,
    Community,
    HourRecord,
    Organization,
    Project,
    RoleGrant,
    Shift,
    Signup,
    Street,
    User,
    VolunteerProfile,
)
from hub.seed.city import CITY_PASSWORD
from tests.conftest import TEST_SECRET, fresh_database


@pytest.fixture
def seeded(tmp_path):
    url = fresh_database("seed_city_test", str(tmp_path))
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "RATELIMIT_STORAGE_URI": "memory://",
            "WTF_CSRF_ENABLED": False,
        }
    )
    result = app.test_cli_runner().invoke(
        args=["seed", "city", "--scale", "0.001", "--seed", "7"]
    )
    assert result.exit_code == 0, result.output
    yield app, result.output
    with app.app_context():
        db.engine.dispose()


def _count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_counts_and_constraints(seeded) -> None:
    app, output = seeded
    assert CITY_PASSWORD in output and "street reviewer" in output
    with app.app_context():
        assert _count(Street) >= 2 and _count(Community) >= 4
        assert _count(Organization) >= 12 and _count(Project) >= 40
        assert _count(Shift) >= 250 and _count(Signup) >= 600
        assert _count(VolunteerProfile) >= 100 and _count(HourRecord) > 0
        # confirmed_count is the number of sign-ups holding a place, within capacity.
        wrong = db.session.execute(
            text(
                "SELECT count(*) FROM shifts s WHERE s.confirmed_count > s.capacity "
                "OR s.confirmed_count <> (SELECT count(*) FROM signups g "
                "WHERE g.shift_id = s.id AND g.state IN "
                "('confirmed', 'attended', 'no_show'))"
            )
        ).scalar()
        assert wrong == 0
        # No one holds two overlapping sign-ups.
        overlapping = db.session.execute(
            text(
                "SELECT count(*) FROM signups a JOIN signups b "
                "ON a.user_id = b.user_id AND a.id < b.id "
                "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
            )
        ).scalar()
        assert overlapping == 0
        # Staffing: some communities meet the standard, and every user is a volunteer.
        assert _count(RoleGrant) > _count(User)
        assert _count(AuditEntry) == 0  # seeded data is a starting state, not changes
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output


def test_seeding_twice_is_refused(seeded) -> None:
    app, _output = seeded
    again = app.test_cli_runner().invoke(args=["seed", "city", "--scale", "0.001"])
    assert again.exit_code != 0 and "already" in again.output


def _login(app, user: User):  # noqa: ANN001, ANN202
    client = app.test_client()
    response = client.post(
        "/login", data={"mobile": user.mobile, "password": CITY_PASSWORD}
    )
    assert response.status_code == 303
    return client


def test_pages_render_for_seeded_people(seeded) -> None:
    app, _output = seeded
    with app.app_context():
        volunteer = db.session.scalar(
            select(User)
            .join(VolunteerProfile, VolunteerProfile.user_id == User.id)
            .join(Signup, Signup.user_id == User.id)
            .group_by(User.id)
            .order_by(func.count().desc(), User.id)
        )
        reviewer_grant = db.session.scalar(
            select(RoleGrant).where(RoleGrant.role == "street_reviewer")
        )
        reviewer = db.session.get(User, reviewer_grant.user_id)
        street_id = reviewer_grant.street_id
        project = db.session.scalar(
            select(Project).where(Project.state == "recruiting").order_by(Project.id)
        )
        open_shift = db.session.scalar(
            select(Shift)
            .join(Project, Project.id == Shift.project_id)
            .where(
                Project.state == "recruiting",
                Shift.state == "scheduled",
                Shift.starts_at > func.now(),
                ~Shift.id.in_(
                    select(Signup.shift_id).where(Signup.user_id == reviewer.id)
                ),
            )
            .order_by(Shift.starts_at.desc())
        )
        db.session.expunge_all()
    client = _login(app, volunteer)
    for path in ("/", "/my/shifts", "/find", f"/projects/{project.id}"):
        assert client.get(path).status_code == 200, path
    staff = _login(app, reviewer)
    for path in ("/review/filings", f"/reports/street/{street_id}"):
        assert staff.get(path).status_code == 200, path
    # Ids continue after the bulk load: a new sign-up and its audit entry insert.
    response = staff.post(f"/shifts/{open_shift.id}/signup")
    assert response.status_code == 303
    with app.app_context():
        assert _count(AuditEntry) == 1
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output


def test_progress_line_shows_a_share_only_of_a_known_total() -> None:
    from hub.seed.writer import Progress

    known = Progress.line("users", 5_000, 20_000)
    assert "5,000/20,000" in known
    assert "25.0%" in known
    assert known.startswith("[######------------------]")
    unknown = Progress.line("users (volunteers)", 20_000, None)
    assert "20,000" in unknown
    assert "%" not in unknown and "/" not in unknown
