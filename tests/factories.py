"""factory_boy factories writing through the test's rolled-back session."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import factory
from factory.alchemy import SQLAlchemyModelFactory

from hub.auth.passwords import hash_password, needs_rehash
from hub.config import DEFAULT_TIMEZONE
from hub.extensions import db
from hub.models import (
    Community,
    Grid,
    Organization,
    Project,
    RoleGrant,
    Shift,
    Street,
    User,
)
from hub.models.organizations import name_key
from hub.permissions import Qualification, Role

_ORG_NAMES = itertools.count(1)
DEFAULT_PASSWORD = "lantern-river-42"  # noqa: S105
#: The test app's zone (HUB_TIMEZONE unset): expected local times are written in it.
SHANGHAI = ZoneInfo(DEFAULT_TIMEZONE)
_default_hashes: list[str] = []


def default_password_hash() -> str:
    """DEFAULT_PASSWORD hashed once per cost the app uses (cheap when TESTING)."""
    for hashed in _default_hashes:
        if not needs_rehash(hashed):
            return hashed
    _default_hashes.append(hashed := hash_password(DEFAULT_PASSWORD))
    return hashed


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
    password_hash = factory.LazyFunction(default_password_hash)
    #: Proved with a code at registration; ``mobile_verified_at=None``: an account
    #: made before codes (or imported), which verifies at its next sign-in.
    mobile_verified_at = factory.LazyFunction(lambda: datetime(2026, 1, 5, tzinfo=UTC))

    @factory.post_generation
    def roles(self, create: bool, extracted, **kwargs):  # noqa: ANN001, ANN003, ANN201
        """``UserFactory(roles=[Role.VOLUNTEER])``; volunteers by default."""
        for role in extracted if extracted is not None else [Role.VOLUNTEER]:
            db.session.add(RoleGrant(user_id=self.id, role=role))
        db.session.flush()
        db.session.expire(self, ["grants"])

    @factory.post_generation
    def consent(self, create: bool, extracted, **kwargs):  # noqa: ANN001, ANN003, ANN201
        """Agreed to the current privacy notice, as registering does (``consent=False``:
        never agreed, so every page asks first; see hub/privacy/consent.py)."""
        from flask import current_app

        from hub.models import Consent

        if extracted is False:
            return
        version = current_app.config["PRIVACY_NOTICE_VERSION"]
        db.session.add(Consent(user_id=self.id, notice="privacy", version=version))
        db.session.flush()


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


# Organizations ---------------------------------------------------------------

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
    b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def complete_application(
    org: Organization, community: Community | None = None
) -> Organization:
    """Fill every required field and attach the required documents (in storage)."""
    import io

    from hub.organizations import services

    community = community or CommunityFactory(street=org.street)
    org.service_categories = ["elderly"]
    org.communities = [community]
    org.lead_person = "陈静"
    org.contact_phone = "13900001111"
    org.address = "南京市玄武区锁金村路1号"
    org.member_count = 12
    org.description = "为社区老人提供上门探访服务。"
    staff_user = db.session.get(User, org.created_by_id) if org.created_by_id else None
    for kind, data in (("charter", PDF_BYTES), ("lead_id", PNG_BYTES)):
        services.add_document(
            org,
            by=staff_user or UserFactory(),
            kind=kind,
            stream=io.BytesIO(data),
            filename=f"{kind}.bin",
        )
    db.session.flush()
    return org


def application(
    owner: User | None = None, street: Street | None = None, **kwargs
) -> Organization:  # noqa: ANN003
    """A draft filing created through the service, with its owner."""
    from hub.organizations import services

    owner = owner or UserFactory()
    return services.start_application(
        user=owner,
        name=kwargs.pop("name", None) or f"测试{next(_ORG_NAMES)}服务社",
        street=street or StreetFactory(),
        org_type=kwargs.pop("org_type", "elderly_care"),
    )


def submitted_application(**kwargs) -> Organization:  # noqa: ANN003
    from hub.organizations import services

    org = complete_application(application(**kwargs))
    services.submit_application(org, by=db.session.get(User, org.created_by_id))
    return org


# Projects ----------------------------------------------------------------------


def approved_organization(street: Street | None = None, **kwargs) -> Organization:  # noqa: ANN003
    """An approved, incubating organization with its owner."""
    from hub.organizations import services

    org = submitted_application(street=street or StreetFactory(), **kwargs)
    services.approve_application(org, by=reviewer(street=org.street))
    return org


def owner_of(org: Organization) -> User:
    return db.session.get(User, org.created_by_id)


def project(
    org: Organization | None = None,
    community: Community | None = None,
    **kwargs,  # noqa: ANN003
) -> Project:
    """A draft project funded otherwise, through the service."""
    from datetime import date

    from hub.models.projects import Funding
    from hub.projects import services

    org = org or approved_organization()
    community = community or org.communities[0]
    return services.create_project(
        org,
        by=owner_of(org),
        title=kwargs.pop("title", "独居老人上门探访"),
        category=kwargs.pop("category", "elderly"),
        community=community,
        funding=kwargs.pop("funding", Funding.SELF),
        period_start=kwargs.pop("period_start", date(2026, 12, 1)),
        period_end=kwargs.pop("period_end", date(2027, 5, 31)),
        **kwargs,
    )


def linked_project(**kwargs) -> tuple[Project, User]:  # noqa: ANN003
    """A project whose community's social worker accepted to coordinate."""
    from hub.projects import services

    p = project(**kwargs)
    worker = social_worker(community=p.community)
    services.request_linkage(p, worker, by=owner_of(p.organization))
    services.answer_linkage(p, user=worker, accept=True, note=None)
    return p, worker


# Shifts --------------------------------------------------------------------------


def recruiting_project(**kwargs) -> Project:  # noqa: ANN003
    """A linked, approved project that recruits volunteers."""
    from hub.projects import services

    p, _worker = linked_project(**kwargs)
    services.submit_project(p, by=owner_of(p.organization))
    services.approve_project(p, by=reviewer(street=p.street))
    return p


def shift(
    project: Project | None = None,
    *,
    capacity: int = 3,
    hours_from_now: int = 48,
    length_hours: int = 2,
    **kwargs,
) -> Shift:  # noqa: ANN003
    """A scheduled shift of a recruiting project, starting in two days."""
    from datetime import timedelta

    from hub.models.base import utcnow
    from hub.shifts import services

    project = project or recruiting_project()
    start = utcnow().replace(microsecond=0) + timedelta(hours=hours_from_now)
    return services.add_shifts(
        project,
        by=owner_of(project.organization),
        starts_at=start,
        ends_at=start + timedelta(hours=length_hours),
        place=kwargs.pop("place", "锁三社区活动室"),
        capacity=capacity,
        **kwargs,
    )[0]


# Service needs -------------------------------------------------------------------


def need(resident: User | None = None, grid: Grid | None = None, **kwargs):  # noqa: ANN003, ANN201
    """An open need a resident raised in a grid, through the service."""
    from hub.needs import services

    return services.post_need(
        resident or UserFactory(),
        grid=grid or GridFactory(),
        category=kwargs.pop("category", "elderly"),
        description=kwargs.pop("description", "楼下独居老人需要每周有人探访。"),
        **kwargs,
    )


def assigned_need(org: Organization | None = None, **kwargs):  # noqa: ANN003, ANN201
    """A need of a community the organization serves, triaged to it.

    Returns (need, social worker of the community).
    """
    from hub.needs import services

    org = org or approved_organization()
    community = org.communities[0]
    n = need(grid=GridFactory(community=community), **kwargs)
    worker = social_worker(community=community)
    services.assign_need(n, by=worker, organization=org)
    return n, worker


# Matching ------------------------------------------------------------------------


def volunteer_profile(user: User | None = None, **kwargs):  # noqa: ANN003, ANN201
    """An onboarded volunteer profile, saved through the profile service.

    ``grid=`` implies its community; ``slots=[(day, part), …]`` sets availability.
    """
    from hub.models.profiles import slot_bit
    from hub.profiles import services

    user = user or volunteer()
    grid = kwargs.pop("grid", None)
    community = kwargs.pop("community", None) or (grid.community if grid else None)
    slots = kwargs.pop("slots", ())
    availability = kwargs.pop("availability", 0)
    for day, part in slots:
        availability |= slot_bit(day, part)
    return services.save_profile(
        user,
        services.ProfileInput(
            home_community=community,
            home_grid=grid,
            availability=availability,
            **kwargs,
        ),
    )


# Check-in and hours --------------------------------------------------------------


def staffed_shift(people: int = 1, **kwargs) -> tuple[Shift, list[User]]:  # noqa: ANN003
    """A shift with ``people`` volunteers confirmed on it (signed up a day before
    its start, so ``hours_from_now`` may be in the past: time is injected)."""
    from datetime import timedelta

    from hub.shifts import services

    kwargs.setdefault("capacity", max(3, people))
    s = shift(**kwargs)
    volunteers = [volunteer() for _ in range(people)]
    for person in volunteers:
        services.sign_up(s, user=person, now=s.starts_at - timedelta(days=1))
    return s, volunteers


def confirmed_hours(user: User | None = None, *, minutes_in: int = 120, **kwargs):  # noqa: ANN003, ANN201
    """A shift's hours confirmed for one person: (record, shift, person, organizer).

    The person checks in at the start and out ``minutes_in`` later; the organizer
    confirms after the end.
    """
    from datetime import timedelta

    from hub.hours import attendance, records
    from hub.shifts import services

    kwargs.setdefault("hours_from_now", -72)
    s = shift(**kwargs)
    user = user or volunteer()
    services.sign_up(s, user=user, now=s.starts_at - timedelta(days=1))
    attendance.check_in(s, user=user, now=s.starts_at)
    attendance.check_out(s, user=user, now=s.starts_at + timedelta(minutes=minutes_in))
    organizer = owner_of(s.project.organization)
    (record,) = records.confirm_hours(
        s, by=organizer, now=s.ends_at + timedelta(minutes=5)
    )
    return record, s, user, organizer
