"""Assisted registration (协助注册): a community's social worker registers a resident.

At a community centre, many elders register on one Wi-Fi with a worker's help.
The resident's own number receives the code and the resident reads it out; the
resident confirms the privacy notice on the worker's phone. The account is the
resident's: it opens when they first sign in with a code on their own phone and
choose a password (as an imported account does), and the worker never holds it.

The address limit does not apply (the worker's daily cap does, and the number's
limits); every registration is on the record as who assisted whom.
"""

from __future__ import annotations

from hub import audit
from hub.auth.policy import can_assist_registration
from hub.auth.services import find_user_by_mobile
from hub.errors import DomainError, MobileTaken
from hub.extensions import db
from hub.imports.services import UNUSABLE_PASSWORD
from hub.models import Community, Consent, RoleGrant, User, VolunteerProfile
from hub.models.accounts import new_session_nonce
from hub.models.base import utcnow
from hub.models.verification import Purpose
from hub.notifications.services import notify
from hub.permissions import Role
from hub.sms.templates import ACCOUNT_CREATED
from hub.verification.services import send_code

#: The code the resident reads out is a registration code, like any other.
PURPOSE = Purpose.REGISTER


class NotAssisting(DomainError):
    """The person may not register residents of this community."""


def _check(worker: User, community: Community) -> None:
    if not can_assist_registration(worker, community):
        raise NotAssisting(worker.id)


def send_resident_code(
    mobile: str, *, worker: User, community: Community, address: str
) -> None:
    """Send the resident's number a registration code, counted against the worker.

    Raises TooManyCodes past the worker's daily cap or the number's limits.
    """
    _check(worker, community)
    send_code(mobile, PURPOSE, address=address, assisted_by=worker)


def register_resident(
    *,
    name: str,
    mobile: str,
    community: Community,
    worker: User,
    consent_version: str,
) -> User:
    """Create the resident's account for their proved number, with their consent
    given on the worker's phone; it opens when they first sign in with a code."""
    _check(worker, community)
    if find_user_by_mobile(mobile) is not None:
        raise MobileTaken(mobile)
    now = utcnow()
    user = User(
        name=name.strip(),
        mobile=mobile,
        # No password anyone could type until the resident chooses one.
        password_hash=UNUSABLE_PASSWORD,
        active=False,
        session_nonce=new_session_nonce(),
        mobile_verified_at=now,  # the resident read out the code sent to it
    )
    db.session.add(user)
    db.session.flush()
    db.session.add(RoleGrant(user_id=user.id, role=Role.VOLUNTEER))
    db.session.add(
        Consent(
            user_id=user.id,
            notice="privacy",
            version=consent_version,
            given_at=now,
            assisted_by_id=worker.id,
        )
    )
    db.session.add(
        VolunteerProfile(
            user_id=user.id, home_community_id=community.id, skills=[], interests=[]
        )
    )
    db.session.flush()
    db.session.expire(user, ["grants"])
    audit.record(
        worker,
        user,
        "account.assisted_register",
        street_id=community.street_id,
        data={"community_id": community.id, "assisted_by": worker.id},
    )
    notify(
        user,
        "account_assisted",
        params={"community": community.name},
        sms_template=ACCOUNT_CREATED,
        sms_params={},
    )
    return user
