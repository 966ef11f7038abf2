"""Evaluation rules: who may rate, once, while open; results and scorecards."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hub.evaluations import residents, results, services
from hub.extensions import db
from hub.models import AuditEntry, Notification, VolunteerProfile
from hub.models.base import utcnow
from hub.models.evaluations import Conclusion, Rating
from hub.models.organizations import TransitionNotAllowed
from hub.projects import services as project_services
from tests import factories
from tests.evaluation_factories import (
    close,
    completed_project,
    open_evaluation,
    resident,
)

pytestmark = pytest.mark.usefixtures("db_session")


def _rate(project, user, s=5, q=4, r=3, comment=""):  # noqa: ANN001, ANN202
    return services.rate_project(
        project, user=user, satisfaction=s, quality=q, responsiveness=r, comment=comment
    )


# Eligibility ----------------------------------------------------------------------


def test_attendee_and_confirmed_resident_may_rate_others_may_not() -> None:
    project, (served,) = completed_project(attendees=1)
    local = resident(project)
    unconfirmed = resident(project, confirmed=False)
    elsewhere = factories.volunteer()
    assert services.eligibility(served, project) == services.BASIS_VOLUNTEER
    assert services.eligibility(local, project) == services.BASIS_RESIDENT
    assert services.eligibility(unconfirmed, project) is None
    assert services.eligibility(elsewhere, project) is None
    assert services.eligibility(None, project) is None


def test_signed_up_but_not_attended_may_not_rate() -> None:
    project, (served,) = completed_project(attendees=1, no_shows=1)
    no_show = completed_project.no_shows[-1]
    assert services.eligibility(served, project) == services.BASIS_VOLUNTEER
    assert services.eligibility(no_show, project) is None


def test_organization_staff_and_coordinator_may_not_rate_their_own_project() -> None:
    project, _ = completed_project(attendees=0)
    owner = factories.owner_of(project.organization)
    coordinator = project.coordinator
    for person in (owner, coordinator):
        assert services.eligibility(person, project) is None
    open_evaluation(project)
    with pytest.raises(services.NotEligible):
        _rate(project, owner)


def test_resident_of_another_community_may_not_rate() -> None:
    project, _ = completed_project(attendees=0)
    other, _ = completed_project(attendees=0)
    person = resident(other)
    assert services.eligibility(person, project) is None


# One rating, while open --------------------------------------------------------------


def test_rating_twice_changes_the_one_rating() -> None:
    project, (served,) = completed_project(attendees=1)
    open_evaluation(project)
    first = _rate(project, served, 2, 2, 2, "一般")
    second = _rate(project, served, 5, 5, 4, "  后来改进了  ")
    assert first.id == second.id
    rows = db.session.scalars(select(Rating).where(Rating.project_id == project.id))
    (rating,) = rows.all()
    assert (rating.satisfaction, rating.quality, rating.responsiveness) == (5, 5, 4)
    assert rating.comment == "后来改进了"
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_type == "rating", AuditEntry.object_id == rating.id
        )
    ).all()
    assert actions == ["rating.give", "rating.change"]


def test_database_refuses_a_second_rating_row() -> None:
    project, (served,) = completed_project(attendees=1)
    open_evaluation(project)
    _rate(project, served)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Rating(
                project_id=project.id,
                user_id=served.id,
                basis="volunteer",
                satisfaction=1,
                quality=1,
                responsiveness=1,
            )
        )


def test_database_refuses_scores_outside_one_to_five() -> None:
    project, (served,) = completed_project(attendees=1)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Rating(
                project_id=project.id,
                user_id=served.id,
                basis="volunteer",
                satisfaction=6,
                quality=1,
                responsiveness=1,
            )
        )


@pytest.mark.parametrize("scores", [(0, 3, 3), (3, 6, 3), (3, 3, -1)])
def test_service_refuses_scores_outside_one_to_five(scores) -> None:  # noqa: ANN001
    project, (served,) = completed_project(attendees=1)
    open_evaluation(project)
    with pytest.raises(services.BadScore):
        _rate(project, served, *scores)


def test_service_refuses_a_comment_over_500_characters() -> None:
    project, (served,) = completed_project(attendees=1)
    open_evaluation(project)
    with pytest.raises(services.BadScore):
        _rate(project, served, comment="好" * 501)
    assert _rate(project, served, comment="好" * 500).comment == "好" * 500


def test_closed_window_refuses_and_keeps_the_rating() -> None:
    project, (served,) = completed_project(attendees=1)
    window = open_evaluation(project)
    _rate(project, served, 4, 4, 4)
    close(window)
    with pytest.raises(services.WindowNotOpen):
        _rate(project, served, 1, 1, 1)
    assert services.rating_of(served, project).satisfaction == 4


def test_not_yet_open_or_never_opened_window_refuses() -> None:
    project, (served,) = completed_project(attendees=1)
    with pytest.raises(services.WindowNotOpen):
        _rate(project, served)
    now = utcnow()
    open_evaluation(
        project, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8)
    )
    with pytest.raises(services.WindowNotOpen):
        _rate(project, served)


# Opening ----------------------------------------------------------------------------


def test_only_a_completed_project_opens_once_and_attendees_are_told() -> None:
    running = factories.recruiting_project()
    with pytest.raises(TransitionNotAllowed):
        open_evaluation(running)
    project, people = completed_project(attendees=2)
    window = open_evaluation(project)
    assert window.is_open()
    with pytest.raises(services.WindowAlreadyOpened):
        open_evaluation(project)
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "evaluation_open")
    ).all()
    assert sorted(told) == sorted(p.id for p in people)


def test_window_must_close_after_it_opens_and_in_the_future() -> None:
    project, _ = completed_project(attendees=0)
    now = utcnow()
    with pytest.raises(services.BadWindow):
        open_evaluation(project, opens_at=now, closes_at=now - timedelta(hours=1))
    with pytest.raises(services.BadWindow):
        open_evaluation(
            project,
            opens_at=now - timedelta(days=3),
            closes_at=now - timedelta(days=1),
        )


# Results ------------------------------------------------------------------------------


def test_result_figures_recompute_from_the_published_counts() -> None:
    project, people = completed_project(attendees=3)
    locals_ = [resident(project, name=f"居民{i}") for i in range(2)]
    resident(project, confirmed=False)  # not eligible, not counted
    window = open_evaluation(project)
    given = [(5, 4, 3), (4, 4, 5), (2, 3, 3), (5, 5, 5)]
    for person, scores in zip([*people[:2], *locals_], given, strict=True):
        _rate(project, person, *scores, comment="")
    close(window)
    result = results.project_result(project)
    assert result.responses == 4
    assert (result.eligible.volunteers, result.eligible.residents) == (3, 2)
    assert result.eligible.total == 5
    assert result.response_rate == Decimal("80.00")
    for i, criterion in enumerate(result.criteria):
        values = [g[i] for g in given]
        assert criterion.counts == {s: values.count(s) for s in range(1, 6)}
        expected = Decimal(sum(values)) / len(values)
        assert criterion.average == expected.quantize(Decimal("0.01"))
    # 0.4 × 4 + 0.4 × 4 + 0.2 × 4 = 4.00
    assert result.score == Decimal("4.00")


def test_hidden_comment_never_in_the_public_result_but_still_counts() -> None:
    project, (a, b) = completed_project(attendees=2)
    window = open_evaluation(project)
    _rate(project, a, comment="服务很好")
    abusive = _rate(project, b, 1, 1, 1, comment="骂人的话")
    services.hide_comment(
        abusive, by=factories.reviewer(street=project.street), reason="人身攻击"
    )
    close(window)
    public = results.project_result(project)
    assert [r.comment for r in public.comments] == ["服务很好"]
    assert public.responses == 2
    reviewer_view = results.project_result(project, with_hidden=True)
    assert {r.comment for r in reviewer_view.comments} == {"服务很好", "骂人的话"}
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "rating.hide_comment")
    )
    assert entry.reason == "人身攻击" and entry.object_id == abusive.id


def test_scorecard_equals_an_independent_count() -> None:
    project, people = completed_project(attendees=2)
    org = project.organization
    second, others = completed_project(attendees=1, org=org)
    open_project, late = completed_project(attendees=1, org=org)  # window still open
    w1, w2 = open_evaluation(project), open_evaluation(second)
    open_evaluation(open_project)
    _rate(project, people[0], 5, 5, 5)
    _rate(project, people[1], 3, 4, 2)
    _rate(second, others[0], 1, 2, 3)
    _rate(open_project, late[0], 1, 1, 1)  # not published yet: not counted
    close(w1)
    close(w2)
    reviewer = factories.reviewer(street=project.street)
    project_services.record_meeting(
        project,
        by=reviewer,
        held_on=date.today(),
        attendees="居民代表",
        summary="好",
        conclusion=Conclusion.GOOD,
    )
    card = results.scorecard(org.id)
    published = [(5, 5, 5), (3, 4, 2), (1, 2, 3)]
    assert card.responses == 3
    assert card.projects == 3
    assert card.conclusions["good"] == 1 and card.evaluated == 1
    assert card.volunteers == 4
    assert card.minutes == 0  # no hours confirmed in this test
    for i, criterion in enumerate(card.criteria):
        mean = Decimal(sum(p[i] for p in published)) / 3
        assert criterion.average == mean.quantize(Decimal("0.01"))
    weighted = sum(
        Decimal(w) * Decimal(sum(p[i] for p in published)) / 3
        for i, w in enumerate(("0.4", "0.4", "0.2"))
    )
    assert card.score == weighted.quantize(Decimal("0.01"))
    lines = {line.project.id: line for line in results.evaluated_projects(org.id)}
    assert set(lines) == {project.id, second.id}
    assert lines[project.id].conclusion == "good"
    assert lines[project.id].responses == 2


# Residents ---------------------------------------------------------------------------


def test_social_worker_confirms_and_withdraws_residence_with_audit() -> None:
    project, _ = completed_project(attendees=0)
    person = resident(project, confirmed=False)
    worker = factories.social_worker(community=project.community)
    profile = db.session.get(VolunteerProfile, person.id)
    residents.confirm_residence(profile, by=worker)
    assert services.eligibility(person, project) == services.BASIS_RESIDENT
    residents.withdraw_residence(profile, by=worker, reason="已搬离")
    assert services.eligibility(person, project) is None
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "volunteer_profile")
    ).all()
    assert actions == ["residence.confirm", "residence.withdraw"]


def test_open_for_lists_what_the_person_may_rate() -> None:
    project, (served,) = completed_project(attendees=1)
    other, _ = completed_project(attendees=0)
    open_evaluation(project)
    open_evaluation(other)
    items = services.open_for(served)
    assert [i.project.id for i in items] == [project.id]
    assert not items[0].rated
    _rate(project, served)
    assert services.open_for(served)[0].rated


def test_scorecard_counts_hours_the_organization_recorded() -> None:
    record, shift, _person, _organizer = factories.confirmed_hours(minutes_in=90)
    org_id = shift.project.organization_id
    card = results.scorecard(org_id)
    assert card.minutes == record.minutes == 90
    assert card.volunteers == 1
    assert results.scorecard(factories.approved_organization().id).minutes == 0
