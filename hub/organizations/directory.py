"""The public directory: approved organizations only, and only public fields."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hub.extensions import db
from hub.models import Organization
from hub.models.organizations import FilingState, name_key, organization_communities

PAGE_SIZE = 50


def search_directory(
    *, q: str = "", org_type: str | None = None, community_id: int | None = None
) -> list[Organization]:
    """Approved organizations matching the search, by name."""
    query = (
        select(Organization)
        .where(Organization.filing_state == FilingState.APPROVED)
        .options(
            selectinload(Organization.communities), selectinload(Organization.street)
        )
        .order_by(Organization.name)
        .limit(PAGE_SIZE)
    )
    key = name_key(q)
    if key:
        query = query.where(Organization.name_key.contains(key, autoescape=True))
    if org_type:
        query = query.where(Organization.org_type == org_type)
    if community_id:
        query = query.where(
            Organization.id.in_(
                select(organization_communities.c.organization_id).where(
                    organization_communities.c.community_id == community_id
                )
            )
        )
    return list(db.session.scalars(query))
