"""The dashboard's figures. Each comes from a query that its drill-down list reuses,
so a figure and the list behind it cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, extract, func, select

from hub.extensions import db
from hub.models import Community, Organization, Project, RoleGrant, Shift, Signup
from hub.models.evaluations import EvaluationMeeting, EvaluationWindow, Rating
from hub.models.hours import HourRecord
from hub.models.organizations import FilingState
from hub.models.places import in_place_order
from hub.models.projects import LinkState, ProjectState
from hub.models.shifts import SignupState
from hub.permissions import Qualification, Role
from hub.reports.scope import Period, Scope

ACTIVE_DAYS = 90
#: Staffing standard (article): ≥ 6 social workers, ≥ 1 graduate, ≥ 1 certified.
STAFF_MINIMUM = 6
CERTIFIED = (Qualification.ASSISTANT, Qualification.SOCIAL_WORKER)
#: Filing states a reviewer deals with (drafts are the applicant's own).
FILED_STATES = [s for s in FilingState if s != FilingState.DRAFT]
#: Projects that count for linkage coverage: past the draft, not cancelled.
COVERED_STATES = [
    s for s in ProjectState if s not in (ProjectState.DRAFT, ProjectState.CANCELLED)
]


# The queries behind the figures (the drill-down lists use them too) -----------------


def organizations_query(
    scope: Scope, *, state: str | None = None, stage: str | None = None
) -> Select:
    query = select(Organization).where(
        scope.organizations(), Organization.filing_state.in_(FILED_STATES)
    )
    if state:
        query = query.where(Organization.filing_state == state)
    if stage:
        query = query.where(Organization.stage == stage)
    return query


def projects_query(
    scope: Scope, *, state: str | None = None, linked: bool | None = None
) -> Select:
    query = select(Project).where(scope.projects(), Project.state != ProjectState.DRAFT)
    if state:
        query = query.where(Project.state == state)
    if linked is not None:
        query = query.where(Project.state.in_(COVERED_STATES))
        is_linked = Project.link_state == LinkState.ACCEPTED
        query = query.where(is_linked if linked else ~is_linked)
    return query


def active_volunteers_query(scope: Scope, now: datetime) -> Select:
    """People who attended a shift here in the last 90 days (one row each)."""
    return (
        select(Signup.user_id)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Project, Project.id == Shift.project_id)
        .where(
            scope.projects(),
            Signup.state == SignupState.ATTENDED,
            Shift.starts_at >= now - timedelta(days=ACTIVE_DAYS),
            Shift.starts_at <= now,
        )
        .distinct()
    )


def counted_hours_query(scope: Scope, period: Period, now: datetime) -> Select:
    """Hour records that count, served here within the period."""
    return (
        select(HourRecord)
        .join(Project, Project.id == HourRecord.project_id)
        .where(
            scope.projects(),
            HourRecord.counting(now),
            HourRecord.served_on >= period.first,
            HourRecord.served_on <= period.last,
        )
    )


def closed_evaluations_query(scope: Scope, period: Period, now: datetime) -> Select:
    """Projects here whose evaluation closed within the period."""
    return (
        select(EvaluationWindow.project_id)
        .join(Project, Project.id == EvaluationWindow.project_id)
        .where(
            scope.projects(),
            EvaluationWindow.closes_at >= period.starts_at,
            EvaluationWindow.closes_at < min(period.ends_at, now),
        )
    )


def meetings_query(scope: Scope, period: Period) -> Select:
    return (
        select(EvaluationMeeting)
        .join(Project, Project.id == EvaluationMeeting.project_id)
        .where(
            scope.projects(),
            EvaluationMeeting.held_on >= period.first,
            EvaluationMeeting.held_on <= period.last,
        )
    )


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


# The figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Staffing:
    community: Community
    workers: int
    graduates: int
    certified: int

    @property
    def missing(self) -> list[tuple[str, int]]:
        """What the community lacks, as (what, how many) pairs."""
        gaps = []
        if self.workers < STAFF_MINIMUM:
            gaps.append(("workers", STAFF_MINIMUM - self.workers))
        if self.graduates < 1:
            gaps.append(("graduate", 1))
        if self.certified < 1:
            gaps.append(("certified", 1))
        return gaps

    @property
    def met(self) -> bool:
        return not self.missing


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    organizations_by_state: dict[str, int]
    organizations_by_stage: dict[str, int]
    backlog: int
    oldest_waiting_days: int | None
    decided: int
    average_review_days: Decimal | None
    projects_by_state: dict[str, int]
    linked: int
    linkable: int
    active_volunteers: int
    hours_by_month: list[tuple[int, int, int]]  # (year, month, minutes)
    ratings: int
    averages: dict[str, Decimal | None]
    conclusions: dict[str, int]
    staffing: list[Staffing] = field(default_factory=list)

    @property
    def linkage_coverage(self) -> Decimal | None:
        if not self.linkable:
            return None
        share = Decimal(100 * self.linked) / self.linkable
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def total_minutes(self) -> int:
        return sum(m for _, _, m in self.hours_by_month)


def _grouped(query: Select, column) -> dict[str, int]:  # noqa: ANN001
    sub = query.subquery()
    return {
        key: n
        for key, n in db.session.execute(
            select(sub.c[column], func.count()).group_by(sub.c[column])
        )
        if key is not None
    }


def _review_times(scope: Scope, period: Period) -> tuple[int, Decimal | None]:
    rows = db.session.execute(
        select(Organization.first_submitted_at, Organization.decided_at).where(
            scope.organizations(),
            Organization.filing_state.in_([FilingState.APPROVED, FilingState.REJECTED]),
            Organization.decided_at >= period.starts_at,
            Organization.decided_at < period.ends_at,
            Organization.first_submitted_at.is_not(None),
        )
    ).all()
    if not rows:
        return 0, None
    seconds = sum((decided - submitted).total_seconds() for submitted, decided in rows)
    days = Decimal(seconds) / 86400 / len(rows)
    return len(rows), days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _hours(scope: Scope, period: Period, now: datetime) -> list[tuple[int, int, int]]:
    sub = counted_hours_query(scope, period, now).subquery()
    year, month = extract("year", sub.c.served_on), extract("month", sub.c.served_on)
    found = {
        (int(y), int(m)): int(minutes or 0)
        for y, m, minutes in db.session.execute(
            select(year, month, func.sum(sub.c.minutes)).group_by(year, month)
        )
    }
    return [(y, m, found.get((y, m), 0)) for y, m in period.months()]


def _ratings(
    scope: Scope, period: Period, now: datetime
) -> tuple[int, dict[str, Decimal | None]]:
    closed = closed_evaluations_query(scope, period, now)
    row = db.session.execute(
        select(
            func.count(Rating.id),
            func.sum(Rating.satisfaction),
            func.sum(Rating.quality),
            func.sum(Rating.responsiveness),
        ).where(Rating.project_id.in_(closed))
    ).one()
    n = int(row[0])
    names = ("satisfaction", "quality", "responsiveness")
    if not n:
        return 0, dict.fromkeys(names)
    return n, {
        name: (Decimal(int(total)) / n).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for name, total in zip(names, row[1:], strict=True)
    }


def staffing(scope: Scope) -> list[Staffing]:
    """Per community: social workers, graduates, certified."""
    where = (
        Community.street_id == scope.id if scope.is_street else Community.id == scope.id
    )
    communities = in_place_order(db.session.scalars(select(Community).where(where)))
    counts: dict[int, dict[str, int]] = {
        c.id: {"workers": 0, "graduates": 0, "certified": 0} for c in communities
    }
    grants = select(
        RoleGrant.community_id,
        RoleGrant.user_id,
        RoleGrant.qualification,
    ).where(
        RoleGrant.role == Role.SOCIAL_WORKER,
        RoleGrant.revoked_at.is_(None),
        RoleGrant.community_id.in_(list(counts)),
    )
    for community_id, _user, qualification in db.session.execute(grants):
        c = counts[community_id]
        c["workers"] += 1
        c["graduates"] += qualification == Qualification.GRADUATE
        c["certified"] += qualification in CERTIFIED
    return [Staffing(c, **counts[c.id]) for c in communities]


def dashboard(scope: Scope, period: Period, now: datetime) -> Dashboard:
    """Every figure of one street's or community's dashboard."""
    backlog_query = organizations_query(scope, state=FilingState.SUBMITTED)
    oldest = db.session.scalar(
        select(func.min(Organization.submitted_at)).where(
            scope.organizations(), Organization.filing_state == FilingState.SUBMITTED
        )
    )
    decided, average = _review_times(scope, period)
    linkable = projects_query(scope).where(Project.state.in_(COVERED_STATES))
    ratings, averages = _ratings(scope, period, now)
    return Dashboard(
        scope=scope,
        period=period,
        organizations_by_state=_grouped(organizations_query(scope), "filing_state"),
        organizations_by_stage=_grouped(
            organizations_query(scope, state=FilingState.APPROVED), "stage"
        ),
        backlog=_count(backlog_query),
        oldest_waiting_days=(now - oldest).days if oldest else None,
        decided=decided,
        average_review_days=average,
        projects_by_state=_grouped(projects_query(scope), "state"),
        linked=_count(projects_query(scope, linked=True)),
        linkable=_count(linkable),
        active_volunteers=_count(active_volunteers_query(scope, now)),
        hours_by_month=_hours(scope, period, now),
        ratings=ratings,
        averages=averages,
        conclusions=_grouped(meetings_query(scope, period), "conclusion"),
        staffing=staffing(scope),
    )
