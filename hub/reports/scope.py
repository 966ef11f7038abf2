"""What a dashboard covers: a street or a community, over a period of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, select

from hub.localtime import local_date, zone
from hub.models import Organization, Project
from hub.models.organizations import organization_communities


@dataclass(frozen=True)
class Scope:
    """A street (reviewers) or a community (its social workers)."""

    kind: str  # "street" | "community"
    id: int
    name: str
    street_id: int

    @property
    def is_street(self) -> bool:
        return self.kind == "street"

    def projects(self) -> ColumnElement[bool]:
        """Projects done here."""
        if self.is_street:
            return Project.street_id == self.id
        return Project.community_id == self.id

    def organizations(self) -> ColumnElement[bool]:
        """Organizations filed in the street, or serving the community."""
        if self.is_street:
            return Organization.street_id == self.id
        return Organization.id.in_(
            select(organization_communities.c.organization_id).where(
                organization_communities.c.community_id == self.id
            )
        )


@dataclass(frozen=True)
class Period:
    """Whole days, first to last inclusive, in local time."""

    first: date
    last: date
    kind: str = "custom"  # "recent" | "month" | "year" | "custom"

    @classmethod
    def recent(cls, today: date) -> Period:
        """The last twelve months, this one included: the dashboard's default, so
        its chart shows a year's trend on any day (a month alone is one bar)."""
        year, month = today.year, today.month - 11
        if month < 1:
            year, month = year - 1, month + 12
        this_month = cls.this_month(today)
        return cls(date(year, month, 1), this_month.last, "recent")

    @classmethod
    def this_month(cls, today: date) -> Period:
        start = today.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return cls(start, following - timedelta(days=1), "month")

    @classmethod
    def this_year(cls, today: date) -> Period:
        return cls(date(today.year, 1, 1), date(today.year, 12, 31), "year")

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first, time(), zone())

    @property
    def ends_at(self) -> datetime:
        """The moment after the last day (exclusive bound)."""
        return datetime.combine(self.last + timedelta(days=1), time(), zone())

    def months(self) -> list[tuple[int, int]]:
        """Every (year, month) the period touches, in order."""
        result = []
        y, m = self.first.year, self.first.month
        while (y, m) <= (self.last.year, self.last.month):
            result.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return result


def local_today(now: datetime) -> date:
    return local_date(now)
