"""The purchased-service projects the public sees: money, period, hours, result."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from hub.extensions import db
from hub.models import Project
from hub.models.base import utcnow
from hub.models.evaluations import EvaluationMeeting
from hub.models.hours import HourRecord
from hub.models.projects import PUBLIC_STATES

PER_PAGE = 50


@dataclass(frozen=True)
class Line:
    project: Project
    minutes: int
    conclusion: str | None

    @property
    def amount_fen(self) -> int | None:
        return self.project.amount_fen

    @property
    def period(self) -> tuple[date, date]:
        return self.project.period_start, self.project.period_end


def _query(now: datetime) -> Select:
    minutes = (
        select(HourRecord.project_id, func.sum(HourRecord.minutes).label("minutes"))
        .where(HourRecord.counting(now))
        .group_by(HourRecord.project_id)
        .subquery()
    )
    return (
        select(
            Project, func.coalesce(minutes.c.minutes, 0), EvaluationMeeting.conclusion
        )
        .outerjoin(minutes, minutes.c.project_id == Project.id)
        .outerjoin(EvaluationMeeting, EvaluationMeeting.project_id == Project.id)
        .where(
            Project.tender_id.is_not(None),
            Project.state.in_([s.value for s in PUBLIC_STATES]),
        )
        .options(
            selectinload(Project.organization),
            selectinload(Project.community),
            selectinload(Project.street),
        )
        .order_by(Project.period_start.desc(), Project.id.desc())
    )


def count_projects() -> int:
    """How many purchased-service projects are public."""
    return db.session.scalar(
        select(func.count(Project.id)).where(
            Project.tender_id.is_not(None),
            Project.state.in_([s.value for s in PUBLIC_STATES]),
        )
    )


def page_of(page: int, *, now: datetime | None = None) -> list[Line]:
    """One page of the public list, newest period first."""
    rows = db.session.execute(
        _query(now or utcnow()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return [Line(p, int(m), c) for p, m, c in rows]


def all_lines(*, now: datetime | None = None, batch: int = 1000) -> Iterator[Line]:
    """Every line, fetched a batch at a time (for the CSV)."""
    query = _query(now or utcnow())
    offset = 0
    while True:
        rows = db.session.execute(query.limit(batch).offset(offset)).all()
        if not rows:
            return
        for p, m, c in rows:
            yield Line(p, int(m), c)
        offset += batch
