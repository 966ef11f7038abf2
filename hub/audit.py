"""Write and read the audit log; every state change goes through ``record``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hub.extensions import db
from hub.models.audit import AuditEntry
from hub.models.base import utcnow


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
    """Append an entry for ``action`` on ``obj`` by ``actor`` (None: the system)."""
    actor = _plain(actor)
    if getattr(obj, "id", None) is None:
        db.session.flush()  # the object needs its id before it can be referred to
    entry = AuditEntry(
        at=now or utcnow(),
        actor=actor,
        actor_id=actor.id if actor is not None else None,
        object_type=audit_type(obj),
        object_id=obj.id,
        action=action,
        from_state=_state(from_state),
        to_state=_state(to_state),
        reason=reason,
        street_id=street_id,
        data=data,
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
