"""Who may see and change a volunteer profile: its person only."""

from __future__ import annotations

from typing import Any

from hub.models.profiles import VolunteerProfile


def can_edit_profile(user: Any, profile: VolunteerProfile) -> bool:
    """A profile is changed by its own person (through "Me"), nobody else."""
    return bool(user.is_authenticated) and profile.user_id == user.id


POLICIES = {"edit_profile": can_edit_profile}
