"""Bounded queries (DESIGN §5): each key page sends the same, exact number of SQL
statements with 4 and with 25 rows of data behind it (25 is more than a page).

Rows hang off parents that multiply with them (a new organization every 4 rows,
a new grid for every shift), so a lazy load per row would show as a growing count.
Counts include the test's SAVEPOINT / ROLLBACK TO SAVEPOINT around each request
(the rolled-back test transaction) and the login's user and role loads; they are
the same on SQLite and PostgreSQL. A new count here must come with its reason.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from hub.evaluations import services as evaluation_services
from hub.extensions import db
from hub.matching import services as matching
from hub.models import Organization, Project, Shift, User
from hub.models.base import utcnow
from hub.models.evaluations import Conclusion
from hub.projects import services as project_services
from hub.shifts import services as shift_services
from tests import evaluation_factories as evaluations
from tests import factories
from tests.querycount import statements
from tests.tender_factories import open_tender

HX = {"HX-Request": "true"}
FEW, MANY = 4, 25
ROWS_PER_ORG = 4


class World:
    """One street's organizations, projects and people, grown row by row."""

    def __init__(self) -> None:
        self.street = factories.StreetFactory()
        self.reviewer = factories.reviewer(street=self.street)
        self.me = factories.volunteer()
        self.orgs: list[tuple[Organization, User, User]] = []
        self._n = itertools.count()

    def org(self, i: int) -> tuple[Organization, User, User]:
        """Row ``i``'s organization, its owner and its community's social worker."""
        while len(self.orgs) <= i // ROWS_PER_ORG:
            org = factories.approved_organization(street=self.street)
            worker = factories.social_worker(community=org.communities[0])
            self.orgs.append((org, factories.owner_of(org), worker))
        return self.orgs[i // ROWS_PER_ORG]

    def recruiting(self, i: int) -> Project:
        """A linked, approved project of row ``i``'s organization."""
        org, owner, worker = self.org(i)
        project = factories.project(org=org, title=f"项目{next(self._n)}")
        project_services.request_linkage(project, worker, by=owner)
        project_services.answer_linkage(project, user=worker, accept=True, note=None)
        project_services.submit_project(project, by=owner)
        project_services.approve_project(project, by=self.reviewer)
        return project

    def shift(self, project: Project, i: int, **kwargs) -> Shift:  # noqa: ANN003
        """A two-hour shift in a grid of its own, in time slot ``i`` (3 h apart)."""
        grid = factories.GridFactory(community=project.community)
        kwargs.setdefault("hours_from_now", 48 + 3 * i)
        return factories.shift(project, grid=grid, **kwargs)


def _same_count(
    client,  # noqa: ANN001
    grow: Callable[[int, int], None],
    request: Callable[[], object],
    expected: int | tuple[int, int],
    prepare: Callable[[], None] = lambda: None,
    sizes: tuple[int, int] = (FEW, MANY),
) -> None:
    """Grow to FEW rows, count; grow to MANY, count again: both equal ``expected``.

    ``sizes`` may be smaller for rows that take a whole workflow each, where the
    page shows every row (no page size to pass).

    ``prepare`` runs before each request, outside the count (fresh data it needs).
    ``expected`` may be (SQLite, PostgreSQL) where the engines differ by design.
    """
    if isinstance(expected, tuple):
        expected = expected[db.engine.dialect.name == "postgresql"]

    def measure() -> list[str]:
        prepare()
        with statements() as seen:
            request()
        return seen

    few_rows, many_rows = sizes
    grow(0, few_rows)
    measure()  # warm up: first-request work (translations, caches) is not per page
    few = measure()
    grow(few_rows, many_rows)
    many = measure()
    report = f"{len(few)} → {len(many)} statements:\n" + "\n".join(
        difflib.unified_diff([s[:120] for s in few], [s[:120] for s in many], n=30)
    )
    assert len(few) == len(many), report
    assert len(many) == expected, report


def _ok(response) -> str:  # noqa: ANN001
    assert response.status_code in (200, 303), response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def world(db_session) -> World:  # noqa: ANN001
    return World()


def test_volunteer_home_with_recommendations(client, login, world) -> None:
    first = world.recruiting(0)
    grid = factories.GridFactory(community=first.community)
    profile = factories.volunteer_profile(
        world.me,
        grid=grid,
        skills=["elderly_care"],
        slots=[(d, p) for d in range(7) for p in range(3)],
    )
    me = profile.user

    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            project = first if i == 0 else world.recruiting(i)
            shift = world.shift(project, i, required_skills=["elderly_care"])
            if i % 3 == 0:
                # Some shifts I am on, some I am invited to: both show on the home.
                shift_services.sign_up(world.shift(project, 500 + i), user=me)
            elif i in (1, 4):  # a person is invited at most twice a week
                matching.invite_to_shift(shift, user=me, by=world.org(i)[1])

    login(me)
    _same_count(client, grow, lambda: _ok(client.get("/")), expected=12)
    assert 'id="for-you"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("headers", "expected"), [({}, 8), (HX, 7)], ids=["page", "htmx"]
)
def test_project_search_with_filters(client, login, world, headers, expected) -> None:
    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            project = world.recruiting(i)
            world.shift(project, i)
            shift_services.sign_up(world.shift(project, 300 + i), user=world.me)

    login(world.me)
    url = f"/find?street={world.street.id}&category=elderly&when="
    _same_count(client, grow, lambda: _ok(client.get(url, headers=headers)), expected)


def test_project_page(client, login, world) -> None:
    project = world.recruiting(0)

    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            shift = world.shift(project, i, capacity=5)
            shift_services.sign_up(shift, user=factories.volunteer())
            if i % 2:
                shift_services.sign_up(shift, user=world.me)

    login(world.me)
    url = f"/projects/{project.id}"
    _same_count(client, grow, lambda: _ok(client.get(url)), expected=8)


def test_all_upcoming_shifts_of_a_project(client, login, world) -> None:
    project = world.recruiting(0)

    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            shift = world.shift(project, i, capacity=5)
            if i % 2:
                shift_services.sign_up(shift, user=world.me)

    login(world.me)
    url = f"/projects/{project.id}/shifts?page=2"
    _same_count(client, grow, lambda: _ok(client.get(url)), expected=10)


def test_my_shifts(client, login, world) -> None:
    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            project = world.recruiting(i)
            shift = world.shift(project, i)
            shift_services.sign_up(
                shift, user=world.me, now=shift.starts_at - timedelta(days=3)
            )
            if i % 2:
                past = world.shift(project, -200 - i)
                shift_services.sign_up(
                    past, user=world.me, now=past.starts_at - timedelta(days=1)
                )

    login(world.me)
    _same_count(client, grow, lambda: _ok(client.get("/my/shifts")), expected=6)


# Two of them ask whether the person has served yet and how many places a new
# account holds (throwaway accounts cannot fill a shift).
@pytest.mark.parametrize(
    ("headers", "expected"), [({}, (20, 17)), (HX, (23, 20))], ids=["plain", "htmx"]
)
def test_sign_up_post(client, login, world, headers, expected) -> None:
    project = world.recruiting(0)
    target = world.shift(project, 0, capacity=500)
    others: list[Shift] = []

    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            shift_services.sign_up(target, user=factories.volunteer())
            mine = world.shift(world.recruiting(i), 1000 + i)
            shift_services.sign_up(mine, user=world.me)

    login(world.me)
    me_id = world.me.id
    done: list[int] = []

    def fresh_shift() -> None:
        if done:
            # The last request signed up (checked here, outside the count).
            assert shift_services._active(done[-1], me_id) is not None
        others.append(world.shift(project, 3000 + len(others), capacity=500))
        done.append(others[-1].id)

    def sign_up() -> None:
        response = client.post(
            f"/shifts/{done[-1]}/signup", data={"next": "/find"}, headers=headers
        )
        assert response.status_code == (200 if headers else 303)

    _same_count(client, grow, sign_up, expected, prepare=fresh_shift)


def test_reviewer_filing_queue(client, login, world) -> None:
    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            org = factories.submitted_application(street=world.street)
            if i % 4 == 0:
                # Some sent back to the applicant wait in the second list.
                from hub.organizations import services as org_services

                org_services.request_changes(org, by=world.reviewer, comment="补充材料")
            if i % 3 == 0:
                # Projects waiting for approval are listed too.
                org, owner, _worker = world.org(i)
                pending = factories.project(org=org, title=f"待审批{i}")
                project_services.submit_project(pending, by=owner)

    login(world.reviewer)
    _same_count(client, grow, lambda: _ok(client.get("/review/filings")), 10)


def test_street_dashboard(client, login, world) -> None:
    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            project = world.recruiting(i)
            factories.confirmed_hours(project=project, hours_from_now=-72 - i)

    login(world.reviewer)
    url = f"/reports/street/{world.street.id}"
    _same_count(client, grow, lambda: _ok(client.get(url)), expected=19)


def test_open_data_page(client, world) -> None:
    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            project = world.recruiting(i)
            tender = open_tender(community=project.community, by=world.reviewer)
            project.tender_id = tender.id
            project.amount_fen = 50_000_00 + i
            factories.confirmed_hours(project=project, hours_from_now=-72 - i)
        db.session.flush()

    _same_count(client, grow, lambda: _ok(client.get("/open-data")), expected=7)


def _evaluated(world: World, i: int) -> Project:
    """A project of row ``i``'s organization, run, rated and concluded."""
    project = world.recruiting(i)
    shift = world.shift(project, i)
    person = factories.volunteer()
    signup = shift_services.sign_up(shift, user=person)
    signup.state = "attended"
    owner = world.org(i)[1]
    project_services.start_project(project, by=owner)
    project_services.complete_project(project, by=owner)
    window = evaluations.open_evaluation(project)
    evaluation_services.rate_project(
        project, user=person, satisfaction=5, quality=4, responsiveness=4
    )
    evaluations.close(window)
    project_services.record_meeting(
        project,
        by=world.reviewer,
        held_on=date(2026, 12, 1),
        attendees="街道、社区、居民代表",
        summary="按计划完成。",
        conclusion=Conclusion.PASS,
    )
    return project


def test_organization_profile_with_scorecard(client, world) -> None:
    url = f"/organizations/{world.org(0)[0].id}"
    # Every row is the same organization's: its page lists them.
    _same_count(
        client,
        lambda start, end: [_evaluated(world, 0) for _ in range(start, end)],
        lambda: _ok(client.get(url)),
        expected=11,
        sizes=(2, 6),  # each row is a project run, rated and concluded
    )


def test_my_hours(client, login, world) -> None:
    def grow(start: int, end: int) -> None:
        for i in range(start, end):
            project = world.recruiting(i)
            factories.confirmed_hours(
                user=world.me, project=project, hours_from_now=-72 - 3 * i
            )

    login(world.me)
    _same_count(client, grow, lambda: _ok(client.get("/my/hours")), expected=10)


def test_evaluation_result_page(client, login, world) -> None:
    project, _people = evaluations.completed_project(attendees=1)
    window = evaluations.open_evaluation(project)

    def grow(start: int, end: int) -> None:
        window.closes_at = utcnow() + timedelta(days=1)
        for i in range(start, end):
            person = evaluations.resident(project, name=f"居民{i}")
            evaluation_services.rate_project(
                project,
                user=person,
                satisfaction=1 + i % 5,
                quality=5,
                responsiveness=4,
                comment=f"第{i}条意见",
            )
        evaluations.close(window)

    login(factories.reviewer(street=project.street))
    url = f"/projects/{project.id}/evaluation"
    _same_count(client, grow, lambda: _ok(client.get(url)), expected=13)
