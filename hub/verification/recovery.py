"""Assisted number recovery: a reviewer moves an account, a second person approves.

Who may move whose account (the one place this rule lives):

- An account *belongs to a street* when the person's volunteer profile has a home
  community in it, or they hold a role there: a street role on it, a social-worker
  role on one of its communities, or staff of an organization filed in it.
- A street reviewer acts for the streets they review; an administrator for every
  street. Either may start a change for an account of a street they act for, and
  the change is then the business of that street.
- Another reviewer of that street or an administrator decides it: never the one who
  asked, never the person whose account it is. An administrator's account is moved
  only by administrators (asked and approved).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import literal, select, true, union_all
from sqlalchemy.orm import joinedload

from hub import audit
from hub.auth.services import change_mobile, find_user_by_mobile, security_alert
from hub.errors import DomainError, MobileTaken
from hub.extensions import db
from hub.models import (
    Community,
    NumberRecovery,
    Organization,
    RoleGrant,
    Street,
    User,
    VolunteerProfile,
    utcnow,
)
from hub.models.verification import RecoveryNotPending, RecoveryState, SameReviewer
from hub.permissions import Role

#: Decided changes stay on the list this long.
RECENT_DAYS = 30
RECENT_LIMIT = 50

ACTION_LABELS = {
    "recovery.request": _l("Number change asked for by the street"),
    "recovery.approve": _l("Number change approved"),
    "recovery.decline": _l("Number change declined"),
}
STATE_LABELS = {
    RecoveryState.PENDING: _p("number change state", "Waiting for a second person"),
    RecoveryState.APPROVED: _p("number change state", "Approved"),
    RecoveryState.DECLINED: _p("number change state", "Declined"),
}


class NotYourStreet(DomainError):
    """The account belongs to no street this person acts for."""


class OwnAccount(DomainError):
    """Nobody moves, or decides on moving, their own account."""


class AdminsOnly(DomainError):
    """An administrator's account is moved by administrators only."""


class AccountDisabled(DomainError):
    """A disabled account is not moved (its alerts would not be sent)."""


class SameNumber(DomainError):
    """The new number is the account's number already."""


class RecoveryAlreadyPending(DomainError):
    """A change of this account waits for a decision already."""


class NumberAwaited(DomainError):
    """Another waiting change moves an account to this number."""


class NumberChangedMeanwhile(DomainError):
    """The account is on another number than when the change was asked for."""


# Who acts for which street ---------------------------------------------------------


def is_admin(user: Any) -> bool:
    return bool(user and user.is_authenticated) and Role.ADMIN in user.roles


def reviewed_street_ids(user: Any) -> list[int]:
    """The streets this person reviews."""
    return [
        g.street_id
        for g in user.grants_for(Role.STREET_REVIEWER)
        if g.street_id is not None
    ]


def acts_for(user: Any, street_id: int) -> bool:
    """An administrator acts for every street, a reviewer for their own."""
    return is_admin(user) or street_id in reviewed_street_ids(user)


def account_street_ids(user_id: int) -> list[int]:
    """The streets an account belongs to, its home community's first (one query)."""
    active = (RoleGrant.user_id == user_id, RoleGrant.revoked_at.is_(None))
    found = union_all(
        select(Community.street_id.label("street_id"), literal(0).label("rank"))
        .join(VolunteerProfile, VolunteerProfile.home_community_id == Community.id)
        .where(VolunteerProfile.user_id == user_id),
        select(RoleGrant.street_id, literal(1)).where(
            *active, RoleGrant.street_id.is_not(None)
        ),
        select(Community.street_id, literal(2))
        .join(RoleGrant, RoleGrant.community_id == Community.id)
        .where(*active),
        select(Organization.street_id, literal(3))
        .join(RoleGrant, RoleGrant.organization_id == Organization.id)
        .where(*active),
    ).subquery()
    rows = db.session.execute(
        select(found.c.street_id).order_by(found.c.rank, found.c.street_id)
    ).scalars()
    return list(dict.fromkeys(rows))


def street_for(account: User, *, by: User) -> int:
    """The street on whose behalf ``by`` may move ``account``, or a typed refusal."""
    if account.id == by.id:
        raise OwnAccount(account.id)
    street_id = next(
        (s for s in account_street_ids(account.id) if acts_for(by, s)), None
    )
    if street_id is None:
        raise NotYourStreet(account.id)
    if is_admin(account) and not is_admin(by):
        raise AdminsOnly(account.id)
    return street_id


def find_account(mobile: str, *, by: User) -> tuple[User, int]:
    """The account on ``mobile`` and its street, if ``by`` may move it.

    An account of another street is refused like a number nobody holds: a reviewer
    learns nothing about other streets' people.
    """
    account = find_user_by_mobile(mobile)
    if account is None:
        raise NotYourStreet(None)
    street_id = street_for(account, by=by)
    if not account.active:
        raise AccountDisabled(account.id)
    if pending_for(account) is not None:
        raise RecoveryAlreadyPending(account.id)
    return account, street_id


def pending_for(account: User) -> int | None:
    """The id of the change of this account waiting for a decision, if any."""
    return db.session.scalar(
        select(NumberRecovery.id).where(
            NumberRecovery.user_id == account.id,
            NumberRecovery.state == RecoveryState.PENDING,
        )
    )


def can_view(user: Any, recovery: NumberRecovery) -> bool:
    """Reviewers of its street and administrators see a change."""
    return bool(user and user.is_authenticated) and acts_for(user, recovery.street_id)


def _check_decider(recovery: NumberRecovery, by: User) -> None:
    if not recovery.is_pending:
        raise RecoveryNotPending(recovery.id)
    if by.id == recovery.requested_by_id:
        raise SameReviewer(recovery.id)
    if by.id == recovery.user_id:
        raise OwnAccount(recovery.user_id)
    if is_admin(recovery.user) and not is_admin(by):
        raise AdminsOnly(recovery.user_id)


def can_decide(user: Any, recovery: NumberRecovery) -> bool:
    """A second person of its street, while it waits (see the module's rules)."""
    if not can_view(user, recovery):
        return False
    try:
        _check_decider(recovery, user)
    except DomainError:
        return False
    return True


# Asking and deciding ---------------------------------------------------------------


def request_recovery(
    account: User,
    *,
    new_mobile: str,
    reason: str,
    by: User,
    now: datetime | None = None,
) -> NumberRecovery:
    """Ask to move ``account`` to ``new_mobile``; the old number is told at once."""
    street_id = street_for(account, by=by)
    if not account.active:
        raise AccountDisabled(account.id)
    if new_mobile == account.mobile:
        raise SameNumber(account.id)
    holder = find_user_by_mobile(new_mobile)
    if holder is not None:
        raise MobileTaken(new_mobile)
    # Hold the account's row so two reviewers asking at once make one change.
    db.session.execute(select(User.id).where(User.id == account.id).with_for_update())
    if pending_for(account) is not None:
        raise RecoveryAlreadyPending(account.id)
    awaited = select(NumberRecovery.id).where(
        NumberRecovery.state == RecoveryState.PENDING,
        NumberRecovery.new_mobile == new_mobile,
    )
    if db.session.scalar(awaited) is not None:
        raise NumberAwaited(account.id)
    recovery = NumberRecovery(
        user_id=account.id,
        street_id=street_id,
        old_mobile=account.mobile,
        new_mobile=new_mobile,
        reason=reason,
        state=RecoveryState.PENDING,
        requested_by_id=by.id,
        requested_at=now or utcnow(),
    )
    db.session.add(recovery)
    db.session.flush()
    # The numbers stay out of the append-only log; the recovery row holds them.
    audit.record(
        by,
        recovery,
        "recovery.request",
        to_state=RecoveryState.PENDING,
        reason=reason,
        street_id=street_id,
        data={"user_id": account.id},
    )
    # A genuine holder who still has the old phone can object before anyone approves.
    security_alert(account, "recovery_requested", mobile=recovery.old_mobile)
    return recovery


def _lock(recovery: NumberRecovery) -> None:
    """Read the change again under a row lock: two deciders cannot both act."""
    db.session.refresh(recovery, with_for_update=True)


def approve_recovery(
    recovery: NumberRecovery,
    *,
    by: User,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """Approve: the account moves to the new number and both numbers are told."""
    _lock(recovery)
    _check_decider(recovery, by)
    account = recovery.user
    if account.mobile != recovery.old_mobile:
        raise NumberChangedMeanwhile(recovery.id)
    if not account.active:
        raise AccountDisabled(account.id)
    recovery.decide(approve=True, by_id=by.id, note=note, now=now or utcnow())
    change_mobile(account, recovery.new_mobile, by=by, reason=recovery.reason)
    audit.record(
        by,
        recovery,
        "recovery.approve",
        from_state=RecoveryState.PENDING,
        to_state=RecoveryState.APPROVED,
        reason=note,
        street_id=recovery.street_id,
    )


def decline_recovery(
    recovery: NumberRecovery,
    *,
    by: User,
    note: str,
    now: datetime | None = None,
) -> None:
    """Decline with a reason: the account keeps its number."""
    _lock(recovery)
    _check_decider(recovery, by)
    recovery.decide(approve=False, by_id=by.id, note=note, now=now or utcnow())
    audit.record(
        by,
        recovery,
        "recovery.decline",
        from_state=RecoveryState.PENDING,
        to_state=RecoveryState.DECLINED,
        reason=note,
        street_id=recovery.street_id,
    )


# Reading ---------------------------------------------------------------------------


def recoveries_for(
    user: User, *, now: datetime | None = None
) -> tuple[list[NumberRecovery], list[NumberRecovery]]:
    """Waiting changes (oldest first) and recently decided ones of my streets."""
    now = now or utcnow()
    scope = (
        true()
        if is_admin(user)
        else NumberRecovery.street_id.in_(reviewed_street_ids(user))
    )
    query = (
        select(NumberRecovery)
        .where(scope)
        .options(
            joinedload(NumberRecovery.user), joinedload(NumberRecovery.requested_by)
        )
    )
    pending = db.session.scalars(
        query.where(NumberRecovery.state == RecoveryState.PENDING).order_by(
            NumberRecovery.requested_at, NumberRecovery.id
        )
    ).all()
    recent = db.session.scalars(
        query.where(
            NumberRecovery.state != RecoveryState.PENDING,
            NumberRecovery.decided_at >= now - timedelta(days=RECENT_DAYS),
        )
        .order_by(NumberRecovery.decided_at.desc(), NumberRecovery.id.desc())
        .limit(RECENT_LIMIT)
    ).all()
    return list(pending), list(recent)


def street_names(street_ids: set[int]) -> dict[int, str]:
    """Names of the given streets (one query)."""
    if not street_ids:
        return {}
    return dict(
        db.session.execute(
            select(Street.id, Street.name).where(Street.id.in_(street_ids))
        ).all()
    )
