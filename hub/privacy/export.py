"""'Download my data': everything held about a person, as one JSON document.

Every column that refers to a person (a foreign key to ``users.id``) is either a
SUBJECT column (the row is about that person: exported) or an ACTOR column (the
person acted on someone else's or an organization's record: not exported here, the
audit entries already show what they did). tests/unit/test_privacy.py fails when a
new such column is in neither list, so each new table gets a decision.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select

from hub.extensions import db
from hub.models import StaffInvitation, User
from hub.models.base import utcnow

FORMAT = "shanzhi-hub-personal-data"
FORMAT_VERSION = 1

#: (table, column) whose rows are about the person: one export section per table.
SUBJECT_COLUMNS: dict[str, str] = {
    "users": "id",
    "role_grants": "user_id",
    "consents": "user_id",
    "volunteer_profiles": "user_id",
    "signups": "user_id",
    "shift_invitations": "user_id",
    "attendances": "user_id",
    "hour_records": "user_id",
    "hour_disputes": "user_id",
    "certificates": "user_id",
    "ratings": "user_id",
    "service_needs": "user_id",
    "notifications": "user_id",
    "outbox_messages": "user_id",
    "number_recoveries": "user_id",  # the street moving the account to a new number
    "organizations": "created_by_id",  # filings the person started (applied for)
    "audit_entries": "actor_id",  # what the person did, as the log recorded it
}

#: Columns naming the person as the one who acted on a record that is about someone
#: (or something) else. Those records belong to the other person or organization;
#: what this person did to them is in the ``audit_entries`` section.
ACTOR_COLUMNS: dict[tuple[str, str], str] = {
    ("role_grants", "granted_by_id"): "a role given to someone else",
    ("consents", "assisted_by_id"): "a resident's consent, given with their help",
    ("attendances", "reviewed_by_id"): "another person's check-in sent later, checked",
    ("number_recoveries", "requested_by_id"): "another person's number change asked",
    ("number_recoveries", "decided_by_id"): "another person's number change decided",
    ("role_grants", "revoked_by_id"): "a role taken from someone else",
    ("documents", "uploaded_by_id"): "an organization's filing document",
    ("staff_invitations", "invited_by_id"): "an invitation sent to someone else",
    ("tenders", "created_by_id"): "a street office's call for proposals",
    ("proposals", "submitted_by_id"): "an organization's proposal",
    ("volunteer_profiles", "residence_confirmed_by_id"): "another's residence check",
    ("projects", "coordinator_id"): "a project the person coordinates at work",
    ("projects", "created_by_id"): "an organization's project",
    ("evaluation_meetings", "recorded_by_id"): "minutes of a project's evaluation",
    ("evaluation_windows", "opened_by_id"): "a project's evaluation period",
    ("ratings", "hidden_by_id"): "someone else's rating, moderated",
    ("service_needs", "triaged_by_id"): "a resident's need, handled at work",
    ("service_needs", "resolved_by_id"): "a resident's need, handled at work",
    ("shifts", "created_by_id"): "an organization's shift",
    ("attendances", "recorded_by_id"): "someone else's check-in, recorded",
    ("hour_records", "created_by_id"): "someone else's hours, entered",
    ("hour_records", "confirmed_by_id"): "someone else's hours, confirmed",
    ("shift_invitations", "invited_by_id"): "an invitation sent to someone else",
    ("hour_disputes", "resolved_by_id"): "someone else's dispute, resolved",
}

#: Secrets and internal plumbing never exported (a download can be lost or shared).
EXCLUDED_COLUMNS: dict[str, frozenset[str]] = {
    "users": frozenset({"password_hash", "session_nonce", "calendar_token"}),
    "service_needs": frozenset({"photo_stored_name"}),
    "audit_entries": frozenset({"prev_hash", "entry_hash"}),
}


def _plain(value: Any) -> Any:
    """A JSON-ready value: times in ISO 8601 (UTC), numbers and text as they are."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def _rows(name: str, column: str, user_id: int) -> list[dict[str, Any]]:
    """Every row of ``name`` whose ``column`` is the person, oldest first."""
    table = _table(name)
    excluded = EXCLUDED_COLUMNS.get(name, frozenset())
    columns = [c for c in table.columns if c.name not in excluded]
    order = list(table.primary_key.columns)
    result = db.session.execute(
        select(*columns).where(table.c[column] == user_id).order_by(*order)
    )
    return [
        {key: _plain(value) for key, value in row._mapping.items()} for row in result
    ]


def _staff_invitations(user: User) -> list[dict[str, Any]]:
    """Invitations to join an organization, sent to this person's number."""
    return _rows_where_mobile(user.mobile) if user.mobile else []


def _rows_where_mobile(mobile: str) -> list[dict[str, Any]]:
    table = StaffInvitation.__table__
    result = db.session.execute(
        select(table).where(table.c.mobile == mobile).order_by(table.c.id)
    )
    return [
        {key: _plain(value) for key, value in row._mapping.items()} for row in result
    ]


def personal_data(user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything held about ``user``, section by table, secrets left out."""
    sections: dict[str, Any] = {}
    for name, column in SUBJECT_COLUMNS.items():
        rows = _rows(name, column, user.id)
        sections[name] = rows[0] if name == "users" and rows else rows
    sections["staff_invitations"] = _staff_invitations(user)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _plain(now or utcnow()),
        "user_id": user.id,
        "notes": {
            "times": "ISO 8601, UTC",
            "minutes": "hour records count minutes of service",
            "left_out": "your password (only a secure hash is kept), your login "
            "session secret and your calendar link secret",
        },
        "sections": sections,
    }


def personal_data_json(user: User, *, now: datetime | None = None) -> str:
    """The export as pretty-printed UTF-8 JSON (Chinese kept readable)."""
    return json.dumps(
        personal_data(user, now=now), ensure_ascii=False, indent=2, sort_keys=False
    )
