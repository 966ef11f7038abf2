"""Write and read the audit log; every state change goes through ``record``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from hub.extensions import db
from hub.models.audit import GENESIS_HASH, AuditEntry, chain_hash
from hub.models.base import utcnow

#: pg_advisory_xact_lock key serializing appends to the chain ("audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974


def audit_type(obj: Any) -> str:
    """The object's audit type: its ``AUDIT_TYPE``, else its table name in singular."""
    declared = getattr(type(obj), "AUDIT_TYPE", None)
    if declared:
        return declared
    table: str = type(obj).__tablename__
    if table.endswith("ies"):
        return table[:-3] + "y"
    if table.endswith("sses"):
        return table[:-2]
    return table.removesuffix("s")


def _plain(value: Any) -> Any:
    """Real objects behind Flask-Login's proxy; enum members as their values."""
    if hasattr(value, "_get_current_object"):
        value = value._get_current_object()
    return value


def _state(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _chain_head() -> tuple[int, str]:
    """The last entry's id and hash, holding the chain until this transaction ends.

    PostgreSQL: a transaction-level advisory lock makes concurrent appenders wait
    here, so each reads the head the previous one committed. SQLite: a transaction
    that has written holds the database's only write lock, and one that has not
    cannot commit on a stale head (SQLITE_BUSY); the primary key and the unique
    prev_hash refuse a fork on both.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY}
        )
    head = db.session.execute(
        select(AuditEntry.id, AuditEntry.entry_hash)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    return (head.id, head.entry_hash) if head else (0, GENESIS_HASH)


def record(
    actor: Any,
    obj: Any,
    action: str,
    *,
    from_state: Any = None,
    to_state: Any = None,
    reason: str | None = None,
    street_id: int | None = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Append an entry for ``action`` on ``obj`` by ``actor`` (None: the system).

    The entry takes the next id after the chain's head and links to its hash.
    """
    actor = _plain(actor)
    # Write pending changes (and give obj its id) before taking the chain's lock.
    db.session.flush()
    at = now or utcnow()
    if at.tzinfo is None:
        raise ValueError("naive datetime given to audit.record")
    head_id, head_hash = _chain_head()
    fields: dict[str, Any] = {
        "id": head_id + 1,
        "at": at.astimezone(UTC),
        "actor_id": actor.id if actor is not None else None,
        "object_type": audit_type(obj),
        "object_id": obj.id,
        "action": action,
        "from_state": _state(from_state),
        "to_state": _state(to_state),
        "reason": reason,
        "street_id": street_id,
        # Hashed as it will read back from the JSON column (string keys, lists).
        "data": None if data is None else json.loads(json.dumps(data)),
    }
    entry = AuditEntry(
        **fields,
        actor=actor,
        prev_hash=head_hash,
        entry_hash=chain_hash(fields, head_hash),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def history(obj: Any) -> list[AuditEntry]:
    """Every entry about ``obj``, oldest first, with the actors loaded."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.object_type == audit_type(obj),
                AuditEntry.object_id == obj.id,
            )
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.id)
        )
    )


def log_of(
    object_types: Iterable[str], *, limit: int = 100, before_id: int | None = None
) -> list[AuditEntry]:
    """Entries on these kinds of object (accounts, role grants), newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.object_type.in_(list(object_types)))
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(db.session.scalars(query))


def street_log(
    street_id: int | Iterable[int],
    *,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEntry]:
    """A street's (or several streets') entries, newest first, older than before_id."""
    ids = [street_id] if isinstance(street_id, int) else list(street_id)
    if not ids:
        return []
    query = (
        select(AuditEntry)
        .where(AuditEntry.street_id.in_(ids))
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(db.session.scalars(query))
