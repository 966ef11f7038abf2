"""'Delete my account': erase the person, keep the record organizations rely on.

Erased: name and mobile number (replaced by an anonymous label and a placeholder that
can never be a phone number), the password, the volunteer profile (guardian details
too), the calendar link, notifications and SMS messages, comments written on
ratings, what was written about service needs and their photos, and the person's
name where other people's notifications quoted it. Ended: role grants, future
sign-ups (the waitlist moves up), open shift and staff invitations, open needs.

Kept, under the anonymous account: hour records, attendance, certificates and
disputes (organizations' totals and issued certificates stay right), rating scores
(project evaluations stay right), and the audit trail (append-only and hash-chained;
it never held names or numbers).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import String, cast, delete, func, or_, select, update

from hub import audit
from hub.errors import DomainError
from hub.extensions import db
from hub.matching.services import InvitationClosed, decline_invitation
from hub.models import (
    Invitation,
    Notification,
    NumberRecovery,
    Organization,
    OutboxMessage,
    Rating,
    RoleGrant,
    ServiceNeed,
    Signup,
    StaffInvitation,
    User,
    VolunteerProfile,
)
from hub.models.base import utcnow
from hub.models.matching import InvitationState
from hub.models.needs import NeedState
from hub.models.shifts import ACTIVE_STATES
from hub.needs.services import withdraw_need
from hub.permissions import Role
from hub.shifts.services import cancel_signup
from hub.uploads import document_path

#: What a deleted account is called: this, then its id (no one's real name).
ANONYMOUS_NAME = "已注销用户"
#: Left where a service need's description was (the column may not be empty).
ERASED_TEXT = "—"


class SoleOwner(DomainError):
    """The person is the only owner of organizations that would be left without one."""

    def __init__(self, organizations: list[Organization]) -> None:
        super().__init__(", ".join(str(o.id) for o in organizations))
        self.organizations = organizations


@dataclass
class Erasure:
    """What deleting an account did, in counts (the audit entry keeps these)."""

    signups_cancelled: int = 0
    invitations_declined: int = 0
    needs_withdrawn: int = 0
    grants_revoked: int = 0
    notifications_deleted: int = 0
    messages_cancelled: int = 0
    #: Needs' photos to remove from storage once the transaction has committed.
    files: list[Path] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if isinstance(v, int)}


def anonymous_name(user_id: int) -> str:
    """已注销用户#42: the label a deleted account is shown under."""
    return f"{ANONYMOUS_NAME}#{user_id}"


def placeholder_mobile(user_id: int) -> str:
    """x0000000042: unique (by id), 11 characters, never a number anyone can enter."""
    return f"x{user_id:010d}"


def is_deleted(user: User) -> bool:
    """True for an account erased by ``delete_account``."""
    return user.mobile.startswith("x")


def sole_owned_organizations(user: User) -> list[Organization]:
    """Organizations this person owns with no other active owner."""
    owned = [g.organization_id for g in user.grants if g.role == Role.ORG_OWNER]
    if not owned:
        return []
    others = (
        select(func.count(RoleGrant.id))
        .join(User, User.id == RoleGrant.user_id)
        .where(
            RoleGrant.organization_id == Organization.id,
            RoleGrant.role == Role.ORG_OWNER,
            RoleGrant.revoked_at.is_(None),
            RoleGrant.user_id != user.id,
            User.active.is_(True),
        )
        .correlate(Organization)
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.id.in_(owned), others == 0)
            .order_by(Organization.name)
        )
    )


def _end_commitments(user: User, now: datetime, result: Erasure) -> None:
    """Future sign-ups and open invitations end through their own services.

    These services start their own write on SQLite, so they come first, before any
    change of ours; each is a complete action on its own.
    """
    signups = db.session.scalars(
        select(Signup).where(
            Signup.user_id == user.id,
            Signup.state.in_(ACTIVE_STATES),
            Signup.starts_at > now,
        )
    ).all()
    for signup in signups:
        cancel_signup(signup, by=user)
        result.signups_cancelled += 1
    invitations = db.session.scalars(
        select(Invitation).where(
            Invitation.user_id == user.id,
            Invitation.state == InvitationState.PENDING,
        )
    ).all()
    for invitation in invitations:
        try:
            decline_invitation(invitation, user=user, now=now)
        except InvitationClosed:
            continue  # the shift stopped taking people: expired instead
        result.invitations_declined += 1


def _erase_needs(user: User, upload_dir: str, result: Erasure) -> None:
    """Open needs are withdrawn; what every need said, and its photo, is erased."""
    needs = db.session.scalars(
        select(ServiceNeed).where(ServiceNeed.user_id == user.id)
    ).all()
    for need in needs:
        if need.state == NeedState.OPEN:
            withdraw_need(need, by=user)
            result.needs_withdrawn += 1
        if need.photo_stored_name:
            result.files.append(document_path(upload_dir, need.photo_stored_name))
        need.description = ERASED_TEXT
        need.photo_stored_name = None
        need.photo_content_type = None
        need.photo_size = None
        need.photo_sha256 = None


def _json_mentions(column, text: str):  # noqa: ANN001, ANN202
    """A condition: the JSON column's text holds ``text`` (raw or \\u-escaped)."""
    escaped = json.dumps(text)[1:-1]
    as_text = cast(column, String)
    condition = as_text.contains(text, autoescape=True)
    if escaped != text:
        condition = condition | as_text.contains(escaped, autoescape=True)
    return condition


def _replace_name(params: dict, name: str, label: str) -> dict:
    return {
        key: value.replace(name, label) if isinstance(value, str) else value
        for key, value in params.items()
    }


def _scrub_others(user: User, label: str) -> None:
    """Other people's messages that quote the person's name now quote the label."""
    for model in (Notification, OutboxMessage):
        rows = db.session.scalars(
            select(model).where(
                model.user_id != user.id, _json_mentions(model.params, user.name)
            )
        ).all()
        for row in rows:
            row.params = _replace_name(dict(row.params or {}), user.name, label)


def _erase_messages(user: User, result: Erasure) -> None:
    """The person's notifications and SMS (unsent ones thereby cancelled) go."""
    result.messages_cancelled = (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.user_id == user.id, OutboxMessage.sent_at.is_(None)
            )
        )
        or 0
    )
    db.session.execute(
        delete(OutboxMessage).where(
            or_(OutboxMessage.user_id == user.id, OutboxMessage.mobile == user.mobile)
        ),
        execution_options={"synchronize_session": False},
    )
    # Number changes the street asked for keep who decided what, not the numbers.
    db.session.execute(
        update(NumberRecovery)
        .where(NumberRecovery.user_id == user.id)
        .values(old_mobile="", new_mobile="", reason="")
        .execution_options(synchronize_session=False)
    )
    result.notifications_deleted = db.session.execute(
        delete(Notification).where(Notification.user_id == user.id),
        execution_options={"synchronize_session": False},
    ).rowcount


def _revoke_grants(user: User, now: datetime, result: Erasure) -> None:
    grants = db.session.scalars(
        select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.revoked_at.is_(None)
        )
    ).all()
    for grant in grants:
        grant.revoked_at = now
        grant.revoked_by_id = user.id
    result.grants_revoked = len(grants)


def _close_staff_invitations(user: User, placeholder: str, now: datetime) -> None:
    """Invitations to the person's number: open ones declined, the number erased."""
    db.session.execute(
        update(StaffInvitation)
        .where(
            StaffInvitation.mobile == user.mobile,
            StaffInvitation.accepted_at.is_(None),
            StaffInvitation.declined_at.is_(None),
            StaffInvitation.cancelled_at.is_(None),
        )
        .values(declined_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(StaffInvitation)
        .where(StaffInvitation.mobile == user.mobile)
        .values(mobile=placeholder)
        .execution_options(synchronize_session=False)
    )


def delete_account(
    user: User, *, upload_dir: str, now: datetime | None = None
) -> Erasure:
    """Erase the person's account (see the module's docstring); the caller commits.

    Refuses (SoleOwner) while an organization would be left without an owner.
    Call before changing anything else in the session (see _end_commitments).
    """
    now = now or utcnow()
    sole = sole_owned_organizations(user)
    if sole:
        raise SoleOwner(sole)
    result = Erasure()
    _end_commitments(user, now, result)
    label = anonymous_name(user.id)
    placeholder = placeholder_mobile(user.id)
    _erase_needs(user, upload_dir, result)
    _scrub_others(user, label)
    _erase_messages(user, result)
    _revoke_grants(user, now, result)
    _close_staff_invitations(user, placeholder, now)
    db.session.execute(
        update(Rating)
        .where(Rating.user_id == user.id)
        .values(comment="")
        .execution_options(synchronize_session=False)
    )
    profile = db.session.get(VolunteerProfile, user.id)
    if profile is not None:
        db.session.delete(profile)
    user.name = label
    user.mobile = placeholder
    # Not an argon2 hash, so no password matches; not "!…" either, which would let
    # an import's activation link set a new one (see hub.imports.services).
    user.password_hash = "deleted$" + secrets.token_hex(16)
    user.calendar_token = None
    user.locale = None
    user.large_text = False
    user.last_login_at = None
    user.active = False
    user.end_other_sessions()
    db.session.flush()
    db.session.expire(user, ["grants"])
    audit.record(user, user, "account.delete", data=result.counts())
    return result


def remove_files(paths: list[Path]) -> None:
    """After the commit: remove erased photos from storage (missing ones are fine)."""
    for path in paths:
        path.unlink(missing_ok=True)
