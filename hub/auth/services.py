"""Account services: register, authenticate, change password, preferences."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from hub import audit
from hub.auth.passwords import hash_password, needs_rehash, verify_password
from hub.errors import MobileTaken, WrongPassword
from hub.extensions import db
from hub.models import Consent, RoleGrant, User, utcnow
from hub.names import clean_name
from hub.notifications.services import queue_sms
from hub.permissions import Role
from hub.sms.templates import SECURITY_ALERT


def find_user_by_mobile(mobile: str) -> User | None:
    """The account registered with this normalised mobile number, if any."""
    return db.session.scalar(select(User).where(User.mobile == mobile))


def register_user(
    *,
    name: str,
    mobile: str,
    password: str,
    consent_version: str,
    verified_at: datetime | None = None,
) -> User:
    """Create an account with the volunteer role and its privacy consent.

    ``verified_at``: when the person proved the number with a code (register does;
    an import by an organization does not, so that account verifies at sign-in).
    The name passes ``hub.names.clean_name`` (``BadName`` if it is no name): the
    forms say why beside the field, this makes sure no path skips the rule.
    """
    if find_user_by_mobile(mobile) is not None:
        raise MobileTaken(mobile)
    user = User(
        name=clean_name(name),
        mobile=mobile,
        password_hash=hash_password(password),
        mobile_verified_at=verified_at,
    )
    db.session.add(user)
    db.session.flush()
    db.session.add(Consent(user_id=user.id, notice="privacy", version=consent_version))
    db.session.add(RoleGrant(user_id=user.id, role=Role.VOLUNTEER))
    db.session.flush()
    db.session.expire(user, ["grants"])
    return user


def authenticate(mobile: str | None, password: str) -> User | None:
    """The active account for this number and password, else None (same work)."""
    user = find_user_by_mobile(mobile) if mobile else None
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    """Set a new password and end the account's other sessions."""
    if not verify_password(user.password_hash, current):
        raise WrongPassword()
    user.password_hash = hash_password(new)
    user.end_other_sessions()


def security_alert(user: User, event: str, *, mobile: str | None = None) -> None:
    """Tell the number (the account's, or ``mobile``) that something changed."""
    stamp = utcnow().strftime("%Y%m%d%H%M%S%f")
    queue_sms(
        kind="security",
        template=SECURITY_ALERT,
        params={"event": event},
        user=user,
        mobile=mobile,
        dedup_key=f"security:{user.id}:{event}:{stamp}",
    )


def mark_verified(user: User, *, now: datetime | None = None) -> None:
    """The person just proved with a code that they hold the account's number."""
    user.mobile_verified_at = now or utcnow()


def sign_in_by_code(user: User, *, now: datetime | None = None) -> None:
    """A sign-in proved by a code to the account's number (verifies it too)."""
    now = now or utcnow()
    if user.mobile_verified_at is None:
        mark_verified(user, now=now)
        audit.record(user, user, "account.verified")
    user.last_login_at = now


def reset_password(user: User, *, new: str) -> None:
    """Set a new password proved by a code: every session ends; the number is told."""
    user.password_hash = hash_password(new)
    user.end_other_sessions()
    if user.mobile_verified_at is None:
        mark_verified(user)
    audit.record(user, user, "account.password_reset")
    security_alert(user, "password_reset")


def change_mobile(
    user: User, new_mobile: str, *, by: User, reason: str | None = None
) -> None:
    """Move the account to a proved new number; both numbers are told."""
    holder = find_user_by_mobile(new_mobile)
    if holder is not None and holder.id != user.id:
        raise MobileTaken(new_mobile)
    old = user.mobile
    security_alert(user, "number_changed_away", mobile=old)
    user.mobile = new_mobile
    mark_verified(user)
    user.end_other_sessions()
    db.session.flush()
    security_alert(user, "number_changed_here", mobile=new_mobile)
    audit.record(by, user, "account.mobile_changed", reason=reason)


def end_all_sessions(user: User) -> None:
    """Log out: every cookie issued so far stops working, on every server.

    The session lives in a signed cookie; only the nonce it names is kept on the
    server, so changing it is what makes logging out stick.
    """
    user.end_other_sessions()


#: Stored for an imported account disabled before it was opened: neither its
#: activation link nor a code opens it (no password matches it either).
DISABLED_BEFORE_USE = "!disabled"  # noqa: S105 - a marker, not a password


def set_active(user: User, active: bool, *, by: User | None = None) -> None:
    """Enable or disable an account; disabling ends all its sessions (and closes
    an imported account still waiting to be opened). Audited when it changes."""
    if not active:
        user.end_other_sessions()
        if user.password_hash.startswith("!"):
            user.password_hash = DISABLED_BEFORE_USE
    if user.active == active:
        return
    user.active = active
    audit.record(by, user, "account.enable" if active else "account.disable")


def set_preferences(
    user: User, *, locale: str | None = None, large_text: bool | None = None
) -> None:
    """Remember the person's language and text size."""
    if locale is not None:
        user.locale = locale
    if large_text is not None:
        user.large_text = large_text


def current_consent_version() -> str:
    return current_app.config["PRIVACY_NOTICE_VERSION"]


def people_with_role(
    roles: Role | tuple[Role, ...],
    *,
    street_id: int | None = None,
    community_id: int | None = None,
    organization_id: int | None = None,
) -> list[User]:
    """Active people holding one of ``roles`` on the given place or organization."""
    roles = (roles,) if isinstance(roles, Role) else roles
    query = (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            RoleGrant.role.in_(roles),
            RoleGrant.revoked_at.is_(None),
            User.active.is_(True),
        )
        .order_by(User.name, User.id)
    )
    for column, value in (
        (RoleGrant.street_id, street_id),
        (RoleGrant.community_id, community_id),
        (RoleGrant.organization_id, organization_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return list(db.session.scalars(query).unique())
