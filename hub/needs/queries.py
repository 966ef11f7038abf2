"""Lists of needs: the triage queue, an organization's, a street's; the grid picker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hub.extensions import db
from hub.models import Community, ServiceNeed
from hub.models.base import utcnow
from hub.models.needs import NeedState
from hub.models.places import place_sort_key

#: Calendar days after which an open need is flagged in the triage queue.
TRIAGE_DUE_DAYS = 3


@dataclass(frozen=True)
class QueueItem:
    need: ServiceNeed
    days_waiting: int
    overdue: bool


def _with_places(query: Any) -> Any:
    return query.options(
        selectinload(ServiceNeed.grid),
        selectinload(ServiceNeed.community),
        selectinload(ServiceNeed.organization),
    )


def triage_queue(
    community_ids: list[int], *, now: datetime | None = None
) -> list[QueueItem]:
    """Open needs of these communities, oldest first, with days waiting."""
    if not community_ids:
        return []
    now = now or utcnow()
    needs = db.session.scalars(
        _with_places(
            select(ServiceNeed)
            .where(
                ServiceNeed.community_id.in_(community_ids),
                ServiceNeed.state == NeedState.OPEN,
            )
            .order_by(ServiceNeed.created_at, ServiceNeed.id)
        )
    ).all()
    items = []
    for need in needs:
        days = max(0, (now - need.created_at).days)
        items.append(QueueItem(need, days, days > TRIAGE_DUE_DAYS))
    return items


def needs_where(*conditions: Any, newest_first: bool = True, limit: int = 100) -> list:
    """Needs matching ``conditions`` with their places loaded."""
    order = (
        (ServiceNeed.state_changed_at.desc(), ServiceNeed.id.desc())
        if newest_first
        else (ServiceNeed.state_changed_at, ServiceNeed.id)
    )
    return list(
        db.session.scalars(
            _with_places(select(ServiceNeed).where(*conditions))
            .order_by(*order)
            .limit(limit)
        )
    )


def need_communities() -> list[Community]:
    """Every community, by street then name: a need does not need a grid."""
    communities = db.session.scalars(
        select(Community).options(selectinload(Community.street))
    )
    return sorted(communities, key=lambda c: (c.street_id, place_sort_key(c.name)))
