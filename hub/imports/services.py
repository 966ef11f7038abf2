"""Create the accounts of an import, and activate them when people set a password.

An imported account has no password anyone could type: its hash is a marker that
is not an argon2 hash, so ``verify_password`` always says no, and the account is
inactive until its owner follows the activation link and chooses a password.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hub import audit
from hub.auth.passwords import hash_password
from hub.errors import DomainError
from hub.extensions import db
from hub.imports.checking import Preview
from hub.models import Consent, RoleGrant, Street, User, VolunteerProfile
from hub.models.accounts import new_session_nonce
from hub.models.base import utcnow
from hub.notifications.services import notify
from hub.permissions import Role
from hub.sms.templates import ACCOUNT_CREATED

#: Stored instead of a hash: no password matches it (argon2 refuses to parse it).
UNUSABLE_PASSWORD = "!imported"  # noqa: S105 - a marker, not a password


class NothingToImport(DomainError):
    """No row of the file would create an account."""


class AlreadyActivated(DomainError):
    """The account has a password already (the link was used)."""


def has_usable_password(user: User) -> bool:
    """False for an imported account that has not been activated yet."""
    return not (user.password_hash or "").startswith("!")


def awaiting_activation(user: User) -> bool:
    """Imported by an organization and never opened (nor disabled since)."""
    return not user.active and user.password_hash == UNUSABLE_PASSWORD


@dataclass
class ImportReport:
    created: list[User] = field(default_factory=list)
    skipped: int = 0
    refused: int = 0
    by_street: Counter = field(default_factory=Counter)


def import_volunteers(
    preview: Preview,
    *,
    by: Any,
    filename: str,
    link_for: Callable[[User], str],
) -> ImportReport:
    """Create an inactive account, volunteer role and profile for each new row.

    Each person is told by SMS to log in with a code (an activation link,
    ``link_for(user)``, stays in the in-app message).
    The caller commits once: all rows or none.
    """
    rows = preview.new
    if not rows:
        raise NothingToImport()
    report = ImportReport(skipped=len(preview.existing), refused=len(preview.errors))
    people = []
    for row in rows:
        user = User(
            name=row.name,
            mobile=row.mobile,
            password_hash=UNUSABLE_PASSWORD,
            active=False,
            session_nonce=new_session_nonce(),
        )
        db.session.add(user)
        people.append((row, user))
    db.session.flush()
    for row, user in people:
        db.session.add(RoleGrant(user_id=user.id, role=Role.VOLUNTEER))
        db.session.add(
            VolunteerProfile(
                user_id=user.id,
                home_community_id=row.community.id,
                home_grid_id=row.grid.id if row.grid else None,
                skills=list(row.skills),
                interests=[],
            )
        )
        report.by_street[row.community.street_id] += 1
        report.created.append(user)
    db.session.flush()
    for row, user in people:
        notify(
            user,
            "account_imported",
            params={"community": row.community.name, "link": link_for(user)},
            # By SMS: a registered template, no link; the person logs in with a
            # code and chooses a password (the in-app message keeps the link).
            sms_template=ACCOUNT_CREATED,
            sms_params={},
        )
    for street_id, created in sorted(report.by_street.items()):
        audit.record(
            by,
            db.session.get(Street, street_id),
            "volunteers.import",
            street_id=street_id,
            reason=filename,
            data={
                "file": filename,
                "created": created,
                "skipped": report.skipped,
                "refused": report.refused,
            },
        )
    return report


def activate_account(user: User, *, password: str, consent_version: str) -> None:
    """Set the first password, record the privacy consent, open the account."""
    if has_usable_password(user):
        raise AlreadyActivated()
    user.password_hash = hash_password(password)
    user.active = True
    # The link came by SMS to this number (or a code proved it): the holder.
    user.mobile_verified_at = utcnow()
    user.end_other_sessions()  # the activation link carried the old nonce: used up
    db.session.add(Consent(user_id=user.id, notice="privacy", version=consent_version))
    profile = db.session.get(VolunteerProfile, user.id)
    street_id = None
    if profile is not None and profile.home_community is not None:
        street_id = profile.home_community.street_id
    audit.record(user, user, "account.activate", street_id=street_id)
