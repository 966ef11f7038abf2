"""Admin services: create and rename places; grant and revoke roles."""

from __future__ import annotations

from sqlalchemy import func, select

from hub import audit
from hub.errors import DuplicateName, InvalidGrant, NumberNotVerified, SelfGrant
from hub.extensions import db
from hub.models import Community, Grid, Organization, RoleGrant, Street, User, utcnow
from hub.notifications.services import notify
from hub.permissions import ROLE_SCOPES, Qualification, Role, Scope


def _check_unique(
    model: type, column, value: str, *, exclude_id: int | None, **scope
) -> None:  # noqa: ANN001
    query = (
        select(func.count())
        .select_from(model)
        .where(func.lower(column) == value.lower())
    )
    for name, scope_value in scope.items():
        query = query.where(getattr(model, name) == scope_value)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if db.session.scalar(query):
        raise DuplicateName(value)


def save_street(street: Street | None, *, name: str, code: str) -> Street:
    """Create a street, or rename it; name and code are unique."""
    name, code = name.strip(), code.strip().upper()
    exclude = street.id if street else None
    _check_unique(Street, Street.name, name, exclude_id=exclude)
    try:
        _check_unique(Street, Street.code, code, exclude_id=exclude)
    except DuplicateName as e:
        raise DuplicateName("code") from e
    if street is None:
        street = Street(name=name, code=code)
        db.session.add(street)
    else:
        street.name, street.code = name, code
    db.session.flush()
    return street


def save_community(
    community: Community | None, *, street: Street, name: str
) -> Community:
    """Create a community in a street, or rename it; unique within the street."""
    name = name.strip()
    _check_unique(
        Community,
        Community.name,
        name,
        exclude_id=community.id if community else None,
        street_id=street.id,
    )
    if community is None:
        community = Community(street=street, name=name)
        db.session.add(community)
    else:
        community.name = name
    db.session.flush()
    return community


def save_grid(grid: Grid | None, *, community: Community, name: str) -> Grid:
    """Create a grid in a community, or rename it; unique within the community."""
    name = name.strip()
    _check_unique(
        Grid,
        Grid.name,
        name,
        exclude_id=grid.id if grid else None,
        community_id=community.id,
    )
    if grid is None:
        grid = Grid(community=community, name=name)
        db.session.add(grid)
    else:
        grid.name = name
    db.session.flush()
    return grid


def grant_role(
    user: User,
    role: Role,
    *,
    by: User | None,
    street: Street | None = None,
    community: Community | None = None,
    organization: Organization | None = None,
    qualification: Qualification | None = None,
) -> RoleGrant:
    """Give a role on its scope; granting an active grant again changes nothing.

    Only to an account whose number is proved (roles follow the phone's holder);
    a reviewer's or administrator's role only from someone else. Audited; the
    person is told when someone else gave it.
    """
    if user.mobile_verified_at is None:
        raise NumberNotVerified(user.id)
    if by is not None and by.id == user.id and role in SUPERVISING_ROLES:
        raise SelfGrant(role)
    scope = ROLE_SCOPES[role]
    given = {
        Scope.STREET: street,
        Scope.COMMUNITY: community,
        Scope.ORGANIZATION: organization,
    }
    if scope is not Scope.NONE and given[scope] is None:
        raise InvalidGrant(scope)
    if any(obj is not None for s, obj in given.items() if s is not scope):
        raise InvalidGrant(scope)
    if role is not Role.SOCIAL_WORKER:
        qualification = None
    elif qualification is None:
        qualification = Qualification.NONE
    for existing in user.grants:
        if (
            existing.role == role
            and existing.street_id == (street.id if street else None)
            and existing.community_id == (community.id if community else None)
            and existing.organization_id == (organization.id if organization else None)
        ):
            existing.qualification = qualification
            db.session.flush()
            return existing
    grant = RoleGrant(
        user_id=user.id,
        role=role,
        street=street,
        community=community,
        organization=organization,
        qualification=qualification,
        granted_by_id=by.id if by else None,
    )
    db.session.add(grant)
    db.session.flush()
    db.session.expire(user, ["grants"])
    _record(by, grant, "role.grant")
    if by is not None and by.id != user.id:
        notify(
            user,
            "role_granted",
            params={"role": role.value, "scope": _scope_name(grant)},
        )
    return grant


#: Roles that oversee others: never given to oneself.
SUPERVISING_ROLES = frozenset({Role.STREET_REVIEWER, Role.ADMIN})


def _scope_name(grant: RoleGrant) -> str:
    scope = grant.street or grant.community or grant.organization
    return scope.name if scope is not None else ""


def _record(by: User | None, grant: RoleGrant, action: str) -> None:
    street_id = grant.street_id
    if street_id is None and grant.community is not None:
        street_id = grant.community.street_id
    if street_id is None and grant.organization is not None:
        street_id = grant.organization.street_id
    audit.record(
        by,
        grant,
        action,
        street_id=street_id,
        data={
            "user_id": grant.user_id,
            "role": grant.role,
            "scope": _scope_name(grant),
        },
    )


def revoke_grant(grant: RoleGrant, *, by: User) -> None:
    """End a grant; the row stays as the record of who held what, when."""
    grant.revoked_at = utcnow()
    grant.revoked_by_id = by.id
    db.session.flush()
    db.session.expire(grant.user, ["grants"])
    _record(by, grant, "role.revoke")
    if by.id != grant.user_id:
        notify(
            grant.user,
            "role_revoked",
            params={"role": grant.role, "scope": _scope_name(grant)},
        )
