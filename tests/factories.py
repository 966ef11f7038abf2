"""factory_boy factories writing through the test's rolled-back session."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from hub.auth.passwords import hash_password
from hub.extensions import db
from hub.models import Community, Grid, Organization, RoleGrant, Street, User
from hub.models.organizations import name_key
from hub.permissions import Qualification, Role

DEFAULT_PASSWORD = "lantern-river-42"  # noqa: S105
_DEFAULT_HASH = hash_password(DEFAULT_PASSWORD)


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class StreetFactory(BaseFactory):
    class Meta:
        model = Street

    code = factory.Sequence(lambda n: f"S{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"测试{n}街道")


class CommunityFactory(BaseFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试{n}社区")


class GridFactory(BaseFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"第{n}网格")


class OrganizationFactory(BaseFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试{n}社会服务中心")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))
    street = factory.SubFactory(StreetFactory)


class UserFactory(BaseFactory):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"用户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    password_hash = _DEFAULT_HASH

    @factory.post_generation
    def roles(self, create: bool, extracted, **kwargs):  # noqa: ANN001, ANN003, ANN201
        """``UserFactory(roles=[Role.VOLUNTEER])``; volunteers by default."""
        for role in extracted if extracted is not None else [Role.VOLUNTEER]:
            db.session.add(RoleGrant(user_id=self.id, role=role))
        db.session.flush()
        db.session.expire(self, ["grants"])


def volunteer(**kwargs) -> User:  # noqa: ANN003
    return UserFactory(**kwargs)


def admin(**kwargs) -> User:  # noqa: ANN003
    return UserFactory(roles=[Role.VOLUNTEER, Role.ADMIN], **kwargs)


def grant(user: User, role: Role, **scope) -> RoleGrant:  # noqa: ANN003
    """Give ``user`` a scoped role directly (bypassing the admin service)."""
    row = RoleGrant(user_id=user.id, role=role, **scope)
    if role is Role.SOCIAL_WORKER and "qualification" not in scope:
        row.qualification = Qualification.NONE
    db.session.add(row)
    db.session.flush()
    db.session.expire(user, ["grants"])
    return row


def reviewer(street: Street | None = None, **kwargs) -> User:  # noqa: ANN003
    user = UserFactory(**kwargs)
    grant(user, Role.STREET_REVIEWER, street=street or StreetFactory())
    return user


def social_worker(community: Community | None = None, **kwargs) -> User:  # noqa: ANN003
    user = UserFactory(**kwargs)
    grant(user, Role.SOCIAL_WORKER, community=community or CommunityFactory())
    return user


def org_staff(
    organization: Organization | None = None, role: Role = Role.ORG_OWNER, **kwargs
) -> User:  # noqa: ANN003
    user = UserFactory(**kwargs)
    grant(user, role, organization=organization or OrganizationFactory())
    return user
