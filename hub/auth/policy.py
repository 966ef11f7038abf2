"""Who may act on accounts other than their own (object checks, shared with templates
through ``can()``)."""

from __future__ import annotations

from typing import Any

from hub.models import Community
from hub.permissions import Role


def assisting_community_ids(user: Any) -> list[int]:
    """The communities this person may register residents in, by grant order."""
    if not getattr(user, "is_authenticated", False) or not user.mobile_verified:
        return []
    return [
        g.community_id
        for g in user.grants_for(Role.SOCIAL_WORKER)
        if g.community_id is not None
    ]


def can_assist_registration(user: Any, community: Community) -> bool:
    """A social worker of ``community`` whose own number is proved (an account
    that has not proved its own number does not vouch for anyone else's)."""
    return community.id in assisting_community_ids(user)
