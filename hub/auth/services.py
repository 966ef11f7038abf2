"""Account services: register, authenticate, change password, preferences."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from hub.auth.passwords import hash_password, needs_rehash, verify_password
from hub.errors import MobileTaken, WrongPassword
from hub.extensions import db
from hub.models import Consent, RoleGrant, User, utcnow
from hub.permissions import Role


def find_user_by_mobile(mobile: str) -> User | None:
    """The account registered with this normalised mobile number, if any."""
    return db.session.scalar(select(User).where(User.mobile == mobile))


def register_user(
    *, name: str, mobile: str, password: str, consent_version: str
) -> User:
    """Create an account with the volunteer role and its privacy consent."""
    if find_user_by_mobile(mobile) is not None:
        raise MobileTaken(mobile)
    user = User(name=name.strip(), mobile=mobile, password_hash=hash_password(password))
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


def end_all_sessions(user: User) -> None:
    """Log out: every cookie issued so far stops working, on every server.

    The session lives in a signed cookie; only the nonce it names is kept on the
    server, so changing it is what makes logging out stick.
    """
    user.end_other_sessions()


def set_active(user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends all its sessions."""
    user.active = active
    if not active:
        user.end_other_sessions()


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
