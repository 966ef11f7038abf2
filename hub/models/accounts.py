"""Accounts: one per person, roles as scoped grants, recorded consents."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin, UTCDateTime, utcnow
from hub.models.organizations import Organization
from hub.models.places import Community, Street
from hub.permissions import ROLE_PERMISSIONS, Permission, Role


def new_session_nonce() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 姓名, one field in any script.
    name: Mapped[str] = mapped_column(String(60))
    #: Mainland mobile number, 11 digits, normalised (``13812345678``).
    mobile: Mapped[str] = mapped_column(String(11), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Part of the login cookie; changing it ends every session of this account.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    locale: Mapped[str | None] = mapped_column(String(10))
    large_text: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Secret in the personal calendar feed URL; resetting it ends the old URL.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the person last proved with an SMS code that they hold ``mobile``;
    #: None for accounts made before codes existed (they verify at next sign-in).
    mobile_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    grants: Mapped[list[RoleGrant]] = relationship(
        foreign_keys="RoleGrant.user_id",
        primaryjoin=(
            "and_(RoleGrant.user_id == User.id, RoleGrant.revoked_at.is_(None))"
        ),
        viewonly=True,
        lazy="selectin",
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="user",
        order_by="Consent.given_at",
        foreign_keys="Consent.user_id",
    )

    # Flask-Login -------------------------------------------------------------
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def mobile_verified(self) -> bool:
        return self.mobile_verified_at is not None

    def end_other_sessions(self) -> None:
        """Invalidate every login cookie issued so far (the caller logs in again)."""
        self.session_nonce = new_session_nonce()

    # Roles -------------------------------------------------------------------
    @property
    def roles(self) -> set[Role]:
        return {Role(g.role) for g in self.grants}

    @property
    def permissions(self) -> frozenset[Permission]:
        result: set[Permission] = set()
        for role in self.roles:
            result |= ROLE_PERMISSIONS[role]
        return frozenset(result)

    def has_permission(self, permission: Permission) -> bool:
        return permission in self.permissions

    def grants_for(self, role: Role) -> list[RoleGrant]:
        return [g for g in self.grants if g.role == role]

    def __str__(self) -> str:
        return self.name


class RoleGrant(db.Model):
    """A role given to a person on a place or organization; revoked, never deleted."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    #: Social workers only: none, graduate, assistant, social_worker.
    qualification: Mapped[str | None] = mapped_column(String(30))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    street: Mapped[Street | None] = relationship()
    community: Mapped[Community | None] = relationship()
    organization: Mapped[Organization | None] = relationship()

    @property
    def scope_object(self) -> Street | Community | Organization | None:
        return self.street or self.community or self.organization


class Consent(db.Model):
    """A person's consent to a version of a notice, with its time."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    notice: Mapped[str] = mapped_column(String(20), default="privacy")
    version: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Given on a social worker's phone when they registered the person (协助注册):
    #: still the person's own consent, with who helped them give it.
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(back_populates="consents", foreign_keys=[user_id])
    assisted_by: Mapped[User | None] = relationship(foreign_keys=[assisted_by_id])
