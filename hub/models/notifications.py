"""In-app notifications, and the outbox that carries them to other channels."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from hub.models.accounts import User


class Notification(db.Model):
    """A message for one person, shown in the app; its text is rendered on display."""

    __tablename__ = "notifications"
    # Leads with user_id, so it also serves "my notifications"; read_at IS NULL
    # makes the unread count one index range.
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: A key of ``hub.notifications.messages.MESSAGES``.
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Where the message leads, a path inside the app.
    url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class OutboxMessage(db.Model):
    """An SMS to send, written in the same transaction: a template and its codes.

    ``params`` hold codes or references (a verification code's row id, never the
    code), put into words when the message is sent.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The delivery worker's question: what is due and not yet sent?
        Index(
            "ix_outbox_messages_due",
            "next_attempt_at",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id"), index=True
    )
    #: The account it is for; none for a code sent to a number not yet registered.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Where it goes when that is not the account's number (a code to a new number).
    mobile: Mapped[str | None] = mapped_column(String(11))
    channel: Mapped[str] = mapped_column(String(20), default="sms")
    #: The notification kind, or ``verification`` / ``security`` for account SMS.
    kind: Mapped[str] = mapped_column(String(40))
    #: A name in ``hub.sms.templates.TEMPLATES``.
    template: Mapped[str] = mapped_column(String(40), default="notice")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: A worker holds the message until then; after it, another may take it over.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Sent to the transport as its idempotency key, e.g. ``notification:42``.
    dedup_key: Mapped[str] = mapped_column(String(80), unique=True)

    user: Mapped[User | None] = relationship()
    notification: Mapped[Notification | None] = relationship()

    @property
    def recipient(self) -> str:
        """The full number it goes to (never logged)."""
        return self.mobile or (self.user.mobile if self.user else "")
