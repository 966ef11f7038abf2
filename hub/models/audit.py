"""The audit log: who did what to which object, when and why. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql import Delete, Update

from hub.errors import AuditLogIsAppendOnly
from hub.extensions import db
from hub.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import ORMExecuteState, UOWTransaction

    from hub.models.accounts import User


class AuditEntry(db.Model):
    """One recorded change; written by ``hub.audit.record`` and never altered."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        # A street's log, newest first, paged by id: one index range scan.
        Index("ix_audit_entries_street_log", "street_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: None when the system acted (a scheduled job, a migration).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A later issue chains entries by hash (prev_hash, entry_hash); every write goes
    # through hub.audit.record, which is where that will be computed.

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return (
            f"<AuditEntry {self.id} {self.object_type}:{self.object_id} {self.action}>"
        )


@event.listens_for(Session, "before_flush")
def _refuse_changes(
    session: Session, _context: UOWTransaction, _instances: object
) -> None:
    """Refuse to flush a changed or deleted audit entry."""
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly(f"cannot delete audit entry {obj.id}")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj):
            raise AuditLogIsAppendOnly(f"cannot change audit entry {obj.id}")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    """Refuse ``update(AuditEntry)`` / ``delete(AuditEntry)`` run through a session."""
    statement = state.statement
    if (
        isinstance(statement, Update | Delete)
        and getattr(statement.table, "name", None) == AuditEntry.__tablename__
    ):
        raise AuditLogIsAppendOnly("audit entries cannot be updated or deleted")
