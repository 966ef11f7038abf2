"""Service needs: the state machine, triage rules, photos, notifications, audit."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hub.extensions import db
from hub.models import AuditEntry, Notification, ServiceNeed
from hub.models.needs import NEED_TRANSITIONS, NeedState
from hub.models.organizations import Stage, TransitionNotAllowed
from hub.models.projects import Funding, ProjectState
from hub.needs import policy, queries, services
from hub.organizations import services as org_services
from hub.projects import services as project_services
from hub.uploads import UploadRefused
from tests import factories

pytestmark = pytest.mark.usefixtures("db_session")

ALLOWED = {
    ("open", "triaged"),
    ("open", "declined"),
    ("open", "withdrawn"),
    ("triaged", "in_progress"),
    ("triaged", "resolved"),
    ("triaged", "open"),
    ("in_progress", "resolved"),
}

#: The model method that makes each change.
METHODS = {
    NeedState.TRIAGED: lambda n, org: n.assign(org, by_id=1),
    NeedState.DECLINED: lambda n, org: n.decline("不在服务范围"),
    NeedState.WITHDRAWN: lambda n, org: n.withdraw(),
    NeedState.IN_PROGRESS: lambda n, org: n.start(),
    NeedState.RESOLVED: lambda n, org: n.resolve("已上门", by_id=1),
    NeedState.OPEN: lambda n, org: n.hand_back(),
}


def _kinds(user) -> list[str]:  # noqa: ANN001
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def _actions(need: ServiceNeed) -> list[tuple[str, str | None, str | None]]:
    rows = db.session.execute(
        select(AuditEntry.action, AuditEntry.from_state, AuditEntry.to_state)
        .where(
            AuditEntry.object_type == "service_need", AuditEntry.object_id == need.id
        )
        .order_by(AuditEntry.id)
    ).all()
    return [tuple(r) for r in rows]


# The state machine ------------------------------------------------------------------


def test_table_matches_the_design() -> None:
    table = {(a.value, b.value) for a, bs in NEED_TRANSITIONS.items() for b in bs}
    assert table == ALLOWED


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(NeedState, NeedState))
)
def test_every_transition(current: NeedState, target: NeedState) -> None:
    org = factories.OrganizationFactory()
    need = ServiceNeed(state=current, organization_id=org.id)
    if (current.value, target.value) in ALLOWED:
        assert METHODS[target](need, org) == current
        assert need.state == target
    else:
        with pytest.raises(TransitionNotAllowed):
            METHODS[target](need, org)
        assert need.state == current


def test_handing_back_clears_the_assignment() -> None:
    need, _worker = factories.assigned_need()
    need.hand_back()
    assert need.state == NeedState.OPEN
    assert need.organization_id is None and need.triaged_by_id is None


def test_database_refuses_a_handled_need_without_organization() -> None:
    need = factories.need()
    need.state = NeedState.IN_PROGRESS
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# Raising a need -----------------------------------------------------------------------


def test_post_need_derives_community_and_street_from_the_grid() -> None:
    grid = factories.GridFactory()
    worker = factories.social_worker(community=grid.community)
    resident = factories.UserFactory()
    need = factories.need(resident=resident, grid=grid, description="  坡道坏了  ")
    assert need.community_id == grid.community_id
    assert need.street_id == grid.community.street_id
    assert need.state == NeedState.OPEN and need.description == "坡道坏了"
    assert _actions(need) == [("need.post", None, "open")]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_id == need.id))
    assert entry.street_id == need.street_id
    assert _kinds(worker) == ["need_posted"]


def test_a_need_without_a_grid_goes_to_the_communitys_social_workers() -> None:
    community = factories.CommunityFactory()
    worker = factories.social_worker(community=community)
    need = services.post_need(
        factories.UserFactory(),
        community=community,
        category="elderly",
        description="不知道自己在哪个网格。",
    )
    assert need.grid_id is None and need.community_id == community.id
    assert need.street_id == community.street_id
    assert need.place_names == [community.name]
    assert _kinds(worker) == ["need_posted_no_grid"]
    queue = queries.triage_queue([community.id])
    assert [item.need.id for item in queue] == [need.id]
    org = factories.approved_organization()
    org.communities.append(community)
    db.session.flush()
    services.assign_need(need, by=worker, organization=org)
    assert need.state == NeedState.TRIAGED


def test_a_grid_of_another_community_is_refused() -> None:
    with pytest.raises(services.GridNotInCommunity):
        services.post_need(
            factories.UserFactory(),
            community=factories.CommunityFactory(),
            grid=factories.GridFactory(),
            category="elderly",
            description="网格不对。",
        )


def test_photo_must_be_a_jpeg_or_png_by_content(app) -> None:  # noqa: ANN001
    with pytest.raises(UploadRefused) as refused:
        factories.need(photo=io.BytesIO(b"just some text, called photo.jpg"))
    assert refused.value.reason == "type"
    with pytest.raises(UploadRefused) as refused:
        factories.need(photo=io.BytesIO(factories.PDF_BYTES))
    assert refused.value.reason == "type"
    with pytest.raises(UploadRefused) as refused:
        factories.need(photo=io.BytesIO(b""))
    assert refused.value.reason == "empty"
    need = factories.need(photo=io.BytesIO(factories.PNG_BYTES))
    assert need.photo_content_type == "image/png" and need.photo_size == len(
        factories.PNG_BYTES
    )
    assert need.photo_stored_name.endswith(".png")


# Triage -----------------------------------------------------------------------------


def test_assign_to_an_organization_serving_the_community() -> None:
    org = factories.approved_organization()
    owner = factories.owner_of(org)
    need, worker = factories.assigned_need(org)
    assert need.state == NeedState.TRIAGED and need.organization_id == org.id
    assert need.triaged_by_id == worker.id
    assert _actions(need)[-1] == ("need.assign", "open", "triaged")
    assert _kinds(need.resident) == ["need_triaged"]
    assert "need_assigned" in _kinds(owner)


def test_assign_refuses_an_organization_not_serving_the_community() -> None:
    org = factories.approved_organization()
    need = factories.need()  # in a community org does not serve
    worker = factories.social_worker(community=need.community)
    with pytest.raises(services.NotServingHere):
        services.assign_need(need, by=worker, organization=org)
    assert need.state == NeedState.OPEN


def test_assign_refuses_unapproved_and_revoked_organizations() -> None:
    draft = factories.application()
    factories.complete_application(draft)
    need = factories.need(grid=factories.GridFactory(community=draft.communities[0]))
    assert services.eligible_organizations(need) == []

    org = factories.approved_organization()
    need = factories.need(grid=factories.GridFactory(community=org.communities[0]))
    assert services.eligible_organizations(need) == [org]
    org_services.change_stage(
        org, Stage.REVOKED, by=factories.reviewer(street=org.street), reason="违规"
    )
    assert services.eligible_organizations(need) == []


def test_assign_to_a_project_of_the_community_names_its_organization() -> None:
    project = factories.recruiting_project()
    need = factories.need(grid=factories.GridFactory(community=project.community))
    worker = factories.social_worker(community=project.community)
    services.assign_need(need, by=worker, project=project, note="请联系居民")
    assert need.project_id == project.id
    assert need.organization_id == project.organization_id
    assert need.triage_note == "请联系居民"


def test_assign_refuses_a_finished_or_foreign_project() -> None:
    project = factories.recruiting_project()
    need = factories.need(grid=factories.GridFactory(community=project.community))
    worker = factories.social_worker(community=project.community)
    project_services.cancel_project(
        project, by=factories.owner_of(project.organization), reason="取消"
    )
    with pytest.raises(services.ProjectNotHere):
        services.assign_need(need, by=worker, project=project)
    elsewhere = factories.recruiting_project()
    with pytest.raises(services.ProjectNotHere):
        services.assign_need(need, by=worker, project=elsewhere)


def _projects_in_every_state(community):  # noqa: ANN001, ANN202
    """One project of ``community`` per state a need may or may not go to."""
    org = factories.approved_organization()
    org.communities.append(community)
    owner = factories.owner_of(org)
    draft = factories.project(org, community, title="草稿项目")
    pending = factories.project(org, community, title="待审批项目")
    project_services.submit_project(pending, by=owner)
    recruiting = factories.recruiting_project(org=org, community=community)
    working = factories.recruiting_project(org=org, community=community)
    project_services.start_project(working, by=owner)
    done = factories.recruiting_project(org=org, community=community)
    project_services.start_project(done, by=owner)
    project_services.complete_project(done, by=owner)
    return {
        "draft": draft,
        "pending": pending,
        "recruiting": recruiting,
        "in_progress": working,
        "completed": done,
    }


def test_only_running_projects_are_offered_and_accepted() -> None:
    community = factories.CommunityFactory()
    projects = _projects_in_every_state(community)
    need = factories.need(grid=factories.GridFactory(community=community))
    worker = factories.social_worker(community=community)
    offered = {p.id for p in services.eligible_projects(need)}
    assert offered == {projects["recruiting"].id, projects["in_progress"].id}
    for name in ("draft", "pending", "completed"):
        assert not projects[name].may_take_need(community.id)
        with pytest.raises(services.ProjectNotHere):
            services.assign_need(need, by=worker, project=projects[name])
    assert need.state == NeedState.OPEN
    services.assign_need(need, by=worker, project=projects["in_progress"])
    assert need.project_id == projects["in_progress"].id


def test_decline_tells_the_resident_why() -> None:
    need = factories.need()
    worker = factories.social_worker(community=need.community)
    services.decline_need(need, by=worker, reason=" 请联系物业 ")
    assert need.state == NeedState.DECLINED and need.decline_reason == "请联系物业"
    assert _actions(need)[-1] == ("need.decline", "open", "declined")
    notification = db.session.scalar(
        select(Notification).where(Notification.user_id == need.user_id)
    )
    assert notification.kind == "need_declined"
    assert notification.params["reason"] == "请联系物业"
    assert notification.url == f"/needs/{need.id}"


def test_withdraw_only_while_open() -> None:
    need = factories.need()
    services.withdraw_need(need, by=need.resident)
    assert need.state == NeedState.WITHDRAWN
    assert _actions(need)[-1] == ("need.withdraw", "open", "withdrawn")
    assigned, _worker = factories.assigned_need()
    with pytest.raises(TransitionNotAllowed):
        services.withdraw_need(assigned, by=assigned.resident)


# The organization -------------------------------------------------------------------


def test_accept_resolve_notify_the_resident_and_are_audited() -> None:
    need, _worker = factories.assigned_need()
    owner = factories.owner_of(need.organization)
    services.start_need(need, by=owner)
    services.resolve_need(need, by=owner, note="每周三上门探访")
    assert need.state == NeedState.RESOLVED
    assert need.resolved_by_id == owner.id and need.resolution_note == "每周三上门探访"
    assert _kinds(need.resident) == ["need_triaged", "need_started", "need_resolved"]
    assert [a for a, *_ in _actions(need)] == [
        "need.post",
        "need.assign",
        "need.start",
        "need.resolve",
    ]


def test_social_worker_may_resolve_an_assigned_need() -> None:
    need, worker = factories.assigned_need()
    services.resolve_need(need, by=worker, note="已协调物业修好坡道")
    assert need.state == NeedState.RESOLVED
    assert _actions(need)[-1] == ("need.resolve", "triaged", "resolved")


def test_hand_back_reopens_for_triage_and_tells_everyone() -> None:
    need, worker = factories.assigned_need()
    owner = factories.owner_of(need.organization)
    org_name = need.organization.name
    services.hand_back_need(need, by=owner, reason="人手不足")
    assert need.state == NeedState.OPEN and need.organization_id is None
    assert _kinds(need.resident)[-1] == "need_reopened"
    assert "need_handed_back" in _kinds(worker)
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "service_need")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.action == "need.hand_back" and entry.reason == "人手不足"
    assert org_name  # the resident's message names who handed it back


def test_project_from_need_links_it_and_starts_the_work() -> None:
    need, _worker = factories.assigned_need()
    owner = factories.owner_of(need.organization)
    project = services.create_project_from_need(
        need,
        by=owner,
        title="独居老人探访",
        category=need.category,
        funding=Funding.SELF,
        period_start=date(2026, 12, 1),
        period_end=date(2027, 3, 1),
        description=need.description,
    )
    assert need.project_id == project.id
    assert project.community_id == need.community_id
    assert project.state == ProjectState.DRAFT
    assert need.state == NeedState.IN_PROGRESS
    assert [a for a, *_ in _actions(need)][-2:] == ["need.project", "need.start"]
    assert _kinds(need.resident)[-1] == "need_project"
    with pytest.raises(services.AlreadyLinked):
        services.create_project_from_need(
            need,
            by=owner,
            title="再来一个",
            category=need.category,
            funding=Funding.SELF,
            period_start=date(2026, 12, 1),
            period_end=date(2027, 3, 1),
        )


def test_no_project_from_an_open_need() -> None:
    need = factories.need()
    with pytest.raises(TransitionNotAllowed):
        services.create_project_from_need(
            need,
            by=factories.UserFactory(),
            title="x",
            category="elderly",
            funding=Funding.SELF,
            period_start=date(2026, 12, 1),
            period_end=date(2027, 3, 1),
        )


# Lists and policy ---------------------------------------------------------------------


def test_triage_queue_is_oldest_first_with_days_waiting() -> None:
    grid = factories.GridFactory()
    older = factories.need(grid=grid, description="旧的")
    newer = factories.need(grid=grid, description="新的")
    other = factories.need()  # another community
    older.created_at = older.created_at - timedelta(days=5)
    db.session.flush()
    items = queries.triage_queue([grid.community_id])
    assert [i.need.id for i in items] == [older.id, newer.id]
    assert items[0].days_waiting == 5 and items[0].overdue
    assert items[1].days_waiting == 0 and not items[1].overdue
    assert other.id not in {i.need.id for i in items}


def test_policy_who_sees_and_who_acts() -> None:
    need, worker = factories.assigned_need()
    owner = factories.owner_of(need.organization)
    street_reviewer = factories.reviewer(street=need.street)
    stranger = factories.UserFactory()
    other_worker = factories.social_worker()
    other_org_owner = factories.org_staff()
    for user in (need.resident, worker, owner, street_reviewer):
        assert policy.can_view_need(user, need)
    for user in (stranger, other_worker, other_org_owner, factories.reviewer()):
        assert not policy.can_view_need(user, need)
    assert policy.can_triage_need(worker, need)
    assert not policy.can_triage_need(other_worker, need)
    assert policy.can_work_need(owner, need)
    assert not policy.can_work_need(other_org_owner, need)
    assert policy.can_see_resident_phone(owner, need)
    assert not policy.can_see_resident_phone(street_reviewer, need)
    assert policy.can_resolve_need(worker, need) and policy.can_resolve_need(
        owner, need
    )
    assert not policy.can_resolve_need(need.resident, need)
    assert not policy.can_withdraw_need(need.resident, need)
