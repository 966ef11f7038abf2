"""Notify people: the in-app message and its outbox row, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from hub.errors import NotYourNotification
from hub.extensions import db
from hub.models import Notification, OutboxMessage, User
from hub.models.base import utcnow
from hub.notifications.messages import MESSAGES
from hub.notifications.outbox import RESOLVERS
from hub.sms.templates import NOTICE, check_params, topic_for

#: Channel of the outbox row written with every notification.
DEFAULT_CHANNEL = "sms"


def _plain(value: Any) -> Any:
    """JSON-safe parameter values: numbers and None as they are, the rest as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(getattr(value, "value", value))


def _user(user: Any) -> User:
    """The real user behind Flask-Login's ``current_user`` proxy."""
    return user._get_current_object() if hasattr(user, "_get_current_object") else user


def notify(
    user: User,
    kind: str,
    *,
    params: dict[str, Any],
    url: str | None = None,
    now: datetime | None = None,
    sms_template: str = NOTICE,
    sms_params: dict[str, Any] | None = None,
) -> Notification:
    """Write a notification and its outbox message; both commit or neither does.

    The SMS is the notice template naming the topic, unless another registered
    template is given (``sms_template`` with its ``sms_params``).
    """
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    if url is not None and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("a notification links to a path inside the app")
    user = _user(user)
    now = now or utcnow()
    plain = {name: _plain(value) for name, value in params.items()}
    notification = Notification(
        user_id=user.id, kind=kind, params=plain, url=url, created_at=now
    )
    db.session.add(notification)
    db.session.flush()
    # The SMS says only what the message is about: providers send registered
    # templates, and what people wrote (names, reasons, messages) stays in the app.
    queue_sms(
        kind=kind,
        template=sms_template,
        params={"topic": topic_for(kind)} if sms_params is None else sms_params,
        user=user,
        dedup_key=f"notification:{notification.id}",
        notification=notification,
        now=now,
    )
    return notification


def queue_sms(
    *,
    kind: str,
    template: str,
    params: dict[str, Any],
    dedup_key: str,
    user: User | None = None,
    mobile: str | None = None,
    notification: Notification | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Put a template SMS in the outbox, to an account or to a bare number."""
    if template not in RESOLVERS:  # resolved ones hold references until sent
        check_params(template, params)
    if user is None and mobile is None:
        raise ValueError("an SMS needs an account or a number")
    now = now or utcnow()
    message = OutboxMessage(
        notification_id=notification.id if notification is not None else None,
        user_id=user.id if user is not None else None,
        mobile=mobile,
        channel=DEFAULT_CHANNEL,
        kind=kind,
        template=template,
        params=params,
        created_at=now,
        next_attempt_at=now,
        dedup_key=dedup_key,
    )
    db.session.add(message)
    db.session.flush()
    return message


def unread_count(user: User) -> int:
    """How many of this person's notifications are unread (one COUNT query)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def recent(
    user: User, *, limit: int = 30, before_id: int | None = None
) -> list[Notification]:
    """This person's notifications, newest first, older than ``before_id``."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return list(db.session.scalars(query))


def mark_read(
    notification: Notification, user: User, *, now: datetime | None = None
) -> Notification:
    """Mark one of my notifications read; someone else's is refused."""
    if notification.user_id != _user(user).id:
        raise NotYourNotification(notification.id)
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        db.session.flush()
    return notification


def mark_all_read(user: User, *, now: datetime | None = None) -> int:
    """Mark all my unread notifications read; returns how many were unread."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == _user(user).id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount
