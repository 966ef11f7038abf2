"""The reviewer's home and filings queue show projects waiting for approval:
their street's only, oldest first, with working days waiting."""

from __future__ import annotations

from datetime import timedelta

from hub.extensions import db
from hub.models.base import utcnow
from hub.projects import services
from hub.projects.queue import approval_queue
from tests import factories


def _pending(title: str, street=None, days_ago: int = 0):  # noqa: ANN001, ANN202
    org = factories.approved_organization(street=street) if street else None
    project, _worker = factories.linked_project(
        title=title, **({"org": org} if org else {})
    )
    services.submit_project(project, by=factories.owner_of(project.organization))
    project.state_changed_at = utcnow() - timedelta(days=days_ago)
    db.session.flush()
    return project


def test_queue_is_oldest_first_with_working_days_waiting() -> None:
    newer = _pending("新送来的项目")
    street = newer.street
    older = _pending("等了很久的项目", street=street, days_ago=20)
    factories.recruiting_project(org=newer.organization)  # approved: not waiting
    items = approval_queue([street.id])
    assert [i.project.id for i in items] == [older.id, newer.id]
    assert items[0].days_waiting >= 10 and items[0].overdue
    assert items[1].days_waiting == 0 and not items[1].overdue


def test_reviewer_home_lists_their_streets_waiting_projects(client, login) -> None:
    mine = _pending("本街道待审批项目", days_ago=10)
    other = _pending("别的街道的项目")
    login(factories.reviewer(street=mine.street))
    page = client.get("/").get_data(as_text=True)
    assert 'id="projects-waiting"' in page
    assert "本街道待审批项目" in page and f"/review/projects/{mine.id}" in page
    assert "别的街道的项目" not in page and other.title not in page
    assert "已等待" in page


def test_filings_queue_also_lists_waiting_projects(client, login) -> None:
    project = _pending("队列里的项目")
    login(factories.reviewer(street=project.street))
    page = client.get("/review/filings").get_data(as_text=True)
    assert "队列里的项目" in page and "待审批的项目" in page


def test_nothing_waiting_says_so(client, login) -> None:
    login(factories.reviewer())
    page = client.get("/").get_data(as_text=True)
    assert "没有待审批的项目。" in page


def test_volunteers_home_has_no_approval_queue(client, login) -> None:
    _pending("志愿者看不到的项目")
    login(factories.volunteer())
    page = client.get("/").get_data(as_text=True)
    assert 'id="projects-waiting"' not in page and "志愿者看不到的项目" not in page
