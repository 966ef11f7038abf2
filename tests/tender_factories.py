"""Tenders and the approved organizations that propose for them, for tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from hub.extensions import db
from hub.models import Community, Organization, Proposal, Street, Tender, User
from hub.models.base import utcnow
from hub.models.organizations import FilingState, Stage
from hub.tenders import services
from tests.factories import CommunityFactory, OrganizationFactory, StreetFactory
from tests.factories import reviewer as make_reviewer

_NUMBERS = itertools.count(1)
PERIOD = (date(2026, 9, 1), date(2027, 8, 31))


def approved_org(street: Street | None = None, **kwargs) -> Organization:  # noqa: ANN003
    """An organization filed and incubating: it may propose."""
    street = street or StreetFactory()
    return OrganizationFactory(
        street=street,
        filing_state=FilingState.APPROVED,
        stage=Stage.INCUBATING,
        filing_number=f"{street.code}-2026-{next(_NUMBERS):04d}",
        **kwargs,
    )


def revoked_org(street: Street | None = None) -> Organization:
    org = approved_org(street)
    org.stage = Stage.REVOKED
    org.stage_reason = "年检不合格"
    db.session.flush()
    return org


def open_tender(
    *,
    community: Community | None = None,
    by: User | None = None,
    budget_fen: int = 80_000_00,
    deadline: datetime | None = None,
    title: str = "独居老人上门探访",
    category: str = "elderly",
) -> Tender:
    """A tender published through the service, taking proposals for a week."""
    community = community or CommunityFactory()
    by = by or make_reviewer(street=community.street)
    return services.publish_tender(
        by=by,
        street=community.street,
        community=community,
        title=title,
        category=category,
        budget_fen=budget_fen,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        deadline=deadline or utcnow() + timedelta(days=7),
        description="每周两次上门探访，建立档案。",
    )


def propose(tender: Tender, org: Organization, price_fen: int, by: User) -> Proposal:
    return services.submit_proposal(
        tender,
        org,
        by=by,
        plan=f"{org.name}的探访计划",
        price_fen=price_fen,
        team=f"{org.name}的社工团队",
    )


def close(tender: Tender) -> None:
    """Move the deadline into the past, as if the week had gone by."""
    tender.deadline = utcnow() - timedelta(minutes=5)
    db.session.flush()
