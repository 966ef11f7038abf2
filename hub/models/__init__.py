"""Models, one module per aggregate; imported here so Alembic sees them all."""

from hub.models.accounts import Consent, RoleGrant, User
from hub.models.base import TimestampMixin, utcnow
from hub.models.organizations import Organization
from hub.models.places import Community, Grid, Street

__all__ = [
    "Community",
    "Consent",
    "Grid",
    "Organization",
    "RoleGrant",
    "Street",
    "TimestampMixin",
    "User",
    "utcnow",
]
