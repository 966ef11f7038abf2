"""Project pages: start, link, approve, recruit; who may see and do what."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.models import Project
from hub.models.evaluations import Conclusion
from hub.models.projects import LinkState, ProjectState
from hub.projects import services
from hub.tenders import services as tenders
from tests import factories
from tests.tender_factories import open_tender

#: The second tap of a confirmed action (hub/web/confirm.py).
YES = {"confirm": "yes"}


def _reload(project: Project) -> Project:
    return db.session.get(Project, project.id)


def test_organization_starts_a_self_funded_project(client, login) -> None:
    org = factories.approved_organization()
    login(factories.owner_of(org))
    community = org.communities[0]
    response = client.post(
        f"/organizations/{org.id}/projects/new",
        data={
            "title": "社区助餐",
            "category": "elderly",
            "community_id": community.id,
            "funding": "charity",
            "amount": "12,345.60",
            "period_start": "2026-12-01",
            "period_end": "2027-03-31",
            "place": "锁三社区活动室",
            "description": "每周三次送餐。",
        },
    )
    assert response.status_code == 303
    project = db.session.scalar(select(Project).where(Project.title == "社区助餐"))
    assert project.amount_fen == 1234560
    assert project.state == ProjectState.DRAFT
    page = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    assert "¥12,345.60" in page


def test_bad_project_input_is_kept_with_errors_beside_fields(client, login) -> None:
    org = factories.approved_organization()
    login(factories.owner_of(org))
    response = client.post(
        f"/organizations/{org.id}/projects/new",
        data={
            "title": "社区助餐",
            "category": "elderly",
            "community_id": org.communities[0].id,
            "funding": "self",
            "amount": "12.345",
            "period_start": "2027-03-01",
            "period_end": "2026-12-01",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="amount-error"' in html and 'id="period_end-error"' in html
    assert 'value="社区助餐"' in html and 'value="12.345"' in html
    assert db.session.scalar(select(Project)) is None


def test_unapproved_organization_cannot_start_projects(client, login) -> None:
    org = factories.application()
    login(factories.owner_of(org))
    response = client.get(f"/organizations/{org.id}/projects/new")
    assert response.status_code == 303


def test_linkage_request_and_acceptance_through_the_pages(client, login) -> None:
    project = factories.project()
    worker = factories.social_worker(community=project.community)
    login(factories.owner_of(project.organization))
    response = client.post(
        f"/projects/{project.id}/linkage", data={"social_worker_id": worker.id}
    )
    assert response.status_code == 303
    assert _reload(project).link_state == LinkState.REQUESTED
    client.post("/logout")

    login(worker)
    page = client.get("/coordination").get_data(as_text=True)
    assert project.title in page
    assert client.post(f"/projects/{project.id}/linkage/accept").status_code == 303
    assert _reload(project).link_state == LinkState.ACCEPTED


def test_another_social_worker_cannot_answer(client, login) -> None:
    project = factories.project()
    worker = factories.social_worker(community=project.community)
    services.request_linkage(
        project, worker, by=factories.owner_of(project.organization)
    )
    login(factories.social_worker(community=project.community))
    response = client.post(f"/projects/{project.id}/linkage/accept")
    assert response.status_code == 404
    assert _reload(project).link_state == LinkState.REQUESTED


def test_reviewer_approves_only_linked_projects_of_own_street(client, login) -> None:
    project, _worker = factories.linked_project()
    services.submit_project(project, by=factories.owner_of(project.organization))
    unlinked = factories.project(org=project.organization, title="没有社工的项目")
    services.submit_project(unlinked, by=factories.owner_of(project.organization))

    login(factories.reviewer())  # another street
    assert client.get(f"/review/projects/{project.id}").status_code == 404
    assert client.post(f"/review/projects/{project.id}/approve").status_code == 404
    client.post("/logout")

    login(factories.reviewer(street=project.street))
    listing = client.get("/review/projects").get_data(as_text=True)
    assert project.title in listing and "没有社工的项目" in listing
    client.post(f"/review/projects/{unlinked.id}/approve", data=YES)
    assert _reload(unlinked).state == ProjectState.PENDING_APPROVAL
    client.post(f"/review/projects/{project.id}/approve", data=YES)
    assert _reload(project).state == ProjectState.RECRUITING


def test_send_back_needs_a_reason(client, login) -> None:
    project, _worker = factories.linked_project()
    services.submit_project(project, by=factories.owner_of(project.organization))
    login(factories.reviewer(street=project.street))
    response = client.post(f"/review/projects/{project.id}/return", data={"reason": ""})
    assert response.status_code == 422
    client.post(
        f"/review/projects/{project.id}/return", data={"reason": "补充安全预案"}
    )
    assert _reload(project).state == ProjectState.DRAFT


def test_volunteer_cannot_manage_or_approve(client, login) -> None:
    project = factories.project()
    login(factories.volunteer())
    assert client.get(f"/projects/{project.id}/manage").status_code == 403
    assert client.post(f"/projects/{project.id}/submit").status_code == 403
    assert client.get("/review/projects").status_code == 403
    assert client.get("/coordination").status_code == 403


def test_other_organization_staff_cannot_manage(client, login) -> None:
    project = factories.project()
    login(factories.org_staff())
    assert client.post(f"/projects/{project.id}/submit").status_code in (403, 404)
    assert _reload(project).state == ProjectState.DRAFT


def test_public_page_only_once_recruiting(client, login) -> None:
    project, worker = factories.linked_project()
    assert client.get(f"/projects/{project.id}").status_code == 404
    services.submit_project(project, by=factories.owner_of(project.organization))
    services.approve_project(project, by=factories.reviewer(street=project.street))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert project.title in page and worker.name in page
    assert project.organization.name in page and project.community.name in page
    assert 'property="og:title"' in page


def test_staff_steps_through_the_lifecycle(client, login) -> None:
    project, _worker = factories.linked_project()
    owner = factories.owner_of(project.organization)
    login(owner)
    client.post(f"/projects/{project.id}/submit")
    assert _reload(project).state == ProjectState.PENDING_APPROVAL
    client.post(f"/projects/{project.id}/start")  # not approved yet: refused
    assert _reload(project).state == ProjectState.PENDING_APPROVAL
    services.approve_project(
        _reload(project), by=factories.reviewer(street=project.street)
    )
    client.post(f"/projects/{project.id}/start")
    client.post(f"/projects/{project.id}/complete", data=YES)
    assert _reload(project).state == ProjectState.COMPLETED
    response = client.post(f"/projects/{project.id}/cancel", data={"reason": "x"})
    assert response.status_code == 303
    assert _reload(project).state == ProjectState.COMPLETED


def _completed(project: Project) -> None:
    owner = factories.owner_of(project.organization)
    services.submit_project(project, by=owner)
    services.approve_project(project, by=factories.reviewer(street=project.street))
    services.start_project(project, by=owner)
    services.complete_project(project, by=owner)


def test_reviewer_records_the_evaluation_meeting(client, login) -> None:
    project, _worker = factories.linked_project()
    _completed(project)
    login(factories.reviewer())  # another street
    meeting = {
        "held_on": "2026-12-10",
        "attendees": "居民代表 6 人，街道、社工",
        "summary": "按计划完成探访。",
        "conclusion": "excellent",
    }
    assert (
        client.post(f"/review/projects/{project.id}/meeting", data=meeting).status_code
        == 404
    )
    client.post("/logout")

    login(factories.reviewer(street=project.street))
    response = client.post(
        f"/review/projects/{project.id}/meeting", data={"held_on": ""}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="attendees-error"' in html and 'id="conclusion-error"' in html
    assert (
        client.post(f"/review/projects/{project.id}/meeting", data=meeting).status_code
        == 303
    )
    assert _reload(project).state == ProjectState.EVALUATED
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "按计划完成探访。" in page and "优秀" in page


def test_barred_organization_is_told_why_it_cannot_propose(client, login) -> None:
    project, _worker = factories.linked_project()
    _completed(project)
    services.record_meeting(
        project,
        by=factories.reviewer(street=project.street),
        held_on=date.today(),
        attendees="居民代表",
        summary="未按合同服务。",
        conclusion=Conclusion.FAIL,
    )
    org = project.organization
    tender = open_tender(community=project.community)
    owner = factories.owner_of(org)
    with pytest.raises(tenders.NotEligible):
        tenders.submit_proposal(
            tender, org, by=owner, plan="方案", price_fen=1000_00, team="团队"
        )
    login(owner)
    page = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "不合格" in page


def test_social_worker_home_shows_requests_waiting(client, login) -> None:
    project = factories.project()
    worker = factories.social_worker(community=project.community)
    services.request_linkage(
        project, worker, by=factories.owner_of(project.organization)
    )
    login(worker)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/coordination"' in html
    assert "1" in html.split('href="/coordination"')[1][:400]


def test_completing_before_the_start_is_not_offered_and_refused(client, login) -> None:
    from datetime import timedelta

    from hub.models.projects import local_today

    start = local_today() + timedelta(days=10)
    project = factories.recruiting_project(
        period_start=start, period_end=start + timedelta(days=60)
    )
    owner = login(factories.owner_of(project.organization))
    services.start_project(project, by=owner)
    page = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    assert f"/projects/{project.id}/complete" not in page
    assert page.count("项目周期从") == 1  # said beside where the button would be
    response = client.post(f"/projects/{project.id}/complete", data={"confirm": "yes"})
    assert response.status_code == 303
    assert _reload(project).state == ProjectState.IN_PROGRESS
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("项目周期从") == 2  # and in the message at the top
