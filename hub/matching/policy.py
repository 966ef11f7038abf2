"""Who sees a shift's candidates and invites them; who answers an invitation."""

from __future__ import annotations

from typing import Any

from hub.models import Invitation, Shift
from hub.shifts.policy import can_organize_shift


def can_invite_to_shift(user: Any, shift: Shift) -> bool:
    """The shift's organizers: its organization's staff or accepted coordinator."""
    return can_organize_shift(user, shift)


def can_answer_invitation(user: Any, invitation: Invitation) -> bool:
    """Only the person invited."""
    return bool(user.is_authenticated) and invitation.user_id == user.id


POLICIES = {
    "invite_to_shift": can_invite_to_shift,
    "answer_invitation": can_answer_invitation,
}
