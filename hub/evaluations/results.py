"""The published result of an evaluation, and an organization's scorecard.

The rubric is public so anyone can recompute a score from the published counts:
each criterion's average is the mean of its 1–5 ratings; the overall score is the
weighted sum of the three averages (weights below, summing to 1), on the same
1–5 scale. Response rate = ratings ÷ people who could rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, or_, select, union
from sqlalchemy.orm import contains_eager

from hub.extensions import db
from hub.hours.ledger import minutes_by_organization
from hub.models import Project, RoleGrant, Shift, Signup, VolunteerProfile
from hub.models.base import utcnow
from hub.models.evaluations import (
    CRITERIA,
    Conclusion,
    EvaluationMeeting,
    EvaluationWindow,
    Rating,
)
from hub.models.projects import PUBLIC_STATES
from hub.models.shifts import SignupState

#: The rubric's weights, published with every result.
WEIGHTS: dict[str, Decimal] = {
    "satisfaction": Decimal("0.4"),
    "quality": Decimal("0.4"),
    "responsiveness": Decimal("0.2"),
}
SCALE = range(1, 6)
_TWO_PLACES = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: Decimal
    #: counts[score] for score 1..5
    counts: dict[int, int]

    @property
    def responses(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> Decimal | None:
        if not self.responses:
            return None
        total = sum(score * n for score, n in self.counts.items())
        return _round(Decimal(total) / self.responses)

    def share(self, score: int) -> Decimal:
        """The share of responses giving ``score``, 0–1 (for the bars)."""
        return Decimal(self.counts[score]) / self.responses if self.responses else 0


@dataclass(frozen=True)
class Eligible:
    volunteers: int
    residents: int
    total: int


@dataclass(frozen=True)
class Result:
    criteria: list[Criterion]
    responses: int
    eligible: Eligible
    comments: list[Rating] = field(default_factory=list)

    @property
    def score(self) -> Decimal | None:
        """Σ weight × average, rounded to two places (from unrounded averages)."""
        if not self.responses:
            return None
        total = Decimal(0)
        for c in self.criteria:
            raw = Decimal(sum(s * n for s, n in c.counts.items())) / c.responses
            total += c.weight * raw
        return _round(total)

    @property
    def response_rate(self) -> Decimal | None:
        if not self.eligible.total:
            return None
        return _round(Decimal(100 * self.responses) / self.eligible.total)


def _distribution(where: object) -> tuple[int, dict[str, dict[int, int]]]:
    """Rating count and, per criterion, the count of each score — one query."""
    columns = [func.count(Rating.id)]
    for name in CRITERIA:
        column = getattr(Rating, name)
        columns += [func.sum(case((column == s, 1), else_=0)) for s in SCALE]
    row = db.session.execute(select(*columns).where(where)).one()
    counts: dict[str, dict[int, int]] = {}
    values = list(row[1:])
    for i, name in enumerate(CRITERIA):
        chunk = values[i * 5 : i * 5 + 5]
        counts[name] = {s: int(v or 0) for s, v in zip(SCALE, chunk, strict=True)}
    return int(row[0]), counts


def eligible_voters(project: Project, window: EvaluationWindow) -> Eligible:
    """Who could rate: attendees ∪ residents confirmed by the close ∪ raters."""
    attendees = (
        select(Signup.user_id.label("user_id"))
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.project_id == project.id, Signup.state == SignupState.ATTENDED)
    )
    residents = select(VolunteerProfile.user_id.label("user_id")).where(
        VolunteerProfile.home_community_id == project.community_id,
        VolunteerProfile.residence_confirmed_at.is_not(None),
        VolunteerProfile.residence_confirmed_at < window.closes_at,
    )
    raters = select(Rating.user_id.label("user_id")).where(
        Rating.project_id == project.id
    )
    staff = select(RoleGrant.user_id).where(
        RoleGrant.organization_id == project.organization_id,
        RoleGrant.revoked_at.is_(None),
    )
    everyone = union(attendees, residents, raters).subquery()
    excluded = or_(
        everyone.c.user_id.in_(staff),
        everyone.c.user_id == (project.coordinator_id or 0),
    )
    volunteer_ids = attendees.subquery()
    row = db.session.execute(
        select(
            func.count(everyone.c.user_id),
            func.count(case((everyone.c.user_id.in_(select(volunteer_ids)), 1))),
        ).where(~excluded)
    ).one()
    total, volunteers = int(row[0]), int(row[1])
    return Eligible(volunteers=volunteers, residents=total - volunteers, total=total)


def project_result(
    project: Project, *, with_hidden: bool = False, comments: int = 200
) -> Result:
    """Averages, distribution, responses and eligible count, and the comments."""
    window = project.evaluation_window
    responses, counts = _distribution(Rating.project_id == project.id)
    criteria = [Criterion(n, WEIGHTS[n], counts[n]) for n in CRITERIA]
    query = (
        select(Rating)
        .where(Rating.project_id == project.id, Rating.comment != "")
        .order_by(Rating.rated_at.desc(), Rating.id.desc())
        .limit(comments)
    )
    if not with_hidden:
        query = query.where(Rating.hidden_at.is_(None))
    return Result(
        criteria=criteria,
        responses=responses,
        eligible=eligible_voters(project, window),
        comments=list(db.session.scalars(query)),
    )


@dataclass(frozen=True)
class Scorecard:
    projects: int
    evaluated: int
    responses: int
    criteria: list[Criterion]
    conclusions: dict[str, int]
    volunteers: int
    #: Confirmed, counting service minutes the organization recorded.
    minutes: int = 0

    @property
    def score(self) -> Decimal | None:
        if not self.responses:
            return None
        total = Decimal(0)
        for c in self.criteria:
            raw = Decimal(sum(s * n for s, n in c.counts.items())) / c.responses
            total += c.weight * raw
        return _round(total)


def scorecard(organization_id: int, *, now: object = None) -> Scorecard:
    """An organization's public record across its projects."""
    now = now or utcnow()
    projects = db.session.scalar(
        select(func.count(Project.id)).where(
            Project.organization_id == organization_id,
            Project.state.in_([s.value for s in PUBLIC_STATES]),
        )
    )
    # Only results already published (window closed) enter the scorecard.
    closed = (
        select(EvaluationWindow.project_id)
        .join(Project, Project.id == EvaluationWindow.project_id)
        .where(
            Project.organization_id == organization_id,
            EvaluationWindow.closes_at <= now,
        )
    )
    responses, counts = _distribution(Rating.project_id.in_(closed))
    conclusions = dict.fromkeys((c.value for c in Conclusion), 0)
    for conclusion, n in db.session.execute(
        select(EvaluationMeeting.conclusion, func.count())
        .join(Project, Project.id == EvaluationMeeting.project_id)
        .where(Project.organization_id == organization_id)
        .group_by(EvaluationMeeting.conclusion)
    ):
        conclusions[conclusion] = n
    volunteers = db.session.scalar(
        select(func.count(func.distinct(Signup.user_id)))
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Project, Project.id == Shift.project_id)
        .where(
            and_(
                Project.organization_id == organization_id,
                Signup.state == SignupState.ATTENDED,
            )
        )
    )
    minutes = minutes_by_organization([organization_id], now=now)
    return Scorecard(
        projects=projects or 0,
        minutes=minutes.get(organization_id, 0),
        evaluated=sum(conclusions.values()),
        responses=responses,
        criteria=[Criterion(n, WEIGHTS[n], counts[n]) for n in CRITERIA],
        conclusions=conclusions,
        volunteers=volunteers or 0,
    )


@dataclass(frozen=True)
class ProjectLine:
    project: Project
    responses: int
    score: Decimal | None
    conclusion: str | None


def evaluated_projects(organization_id: int, *, now: object = None, limit: int = 20):  # noqa: ANN201
    """The organization's projects with a published result or a conclusion."""
    now = now or utcnow()
    sums = (
        select(
            Rating.project_id.label("project_id"),
            func.count(Rating.id).label("n"),
            *(func.sum(getattr(Rating, name)).label(name) for name in CRITERIA),
        )
        .group_by(Rating.project_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Project, EvaluationMeeting.conclusion, sums)
        .outerjoin(EvaluationWindow, EvaluationWindow.project_id == Project.id)
        .outerjoin(EvaluationMeeting, EvaluationMeeting.project_id == Project.id)
        .outerjoin(sums, sums.c.project_id == Project.id)
        .where(
            Project.organization_id == organization_id,
            or_(
                EvaluationMeeting.id.is_not(None),
                EvaluationWindow.closes_at <= now,
            ),
        )
        # The window is already joined: fill it in rather than load it per row.
        .options(contains_eager(Project.evaluation_window))
        .order_by(Project.period_end.desc(), Project.id.desc())
        .limit(limit)
    ).all()
    lines = []
    for row in rows:
        n = row.n or 0
        score = None
        window = row.Project.evaluation_window
        if n and window is not None and window.closes_at <= now:
            score = _round(
                sum(WEIGHTS[c] * Decimal(getattr(row, c)) for c in CRITERIA) / n
            )
        lines.append(ProjectLine(row.Project, n, score, row.conclusion))
    return lines
