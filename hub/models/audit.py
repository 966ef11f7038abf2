"""The audit log: who did what to which object, when and why. Append-only.

Entries form a hash chain: each stores the previous entry's hash (``prev_hash``) and
its own (``entry_hash``), the SHA-256 of :func:`canonical_form`. See docs/security.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
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
        # One successor per entry: a forked chain is refused by the database itself.
        Index("ux_audit_entries_prev_hash", "prev_hash", unique=True),
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
    #: The previous entry's ``entry_hash``; GENESIS_HASH for the first entry.
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 (hex) of ``canonical_form(this entry's fields, prev_hash)``.
    entry_hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return (
            f"<AuditEntry {self.id} {self.object_type}:{self.object_id} {self.action}>"
        )


#: What the first entry of the chain links to.
GENESIS_HASH = "0" * 64

#: The fields an entry's hash covers, besides prev_hash (in this order, for the docs).
HASHED_FIELDS = (
    "id",
    "at",
    "actor_id",
    "object_type",
    "object_id",
    "action",
    "from_state",
    "to_state",
    "reason",
    "street_id",
    "data",
)


def _canonical_at(value: datetime | str) -> str:
    if isinstance(value, str):  # already canonical (e.g. read raw)
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_form(fields: Mapping[str, Any], prev_hash: str) -> bytes:
    """The bytes an entry's hash is taken over.

    A JSON object of HASHED_FIELDS plus ``prev_hash``: keys sorted, no whitespace,
    UTF-8 without escapes, ``at`` as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC, absent
    values as ``null``, ``data`` as the JSON the database holds (keys sorted).
    """
    document = {name: fields[name] for name in HASHED_FIELDS}
    document["at"] = _canonical_at(document["at"])
    document["prev_hash"] = prev_hash
    return json.dumps(
        document,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def chain_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256, in hex, of the entry's canonical form."""
    return hashlib.sha256(canonical_form(fields, prev_hash)).hexdigest()


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
