"""Dashboards: every figure against an independent count; staffing; who sees what."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hub.evaluations.services import rate_project
from hub.extensions import db
from hub.localtime import local_date
from hub.models.base import utcnow
from hub.models.hours import HourRecord, RecordKind, RecordState
from hub.permissions import Qualification, Role
from hub.reports import figures
from hub.reports.scope import Period, Scope
from tests import factories
from tests.evaluation_factories import close, completed_project, open_evaluation


def _hours(project, user, served_on, minutes, state=RecordState.CONFIRMED):  # noqa: ANN001, ANN202
    past = utcnow() - timedelta(days=1)
    confirmed = state == RecordState.CONFIRMED
    record = HourRecord(
        user_id=user.id,
        kind=RecordKind.BACKFILL,
        state=state,
        minutes=minutes,
        organization_id=project.organization_id,
        project_id=project.id,
        served_on=served_on,
        confirmed_at=past if confirmed else None,
        counts_from=past if confirmed else None,
    )
    db.session.add(record)
    db.session.flush()
    return record


@pytest.fixture
def street_data():  # noqa: ANN201
    """A street with organizations, projects, volunteers, hours and evaluations."""
    project, people = completed_project(attendees=2)
    street = project.street
    other, _ = completed_project(attendees=1)  # another street: never counted
    factories.submitted_application(street=street)
    factories.submitted_application(street=street)
    draft = factories.project(org=project.organization)  # drafts are not counted
    recruiting = factories.recruiting_project(org=project.organization)
    window = open_evaluation(project)
    rate(project, people[0], 5, 4, 3)
    rate(project, people[1], 3, 4, 5)
    close(window)
    today = date.today()
    _hours(project, people[0], today, 120)
    _hours(project, people[1], today, 45)
    _hours(project, people[1], today, 600, RecordState.PENDING)
    _hours(other, people[0], today, 999)
    return street, project, recruiting, draft


def rate(project, user, s, q, r):  # noqa: ANN001, ANN201
    return rate_project(project, user=user, satisfaction=s, quality=q, responsiveness=r)


def _sql(query: str, **params) -> int:  # noqa: ANN003
    return db.session.execute(sa.text(query), params).scalar_one()


def test_every_figure_equals_an_independent_count(street_data) -> None:
    street, project, _recruiting, _draft = street_data
    now = utcnow()
    today = date.today()
    period = Period.this_year(today)
    board = figures.dashboard(
        Scope("street", street.id, street.name, street.id), period, now
    )

    for state, n in board.organizations_by_state.items():
        assert n == _sql(
            "SELECT count(*) FROM organizations "
            "WHERE street_id = :s AND filing_state = :f",
            s=street.id,
            f=state,
        )
    assert board.organizations_by_state["submitted"] == 2
    assert board.backlog == 2
    assert board.organizations_by_stage == {
        "incubating": _sql(
            "SELECT count(*) FROM organizations WHERE street_id = :s "
            "AND filing_state = 'approved' AND stage = 'incubating'",
            s=street.id,
        )
    }
    for state, n in board.projects_by_state.items():
        assert n == _sql(
            "SELECT count(*) FROM projects WHERE street_id = :s AND state = :st",
            s=street.id,
            st=state,
        )
    assert "draft" not in board.projects_by_state
    assert board.linkable == _sql(
        "SELECT count(*) FROM projects WHERE street_id = :s "
        "AND state NOT IN ('draft', 'cancelled')",
        s=street.id,
    )
    assert board.linked == board.linkable == 2  # both coordinated
    assert board.linkage_coverage == 100
    assert board.active_volunteers == 0  # their shift starts in two days
    assert (
        board.total_minutes
        == 165
        == _sql(
            "SELECT sum(h.minutes) FROM hour_records h JOIN projects p "
            "ON p.id = h.project_id WHERE p.street_id = :s AND h.state = 'confirmed'",
            s=street.id,
        )
    )
    month = [
        m for y, mo, m in board.hours_by_month if (y, mo) == (today.year, today.month)
    ]
    assert month == [165]
    assert len(board.hours_by_month) == 12
    assert board.ratings == 2
    assert board.averages == {
        "satisfaction": 4,
        "quality": 4,
        "responsiveness": 4,
    }


def test_active_volunteers_attended_in_the_last_90_days(street_data) -> None:
    street, project, _r, _d = street_data
    scope = Scope("street", street.id, street.name, street.id)
    later = utcnow() + timedelta(days=3)  # the shift has now happened
    assert figures._count(figures.active_volunteers_query(scope, later)) == 2
    much_later = utcnow() + timedelta(days=100)
    assert figures._count(figures.active_volunteers_query(scope, much_later)) == 0


@pytest.mark.parametrize(
    ("workers", "missing"),
    [
        (
            [Qualification.GRADUATE, Qualification.SOCIAL_WORKER]
            + [Qualification.NONE] * 4,
            [],
        ),
        (
            [Qualification.GRADUATE, Qualification.ASSISTANT]
            + [Qualification.NONE] * 3,
            [("workers", 1)],
        ),
        ([Qualification.NONE] * 5 + [Qualification.ASSISTANT], [("graduate", 1)]),
        ([Qualification.GRADUATE] * 6, [("certified", 1)]),
        ([], [("workers", 6), ("graduate", 1), ("certified", 1)]),
    ],
)
def test_staffing_standard(workers, missing) -> None:  # noqa: ANN001
    community = factories.CommunityFactory()
    for q in workers:
        person = factories.UserFactory()
        factories.grant(
            person, Role.SOCIAL_WORKER, community=community, qualification=q
        )
    revoked = factories.UserFactory()
    grant = factories.grant(revoked, Role.SOCIAL_WORKER, community=community)
    grant.revoked_at = utcnow()  # a revoked grant does not count
    db.session.flush()
    scope = Scope("community", community.id, community.name, community.street_id)
    (staffing,) = figures.staffing(scope)
    assert staffing.missing == missing
    assert staffing.met == (not missing)


def test_reviewer_sees_own_street_only(client, login, street_data) -> None:
    street, project, _r, _d = street_data
    login(factories.reviewer())  # another street
    assert client.get(f"/reports/street/{street.id}").status_code == 404
    assert client.get(f"/reports/street/{street.id}/projects").status_code == 404
    assert client.get(f"/reports/community/{project.community_id}").status_code == 404
    client.post("/logout")
    login(factories.volunteer())
    assert client.get(f"/reports/street/{street.id}").status_code == 403
    client.post("/logout")
    login(factories.reviewer(street=street))
    page = client.get(f"/reports/street/{street.id}?period=year")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert (
        '<svg role="img" aria-labelledby="hours-chart-title hours-chart-desc"' in html
    )
    assert "<table" in html and "2.75" in html  # 165 minutes
    listing = client.get(f"/reports/street/{street.id}/projects?state=completed")
    assert project.title in listing.get_data(as_text=True)
    community = client.get(f"/reports/community/{project.community_id}")
    assert community.status_code == 200


def test_every_figure_links_to_its_list(client, login, street_data) -> None:
    street, project, _r, _d = street_data
    login(factories.reviewer(street=street))
    html = client.get(f"/reports/street/{street.id}?period=year").get_data(as_text=True)
    links = set(re.findall(r'href="(/reports/(?:street|community)/\d+/[^"]+)"', html))
    assert {"organizations", "projects", "volunteers", "hours", "evaluations"} <= {
        re.match(r"/reports/\w+/\d+/([\w-]+)", link).group(1) for link in links
    }
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    hours = client.get(f"/reports/street/{street.id}/hours?period=year").get_data(True)
    assert hours.count('<li class="card">') == 2  # the two counted records


def test_social_worker_sees_own_community_not_others(
    client, login, street_data
) -> None:
    street, project, _r, _d = street_data
    login(factories.social_worker(community=project.community))
    assert client.get("/reports").status_code == 302
    assert client.get(f"/reports/community/{project.community_id}").status_code == 200
    assert client.get(f"/reports/street/{street.id}").status_code == 404
    other = factories.CommunityFactory(street=street)
    assert client.get(f"/reports/community/{other.id}").status_code == 404


def test_bad_period_answers_422_beside_the_field(client, login, street_data) -> None:
    street, _p, _r, _d = street_data
    login(factories.reviewer(street=street))
    response = client.get(
        f"/reports/street/{street.id}?period=custom&first=2026-10-01&last=2026-09-01"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="last-error"' in html and 'value="2026-10-01"' in html


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2027, 1, 15), date(2026, 2, 1), date(2027, 1, 31)),
        (date(2026, 12, 3), date(2026, 1, 1), date(2026, 12, 31)),
        (date(2028, 2, 29), date(2027, 3, 1), date(2028, 2, 29)),
    ],
)
def test_the_last_twelve_months_include_this_one(today, first, last) -> None:  # noqa: ANN001
    period = Period.recent(today)
    assert (period.first, period.last, len(period.months())) == (first, last, 12)


def test_the_dashboard_opens_on_the_last_twelve_months(
    client, login, street_data
) -> None:
    """A month alone is one bar: the chart shows a year's trend on any day."""
    street, _project, _r, _d = street_data
    login(factories.reviewer(street=street))
    html = client.get(f"/reports/street/{street.id}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="recent"', html)
    months = re.findall(r">(\d{4}-\d{2})<", html)
    assert len(months) == 12, months
    assert months[-1] == f"{local_date(utcnow()):%Y-%m}"
