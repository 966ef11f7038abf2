"""Triage by the community's social worker, the organization's side, the street's."""

from __future__ import annotations

import io

from sqlalchemy import select

from hub.extensions import db
from hub.models import AuditEntry, Notification, Project, ServiceNeed
from hub.models.needs import NeedState
from hub.permissions import Role
from tests import factories

HX = {"HX-Request": "true"}


def _state(need: ServiceNeed) -> str:
    return db.session.get(ServiceNeed, need.id).state


def _serving(org=None):  # noqa: ANN001, ANN202
    """An open need in a community the (approved) organization serves."""
    org = org or factories.approved_organization()
    community = org.communities[0]
    need = factories.need(grid=factories.GridFactory(community=community))
    return need, org, factories.social_worker(community=community)


def _last_audit(need: ServiceNeed) -> AuditEntry:
    return db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "service_need", AuditEntry.object_id == need.id
        )
        .order_by(AuditEntry.id.desc())
    ).first()


# The social worker ----------------------------------------------------------


def test_triage_queue_lists_my_communities_oldest_first(client, login) -> None:
    need, _org, worker = _serving()
    newer = factories.need(grid=need.grid, description="第二个需求")
    factories.need(description="别的社区的需求")
    login(worker)
    page = client.get("/coordination/needs").get_data(as_text=True)
    assert page.index(f"/needs/{need.id}") < page.index(f"/needs/{newer.id}")
    assert "别的社区的需求" not in page
    assert '<span class="big-number">已等待 0 天</span>' in page
    coordination = client.get("/coordination").get_data(as_text=True)
    assert 'href="/coordination/needs"' in coordination


def test_social_worker_assigns_to_an_organization(client, login) -> None:
    need, org, worker = _serving()
    login(worker)
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert f'value="org:{org.id}"' in page
    # the social worker may call the resident: the number is one tap away (audited)
    assert f'action="/phone/need/{need.id}"' in page
    response = client.post(
        f"/needs/{need.id}/assign", data={"target": f"org:{org.id}", "note": "急"}
    )
    assert response.status_code == 303
    assert _state(need) == NeedState.TRIAGED
    entry = _last_audit(need)
    assert (entry.action, entry.from_state, entry.to_state) == (
        "need.assign",
        "open",
        "triaged",
    )
    assert entry.actor_id == worker.id and entry.street_id == need.street_id
    kinds = set(
        db.session.scalars(
            select(Notification.kind).where(Notification.user_id == need.user_id)
        )
    )
    assert kinds == {"need_triaged"}


def test_assign_with_htmx_returns_the_need_fragment(client, login) -> None:
    need, org, worker = _serving()
    login(worker)
    response = client.post(
        f"/needs/{need.id}/assign", data={"target": f"org:{org.id}"}, headers=HX
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="need"') and "<html" not in html
    assert org.name in html


def test_social_worker_assigns_to_a_project_of_the_community(client, login) -> None:
    project = factories.recruiting_project()
    need = factories.need(grid=factories.GridFactory(community=project.community))
    login(factories.social_worker(community=project.community))
    response = client.post(
        f"/needs/{need.id}/assign", data={"target": f"project:{project.id}"}
    )
    assert response.status_code == 303
    saved = db.session.get(ServiceNeed, need.id)
    assert saved.project_id == project.id
    assert saved.organization_id == project.organization_id


def test_assign_list_offers_only_running_projects(client, login) -> None:
    running = factories.recruiting_project(title="正在招募的项目")
    draft = factories.project(
        running.organization, running.community, title="还是草稿的项目"
    )
    need = factories.need(grid=factories.GridFactory(community=running.community))
    login(factories.social_worker(community=running.community))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert f'value="project:{running.id}"' in page
    assert f'value="project:{draft.id}"' not in page and "还是草稿的项目" not in page
    response = client.post(
        f"/needs/{need.id}/assign", data={"target": f"project:{draft.id}"}
    )
    assert response.status_code == 422
    assert 'id="target-error"' in response.get_data(as_text=True)
    assert _state(need) == NeedState.OPEN


def test_assign_needs_a_target_from_the_list(client, login) -> None:
    need, _org, worker = _serving()
    stranger_org = factories.approved_organization()
    login(worker)
    response = client.post(f"/needs/{need.id}/assign", data={"target": ""})
    assert response.status_code == 422
    assert 'id="target-error"' in response.get_data(as_text=True)
    response = client.post(
        f"/needs/{need.id}/assign",
        data={"target": f"org:{stranger_org.id}", "note": "留着"},
        headers=HX,
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="target-error"' in html and "留着" in html
    assert _state(need) == NeedState.OPEN


def test_another_communitys_social_worker_may_not_triage(client, login) -> None:
    need, org, _worker = _serving()
    login(factories.social_worker())
    assert client.get(f"/needs/{need.id}").status_code == 403
    response = client.post(f"/needs/{need.id}/assign", data={"target": f"org:{org.id}"})
    assert response.status_code == 403
    response = client.post(f"/needs/{need.id}/decline", data={"reason": "不"})
    assert response.status_code == 403
    assert _state(need) == NeedState.OPEN


def test_volunteers_and_reviewers_may_not_triage(client, login) -> None:
    need, org, _worker = _serving()
    login(need.resident)
    response = client.post(f"/needs/{need.id}/assign", data={"target": f"org:{org.id}"})
    assert response.status_code == 403
    assert client.post(f"/needs/{need.id}/decline").status_code == 403
    assert client.get("/coordination/needs").status_code == 403
    client.post("/logout")
    login(factories.reviewer(street=need.street))
    response = client.post(f"/needs/{need.id}/assign", data={"target": f"org:{org.id}"})
    assert response.status_code == 403
    assert _state(need) == NeedState.OPEN


def test_decline_needs_a_reason(client, login) -> None:
    need, _org, worker = _serving()
    login(worker)
    response = client.post(f"/needs/{need.id}/decline", data={"reason": "  "})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    response = client.post(
        f"/needs/{need.id}/decline", data={"reason": "请联系物业维修"}, headers=HX
    )
    assert response.status_code == 200
    assert "请联系物业维修" in response.get_data(as_text=True)
    assert _state(need) == NeedState.DECLINED
    assert _last_audit(need).reason == "请联系物业维修"
    client.post("/logout")
    login(need.resident)
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "请联系物业维修" in page


def test_assigning_twice_is_a_conflict(client, login) -> None:
    need, org, worker = _serving()
    login(worker)
    data = {"target": f"org:{org.id}"}
    assert client.post(f"/needs/{need.id}/assign", data=data).status_code == 303
    assert (
        client.post(f"/needs/{need.id}/assign", data=data, headers=HX).status_code
        == 409
    )
    assert client.post(f"/needs/{need.id}/assign", data=data).status_code == 303


# The organization ----------------------------------------------------------


def test_organization_lists_and_takes_on_assigned_needs(client, login) -> None:
    need, worker = factories.assigned_need()
    other, _w = factories.assigned_need()
    owner = factories.owner_of(need.organization)
    login(owner)
    mine = client.get("/my/organizations").get_data(as_text=True)
    assert f'href="/organizations/{need.organization_id}/needs"' in mine
    page = client.get(f"/organizations/{need.organization_id}/needs").get_data(
        as_text=True
    )
    assert f"/needs/{need.id}" in page and f"/needs/{other.id}" not in page
    detail = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert f'action="/phone/need/{need.id}"' in detail
    response = client.post(f"/needs/{need.id}/accept", headers=HX)
    assert response.status_code == 200
    assert _state(need) == NeedState.IN_PROGRESS
    assert _last_audit(need).action == "need.start"
    assert (
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == need.user_id)
            .order_by(Notification.id.desc())
        ).first()
        == "need_started"
    )


def test_another_organization_may_not_touch_the_need(client, login) -> None:
    need, _worker = factories.assigned_need()
    outsider = factories.owner_of(factories.approved_organization())
    login(outsider)
    assert client.get(f"/needs/{need.id}").status_code == 403
    assert client.post(f"/needs/{need.id}/accept").status_code == 403
    assert (
        client.post(f"/needs/{need.id}/hand-back", data={"reason": "x"}).status_code
        == 403
    )
    assert (
        client.post(f"/needs/{need.id}/resolve", data={"note": "x"}).status_code == 403
    )
    assert client.get(f"/needs/{need.id}/project").status_code == 403
    assert client.get(f"/organizations/{need.organization_id}/needs").status_code == 403
    assert _state(need) == NeedState.TRIAGED


def test_resolve_needs_a_note_and_tells_the_resident(client, login) -> None:
    need, _worker = factories.assigned_need()
    login(factories.owner_of(need.organization))
    client.post(f"/needs/{need.id}/accept")
    response = client.post(f"/needs/{need.id}/resolve", data={"note": ""})
    assert response.status_code == 422
    assert 'id="note-error"' in response.get_data(as_text=True)
    response = client.post(f"/needs/{need.id}/resolve", data={"note": "已安排每周探访"})
    assert response.status_code == 303
    saved = db.session.get(ServiceNeed, need.id)
    assert saved.state == NeedState.RESOLVED
    assert saved.resolution_note == "已安排每周探访"


def test_social_worker_may_resolve_but_not_a_volunteer(client, login) -> None:
    need, worker = factories.assigned_need()
    login(need.resident)
    response = client.post(f"/needs/{need.id}/resolve", data={"note": "好了"})
    assert response.status_code == 403
    client.post("/logout")
    login(worker)
    response = client.post(f"/needs/{need.id}/resolve", data={"note": "已解决"})
    assert response.status_code == 303
    assert _state(need) == NeedState.RESOLVED


def test_hand_back_returns_the_need_to_triage(client, login) -> None:
    need, worker = factories.assigned_need()
    org_id = need.organization_id
    login(factories.owner_of(need.organization))
    response = client.post(f"/needs/{need.id}/hand-back", data={"reason": ""})
    assert response.status_code == 422
    response = client.post(f"/needs/{need.id}/hand-back", data={"reason": "人手不足"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/organizations/{org_id}/needs"
    assert _state(need) == NeedState.OPEN
    assert client.get(f"/needs/{need.id}").status_code == 403  # no longer theirs
    client.post("/logout")
    login(worker)
    page = client.get("/coordination/needs").get_data(as_text=True)
    assert f"/needs/{need.id}" in page


def test_turning_a_need_into_a_project_links_it(client, login) -> None:
    need, _worker = factories.assigned_need(description="小区老人需要助餐服务")
    owner = factories.owner_of(need.organization)
    login(owner)
    form = client.get(f"/needs/{need.id}/project")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "小区老人需要助餐服务" in html
    assert f'<option selected value="{need.community_id}">' in html
    assert '<option selected value="elderly">' in html
    response = client.post(
        f"/needs/{need.id}/project",
        data={
            "title": "社区助餐",
            "category": "elderly",
            "community_id": need.community_id,
            "funding": "self",
            "period_start": "2026-12-01",
            "period_end": "2027-03-31",
            "description": "每周三次送餐。",
        },
    )
    assert response.status_code == 303
    project = db.session.scalar(select(Project).where(Project.title == "社区助餐"))
    assert response.headers["Location"] == f"/projects/{project.id}/manage"
    saved = db.session.get(ServiceNeed, need.id)
    assert saved.project_id == project.id
    assert saved.state == NeedState.IN_PROGRESS
    again = client.get(f"/needs/{need.id}/project")
    assert again.status_code == 303  # one project per need
    client.post("/logout")
    login(need.resident)
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "社区助餐" in page


def test_project_form_errors_are_422_and_keep_the_input(client, login) -> None:
    need, _worker = factories.assigned_need()
    login(factories.owner_of(need.organization))
    response = client.post(
        f"/needs/{need.id}/project",
        data={
            "title": "社区助餐",
            "category": "elderly",
            "community_id": need.community_id,
            "funding": "self",
            "period_start": "2027-03-01",
            "period_end": "2026-12-01",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="period_end-error"' in html and 'value="社区助餐"' in html
    assert db.session.get(ServiceNeed, need.id).project_id is None


# Photos and the street ----------------------------------------------------------


def test_photo_is_served_to_those_who_handle_or_oversee(client, login) -> None:
    org = factories.approved_organization()
    community = org.communities[0]
    need = factories.need(
        grid=factories.GridFactory(community=community),
        photo=io.BytesIO(factories.PNG_BYTES),
    )
    worker = factories.social_worker(community=community)
    from hub.needs import services

    services.assign_need(need, by=worker, organization=org)
    staff = factories.org_staff(org, role=Role.ORG_MANAGER)
    for user in (worker, staff, factories.reviewer(street=need.street)):
        login(user)
        response = client.get(f"/needs/{need.id}/photo")
        assert response.status_code == 200, user
        response.close()
        client.post("/logout")
    for user in (
        factories.social_worker(),
        factories.reviewer(),
        factories.org_staff(),
    ):
        login(user)
        assert client.get(f"/needs/{need.id}/photo").status_code == 403
        client.post("/logout")


def test_reviewer_sees_own_streets_needs_read_only(client, login) -> None:
    need, _worker = factories.assigned_need(description="路灯坏了")
    factories.need(description="别的街道的需求")
    reviewer = factories.reviewer(street=need.street)
    login(reviewer)
    page = client.get("/review/needs?state=triaged").get_data(as_text=True)
    assert f"/needs/{need.id}" in page and "别的街道的需求" not in page
    detail = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "路灯坏了" in detail
    assert need.resident.mobile not in detail  # masked for oversight
    assert f"/needs/{need.id}/resolve" not in detail
    assert (
        client.post(f"/needs/{need.id}/resolve", data={"note": "x"}).status_code == 403
    )
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/review/needs"' in account
    client.post("/logout")
    login(factories.reviewer())
    assert client.get(f"/needs/{need.id}").status_code == 403
    assert f"/needs/{need.id}" not in client.get(
        "/review/needs?state=triaged"
    ).get_data(as_text=True)
