"""Reading tenders: what is open, how many proposals, what waits for an award."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.extensions import db
from hub.models import Project, Proposal, Tender
from hub.models.base import utcnow
from hub.models.tenders import ProposalState, TenderState


def open_tenders(
    *,
    street_id: int | None = None,
    category: str | None = None,
    now: datetime | None = None,
) -> list[Tender]:
    """Tenders taking proposals now, the latest deadline first."""
    query = (
        select(Tender)
        .where(Tender.state == TenderState.OPEN, Tender.deadline > (now or utcnow()))
        .options(selectinload(Tender.community), selectinload(Tender.street))
        .order_by(Tender.deadline.desc(), Tender.id.desc())
    )
    if street_id is not None:
        query = query.where(Tender.street_id == street_id)
    if category:
        query = query.where(Tender.category == category)
    return list(db.session.scalars(query))


def proposal_counts(tender_ids: list[int]) -> dict[int, int]:
    """Live (submitted or decided) proposals per tender, in one query."""
    if not tender_ids:
        return {}
    rows = db.session.execute(
        select(Proposal.tender_id, func.count())
        .where(
            Proposal.tender_id.in_(tender_ids),
            Proposal.state != ProposalState.WITHDRAWN,
        )
        .group_by(Proposal.tender_id)
    )
    return dict(rows.tuples().all())


def awaiting_award_count(street_ids: list[int], now: datetime | None = None) -> int:
    """Open tenders of these streets whose deadline has passed."""
    if not street_ids:
        return 0
    return db.session.scalar(
        select(func.count())
        .select_from(Tender)
        .where(
            Tender.street_id.in_(street_ids),
            Tender.state == TenderState.OPEN,
            Tender.deadline <= (now or utcnow()),
        )
    )


def open_tender_count(now: datetime | None = None) -> int:
    """Tenders anyone may still propose for."""
    return db.session.scalar(
        select(func.count())
        .select_from(Tender)
        .where(Tender.state == TenderState.OPEN, Tender.deadline > (now or utcnow()))
    )


def awarded_project(tender: Tender) -> Project | None:
    """The project an award created (its contract amount is public)."""
    return db.session.scalar(select(Project).where(Project.tender_id == tender.id))
