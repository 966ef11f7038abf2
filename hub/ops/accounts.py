"""The first administrator of a new server (``flask admin create``)."""

from __future__ import annotations

from hub.admin.services import grant_role
from hub.auth import services as accounts
from hub.auth.passwords import MIN_LENGTH, is_common
from hub.extensions import db
from hub.models import User
from hub.models.base import utcnow
from hub.permissions import Role
from hub.phones import normalize_mobile


class AccountError(ValueError):
    """The administrator cannot be made as asked; the message says why."""


def create_admin(*, mobile: str, name: str, password: str) -> tuple[User, bool]:
    """Create (or promote) the account of ``mobile`` as administrator and commit;
    (the user, whether the account is new). Granted by nobody (the server's
    operator), audited as every grant is."""
    number = normalize_mobile(mobile)
    if number is None:
        raise AccountError("not a mainland mobile number")
    if not name.strip():
        raise AccountError("a name is needed")
    user = accounts.find_user_by_mobile(number)
    created = user is None
    if user is None:
        if len(password) < MIN_LENGTH or is_common(password):
            raise AccountError(
                f"choose a password of at least {MIN_LENGTH} characters, not a "
                "common one"
            )
        user = accounts.register_user(
            name=name,
            mobile=number,
            password=password,
            consent_version=accounts.current_consent_version(),
            verified_at=utcnow(),
        )
    elif user.mobile_verified_at is None:
        user.mobile_verified_at = utcnow()
    grant_role(user, Role.ADMIN, by=None)
    db.session.commit()
    return user, created
