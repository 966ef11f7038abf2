"""Full phone numbers: shown masked, revealed on request to permitted viewers only.

Each kind of page that may show someone's full number names a ``RevealKind``: how
to load its object, who may see the number, whose number it is. Every reveal is
audited ("phone.reveal": who saw whose number, never the number itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub import audit
from hub.extensions import db
from hub.models import Organization, ServiceNeed, Signup, User
from hub.needs.policy import can_see_resident_phone
from hub.organizations.policy import can_view_application
from hub.shifts.policy import can_organize_shift


@dataclass(frozen=True)
class Reveal:
    """A number someone may see in full, with what the audit entry names."""

    number: str
    name: str
    #: The audit entry's object: the person whose number it is (or the organization).
    subject: Any
    street_id: int | None


@dataclass(frozen=True)
class RevealKind:
    model: type
    allowed: Callable[[Any, Any], bool]
    reveal: Callable[[Any], Reveal]


def _signup_allowed(user: Any, signup: Signup) -> bool:
    """The person, or whoever runs the shift (its roster shows them)."""
    return signup.user_id == user.id or can_organize_shift(user, signup.shift)


def _signup(signup: Signup) -> Reveal:
    person: User = signup.user
    street_id = signup.shift.project.street_id
    return Reveal(person.mobile, person.name, person, street_id)


def _need(need: ServiceNeed) -> Reveal:
    person: User = need.resident
    return Reveal(person.mobile, person.name, person, need.street_id)


def _filing(org: Organization) -> Reveal:
    return Reveal(org.contact_phone, org.lead_person or org.name, org, org.street_id)


KINDS: dict[str, RevealKind] = {
    # Organizers call the people on their shift's roster.
    "signup": RevealKind(Signup, _signup_allowed, _signup),
    # The community's social worker and the assigned organization call the resident.
    "need": RevealKind(ServiceNeed, can_see_resident_phone, _need),
    # Staff and the street's reviewers call the organization's contact person.
    "filing": RevealKind(Organization, can_view_application, _filing),
}


class NotRevealable(Exception):
    """No such object (404), or the viewer may not see its number (403)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def reveal_number(viewer: User, kind: str, object_id: int) -> Reveal:
    """Check the viewer may see the number, audit that they did, and return it."""
    spec = KINDS.get(kind)
    obj = db.session.get(spec.model, object_id) if spec else None
    if spec is None or obj is None:
        raise NotRevealable(404)
    if not spec.allowed(viewer, obj):
        raise NotRevealable(403)
    shown = spec.reveal(obj)
    if not shown.number:
        raise NotRevealable(404)
    audit.record(
        viewer,
        shown.subject,
        "phone.reveal",
        street_id=shown.street_id,
        data={"on": kind, "id": object_id},
    )
    return shown
