"""The project lifecycle: every transition, who may make it, and the linkage rule."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hub import workflows
from hub.extensions import db
from hub.models import AuditEntry, Notification
from hub.models.base import utcnow
from hub.models.organizations import Stage, TransitionNotAllowed
from hub.models.projects import (
    PROJECT_TRANSITIONS,
    LinkState,
    Project,
    ProjectNotLinked,
    ProjectState,
)
from hub.organizations import services as org_services
from hub.projects import services
from tests import factories

ALLOWED = {
    ("draft", "pending_approval"),
    ("draft", "cancelled"),
    ("pending_approval", "recruiting"),
    ("pending_approval", "draft"),
    ("pending_approval", "cancelled"),
    ("recruiting", "in_progress"),
    ("recruiting", "cancelled"),
    ("in_progress", "completed"),
    ("in_progress", "cancelled"),
    ("completed", "evaluated"),
}


def test_table_matches_the_design() -> None:
    table = {(a.value, b.value) for a, bs in PROJECT_TRANSITIONS.items() for b in bs}
    assert table == ALLOWED


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(ProjectState, ProjectState))
)
def test_every_transition(current: ProjectState, target: ProjectState) -> None:
    project = Project(
        state=current,
        coordinator_id=1,
        link_state=LinkState.ACCEPTED,
        community_id=1,
        organization_id=1,
        period_start=date(2026, 1, 1),
    )
    if (current.value, target.value) in ALLOWED:
        project.move(target, reason="r")
        assert project.state == target
    else:
        with pytest.raises(TransitionNotAllowed):
            project.move(target)


def test_unlinked_project_cannot_recruit() -> None:
    project = factories.project()
    owner = factories.owner_of(project.organization)
    services.submit_project(project, by=owner)
    with pytest.raises(ProjectNotLinked):
        services.approve_project(project, by=factories.reviewer(street=project.street))
    worker = factories.social_worker(community=project.community)
    services.request_linkage(project, worker, by=owner)
    with pytest.raises(ProjectNotLinked):  # asked, not yet accepted
        services.approve_project(project, by=factories.reviewer(street=project.street))
    services.answer_linkage(project, user=worker, accept=False, note="本月太忙")
    with pytest.raises(ProjectNotLinked):
        services.approve_project(project, by=factories.reviewer(street=project.street))


def test_full_lifecycle_is_audited_and_notified() -> None:
    project, worker = factories.linked_project()
    owner = factories.owner_of(project.organization)
    reviewer = factories.reviewer(street=project.street)
    services.submit_project(project, by=owner)
    services.approve_project(project, by=reviewer)
    assert project.state == ProjectState.RECRUITING
    services.start_project(project, by=owner)
    services.complete_project(project, by=owner)
    services.mark_evaluated(project, by=reviewer)
    assert project.state == ProjectState.EVALUATED
    states = db.session.scalars(
        select(AuditEntry.to_state)
        .where(
            AuditEntry.object_type == "project", AuditEntry.action == "project.state"
        )
        .order_by(AuditEntry.id)
    ).all()
    assert states == [
        "pending_approval",
        "recruiting",
        "in_progress",
        "completed",
        "evaluated",
    ]
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert {
        "linkage_requested",
        "linkage_accepted",
        "project_submitted",
        "project_approved",
        "project_completed",
    } <= kinds


def test_only_a_social_worker_of_that_community_can_be_asked() -> None:
    project = factories.project()
    elsewhere = factories.social_worker()
    with pytest.raises(services.NotASocialWorkerThere):
        services.request_linkage(
            project, elsewhere, by=factories.owner_of(project.organization)
        )


def test_only_the_asked_social_worker_can_answer() -> None:
    project = factories.project()
    worker = factories.social_worker(community=project.community)
    colleague = factories.social_worker(community=project.community)
    services.request_linkage(
        project, worker, by=factories.owner_of(project.organization)
    )
    with pytest.raises(TransitionNotAllowed):
        services.answer_linkage(project, user=colleague, accept=True, note=None)


def test_revoked_organization_cannot_start_projects() -> None:
    org = factories.approved_organization()
    org_services.change_stage(
        org, Stage.REVOKED, by=factories.reviewer(street=org.street), reason="违规"
    )
    with pytest.raises(services.NotAllowedForOrganization):
        factories.project(org=org)


def test_cancel_needs_a_reason_and_tells_everyone() -> None:
    project, worker = factories.linked_project()
    owner = factories.owner_of(project.organization)
    with pytest.raises(ValueError):
        services.cancel_project(project, by=owner, reason="  ")
    services.cancel_project(project, by=owner, reason="经费取消")
    assert (
        project.state == ProjectState.CANCELLED and project.cancel_reason == "经费取消"
    )
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "project_cancelled")
        )
    )
    assert worker.id in told and owner.id not in told


def test_cancelling_cancels_the_shifts_to_come_and_tells_the_volunteers() -> None:
    from hub.models import Shift, Signup
    from hub.models.shifts import ShiftState, SignupState
    from hub.shifts import services as shift_services

    project = factories.recruiting_project()
    soon = factories.shift(project, capacity=1, hours_from_now=30)
    later = factories.shift(project, hours_from_now=80)
    started = factories.shift(project, hours_from_now=100)
    started.starts_at = utcnow() - timedelta(minutes=30)  # under way: left alone
    db.session.flush()
    holder = shift_services.sign_up(soon, user=factories.volunteer())
    waiting = shift_services.sign_up(soon, user=factories.volunteer())
    other = shift_services.sign_up(later, user=factories.volunteer())
    assert waiting.state == SignupState.WAITLISTED

    owner = factories.owner_of(project.organization)
    workflows.cancel_project(project, by=owner, reason="经费取消")

    states = dict(db.session.execute(select(Shift.id, Shift.state)).all())
    assert states[soon.id] == states[later.id] == ShiftState.CANCELLED
    assert states[started.id] == ShiftState.SCHEDULED
    assert {s.state for s in db.session.scalars(select(Signup)).all()} == {
        SignupState.CANCELLED
    }
    told = db.session.execute(
        select(Notification.user_id, Notification.params).where(
            Notification.kind == "shift_cancelled"
        )
    ).all()
    assert {user_id for user_id, _params in told} == {
        holder.user_id,
        waiting.user_id,
        other.user_id,
    }
    assert all(params["reason"] == "经费取消" for _user, params in told)
    assert (
        db.session.scalar(select(Shift.confirmed_count).where(Shift.id == soon.id)) == 0
    )


def test_money_round_trips_exactly() -> None:
    project = factories.project(amount_fen=1234567)
    db.session.expire_all()
    assert db.session.get(Project, project.id).amount_fen == 1234567


def _completed_project() -> tuple[Project, object]:
    project, _worker = factories.linked_project()
    owner = factories.owner_of(project.organization)
    reviewer = factories.reviewer(street=project.street)
    services.submit_project(project, by=owner)
    services.approve_project(project, by=reviewer)
    services.start_project(project, by=owner)
    services.complete_project(project, by=owner)
    return project, reviewer


def test_meeting_evaluates_a_completed_project_only() -> None:
    from datetime import date

    from hub.models.evaluations import Conclusion

    draft = factories.project()
    with pytest.raises(TransitionNotAllowed):
        services.record_meeting(
            draft,
            by=factories.reviewer(street=draft.street),
            held_on=date(2026, 12, 1),
            attendees="居民代表",
            summary="—",
            conclusion=Conclusion.GOOD,
        )
    project, reviewer = _completed_project()
    services.record_meeting(
        project,
        by=reviewer,
        held_on=date(2026, 12, 1),
        attendees="居民代表 5 人",
        summary="服务到位。",
        conclusion=Conclusion.GOOD,
    )
    assert project.state == ProjectState.EVALUATED
    assert project.meeting.conclusion == Conclusion.GOOD
    assert project.organization.may_propose


def test_fail_bars_the_organization_from_tenders_for_twelve_months() -> None:
    from datetime import date

    from hub.models.evaluations import Conclusion

    project, reviewer = _completed_project()
    held = date(2026, 11, 20)
    services.record_meeting(
        project,
        by=reviewer,
        held_on=held,
        attendees="居民代表",
        summary="多次未按计划服务。",
        conclusion=Conclusion.FAIL,
    )
    org = project.organization
    assert org.barred_until == date(2027, 11, 20)
    assert org.is_barred(date(2027, 11, 19)) and not org.is_barred(date(2027, 11, 20))
    assert not org.may_propose
    with pytest.raises(services.NotAllowedForOrganization):
        factories.project(org=org)


def _in_progress_starting(days_from_today: int) -> tuple[Project, object]:
    from hub.models.projects import local_today

    start = local_today() + timedelta(days=days_from_today)
    project = factories.recruiting_project(
        period_start=start, period_end=start + timedelta(days=90)
    )
    owner = factories.owner_of(project.organization)
    services.start_project(project, by=owner)
    return project, owner


def test_a_project_is_not_completed_before_its_period_starts() -> None:
    from hub.models.projects import ProjectNotStarted

    project, owner = _in_progress_starting(7)
    assert not project.may_complete()
    with pytest.raises(ProjectNotStarted) as refused:
        services.complete_project(project, by=owner)
    assert refused.value.starts == project.period_start
    assert project.state == ProjectState.IN_PROGRESS
    assert not db.session.scalar(
        select(AuditEntry).where(AuditEntry.to_state == ProjectState.COMPLETED)
    )


def test_a_project_may_be_completed_from_the_day_its_period_starts() -> None:
    project, owner = _in_progress_starting(0)
    assert project.may_complete()
    services.complete_project(project, by=owner)
    assert project.state == ProjectState.COMPLETED
    assert not project.may_complete()  # only an in-progress project
