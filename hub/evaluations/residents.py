"""Social workers confirm who lives in their community (residents may then rate)."""

from __future__ import annotations

from sqlalchemy import Select, select

from hub import audit
from hub.extensions import db
from hub.models import Community, User, VolunteerProfile
from hub.models.base import utcnow


def residents_query(community_ids: list[int], *, confirmed: bool) -> Select:
    """Profiles giving one of these communities as home, confirmed or waiting."""
    query = (
        select(VolunteerProfile, User)
        .join(User, User.id == VolunteerProfile.user_id)
        .where(
            VolunteerProfile.home_community_id.in_(community_ids),
            User.active.is_(True),
        )
    )
    if confirmed:
        return query.where(
            VolunteerProfile.residence_confirmed_at.is_not(None)
        ).order_by(VolunteerProfile.residence_confirmed_at.desc(), User.id)
    return query.where(VolunteerProfile.residence_confirmed_at.is_(None)).order_by(
        VolunteerProfile.created_at, User.id
    )


def _street_of(profile: VolunteerProfile) -> int | None:
    community = db.session.get(Community, profile.home_community_id)
    return community.street_id if community else None


def confirm_residence(profile: VolunteerProfile, *, by: User) -> None:
    """Confirm the person lives in the home community they gave."""
    if profile.residence_confirmed:
        return
    profile.residence_confirmed_at = utcnow()
    profile.residence_confirmed_by_id = by.id
    db.session.flush()
    audit.record(
        by,
        profile,
        "residence.confirm",
        street_id=_street_of(profile),
        data={"community_id": profile.home_community_id},
    )


def withdraw_residence(profile: VolunteerProfile, *, by: User, reason: str) -> None:
    """Take back a confirmation (moved away, confirmed by mistake)."""
    if not profile.residence_confirmed:
        return
    profile.residence_confirmed_at = None
    profile.residence_confirmed_by_id = None
    db.session.flush()
    audit.record(
        by,
        profile,
        "residence.withdraw",
        reason=reason.strip(),
        street_id=_street_of(profile),
        data={"community_id": profile.home_community_id},
    )
