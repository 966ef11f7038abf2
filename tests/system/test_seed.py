"""`flask seed demo` on an empty database, as `make run` does on first start."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import func, select

from hub import create_app
from hub.extensions import db
from hub.models import Organization, Project, Street, Tender, User
from hub.models.projects import ProjectState
from tests.conftest import TEST_SECRET


def test_seed_demo_once_then_keeps_the_data(tmp_path) -> None:
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/demo.sqlite3",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        upgrade()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "13800000001" in first.output and "shanzhi-demo-2026" in first.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Street)) == 6
        assert db.session.scalar(select(func.count()).select_from(User)) == 5
        approved = db.session.scalar(
            select(Organization).where(Organization.filing_number.is_not(None))
        )
        assert approved.filing_number.startswith("SJC-")
        assert db.session.scalar(select(Project.state)) == ProjectState.RECRUITING
        assert db.session.scalar(select(func.count()).select_from(Tender)) == 1

    again = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert again.exit_code == 0 and "already" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 5

    delivered = runner.invoke(args=["outbox", "deliver"])
    assert delivered.exit_code == 0, delivered.output
    assert "138****0002" in delivered.output and "13800000002" not in delivered.output
