"""Staff of an organization: owners invite, change roles, remove; invitees accept."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from hub import audit
from hub.admin.services import grant_role, revoke_grant
from hub.errors import DomainError, NumberNotVerified
from hub.extensions import db
from hub.models import Organization, RoleGrant, StaffInvitation, User
from hub.models.base import utcnow
from hub.notifications.services import notify
from hub.permissions import ROLE_LABELS, Role

STAFF_ROLES = (Role.ORG_OWNER, Role.ORG_MANAGER)


class LastOwner(DomainError):
    """An organization must keep at least one owner."""


class AlreadyStaff(DomainError):
    """That person already works for this organization."""


class InvitationClosed(DomainError):
    """The invitation was already answered or cancelled."""


def staff_grants(org: Organization) -> list[RoleGrant]:
    """The organization's current staff grants, owners first."""
    return list(
        db.session.scalars(
            select(RoleGrant)
            .where(
                RoleGrant.organization_id == org.id,
                RoleGrant.role.in_(STAFF_ROLES),
                RoleGrant.revoked_at.is_(None),
            )
            .order_by(RoleGrant.role.desc(), RoleGrant.id)
        )
    )


def _owners(org: Organization) -> list[RoleGrant]:
    return [g for g in staff_grants(org) if g.role == Role.ORG_OWNER]


def open_invitations(org: Organization) -> list[StaffInvitation]:
    return list(
        db.session.scalars(
            select(StaffInvitation).where(
                StaffInvitation.organization_id == org.id,
                StaffInvitation.accepted_at.is_(None),
                StaffInvitation.declined_at.is_(None),
                StaffInvitation.cancelled_at.is_(None),
            )
        )
    )


def invitations_for(user: User) -> list[StaffInvitation]:
    """Open invitations sent to this person's mobile number, once it is proved."""
    if user.mobile_verified_at is None:
        return []
    return list(
        db.session.scalars(
            select(StaffInvitation).where(
                StaffInvitation.mobile == user.mobile,
                StaffInvitation.accepted_at.is_(None),
                StaffInvitation.declined_at.is_(None),
                StaffInvitation.cancelled_at.is_(None),
            )
        )
    )


def invite_staff(
    org: Organization, *, mobile: str, role: Role, by: User
) -> StaffInvitation:
    """Invite a mobile number to join; a registered person is told at once."""
    if role not in STAFF_ROLES:
        raise ValueError(role)
    staff_user_ids = {g.user_id for g in staff_grants(org)}
    invitee = db.session.scalar(select(User).where(User.mobile == mobile))
    if invitee is not None and invitee.id in staff_user_ids:
        raise AlreadyStaff(mobile)
    for existing in open_invitations(org):
        if existing.mobile == mobile:
            existing.role = role
            db.session.flush()
            return existing
    invitation = StaffInvitation(
        organization_id=org.id, mobile=mobile, role=role, invited_by_id=by.id
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        by,
        org,
        "staff.invite",
        street_id=org.street_id,
        data={"invitation_id": invitation.id, "role": role.value},
    )
    if invitee is not None and invitee.mobile_verified_at is not None:
        notify(
            invitee,
            "staff_invited",
            params={"inviter": by.name, "organization": org.name, "role": role.value},
            url=url_for("organizations.mine"),
        )
    return invitation


def answer_invitation(invitation: StaffInvitation, *, user: User, accept: bool) -> None:
    """Accept (becoming staff) or decline an invitation addressed to me."""
    if not invitation.is_open:
        raise InvitationClosed(invitation.id)
    if invitation.mobile != user.mobile:
        raise PermissionError("not addressed to this person")
    if user.mobile_verified_at is None:
        # Whoever registered the number first must not become the organization's
        # staff: only the proved holder of the invited number may answer.
        raise NumberNotVerified(user.id)
    org = invitation.organization
    if accept:
        invitation.accepted_at = utcnow()
        grant_role(user, Role(invitation.role), by=None, organization=org)
    else:
        invitation.declined_at = utcnow()
    db.session.flush()
    audit.record(
        user,
        org,
        "staff.accept" if accept else "staff.decline",
        street_id=org.street_id,
        data={"invitation_id": invitation.id},
    )


def cancel_invitation(invitation: StaffInvitation, *, by: User) -> None:
    if not invitation.is_open:
        raise InvitationClosed(invitation.id)
    invitation.cancelled_at = utcnow()
    db.session.flush()


def change_staff_role(grant: RoleGrant, role: Role, *, by: User) -> RoleGrant:
    """Make a staff member owner or manager; the last owner cannot step down."""
    if role not in STAFF_ROLES or grant.role not in STAFF_ROLES:
        raise ValueError(role)
    org = grant.organization
    if grant.role == role:
        return grant
    if grant.role == Role.ORG_OWNER and len(_owners(org)) <= 1:
        raise LastOwner(org.id)
    member = grant.user
    revoke_grant(grant, by=by)
    new = grant_role(member, role, by=by, organization=org)
    audit.record(
        by,
        org,
        "staff.role",
        from_state=grant.role,
        to_state=role,
        street_id=org.street_id,
        data={"user_id": member.id},
    )
    notify(
        member,
        "staff_role_changed",
        params={"organization": org.name, "role": role.value},
        url=None,
    )
    return new


def remove_staff(grant: RoleGrant, *, by: User) -> None:
    """Remove someone from the staff (or leave oneself); never the last owner."""
    org = grant.organization
    if grant.role == Role.ORG_OWNER and len(_owners(org)) <= 1:
        raise LastOwner(org.id)
    revoke_grant(grant, by=by)
    audit.record(
        by,
        org,
        "staff.remove",
        from_state=grant.role,
        street_id=org.street_id,
        data={"user_id": grant.user_id},
    )
    if grant.user_id != by.id:
        notify(grant.user, "staff_removed", params={"organization": org.name}, url=None)


def role_label(role: str) -> str:
    return str(ROLE_LABELS[Role(role)])
