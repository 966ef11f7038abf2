"""The reviewer's audit log: what happened in my streets, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hub import audit
from hub.audit_log.labels import action_label, entry_detail, state_label
from hub.audit_log.subjects import ObjectRef, subjects
from hub.extensions import db
from hub.models import AuditEntry, Street
from hub.permissions import Permission, Role
from hub.web.access import requires
from hub.web.htmx import is_htmx

bp = Blueprint("audit", __name__)

PAGE_SIZE = 50


#: What the administrators' log shows: accounts and the roles on them.
ACCOUNT_OBJECTS = ("user", "role_grant", "number_recovery")


@dataclass(frozen=True)
class LogRow:
    id: int
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    reason: str | None
    detail: str
    subject: ObjectRef
    street: str | None


def _row(e: AuditEntry, subject: ObjectRef, street: str | None) -> LogRow:
    detail = entry_detail(e.action, e.data)
    return LogRow(
        id=e.id,
        at=e.at,
        actor=e.actor.name if e.actor is not None else _("System"),
        action=action_label(e.action),
        from_state=state_label(e.object_type, e.from_state),
        to_state=state_label(e.object_type, e.to_state),
        # Said from the data in this reader's words; such entries used to store
        # the same as the writer read it (e.g. 评议 · CSV), shown no more.
        reason=None if detail else e.reason,
        detail=detail,
        subject=subject,
        street=street,
    )


def _rows(entries: list[AuditEntry], street_names: dict[int, str]) -> list[LogRow]:
    named = subjects(entries)
    many_streets = len(street_names) > 1
    return [
        _row(
            e,
            named[e.object_type, e.object_id],
            street_names.get(e.street_id) if many_streets else None,
        )
        for e in entries
    ]


@bp.route("/review/audit")
@requires(Permission.FILINGS_REVIEW)
def street_log():
    """My streets' audit log, newest first; "older" pages back by entry id."""
    street_ids = sorted(
        {
            grant.street_id
            for grant in current_user.grants_for(Role.STREET_REVIEWER)
            if grant.street_id is not None
        }
    )
    before = request.args.get("before", type=int)
    entries = audit.street_log(street_ids, limit=PAGE_SIZE + 1, before_id=before)
    older_url = None
    if len(entries) > PAGE_SIZE:
        entries = entries[:PAGE_SIZE]
        older_url = url_for("audit.street_log", before=entries[-1].id)
    street_names = dict(
        db.session.execute(
            select(Street.id, Street.name).where(Street.id.in_(street_ids))
        ).all()
    )
    context = {
        "rows": _rows(entries, street_names),
        "older_url": older_url,
        "streets": sorted(street_names.values()),
        "paged": before is not None,
        "newest_url": url_for("audit.street_log"),
        "empty_text": _("Nothing has been recorded in your streets yet."),
    }
    if is_htmx():
        return render_template("audit/_entries.html", **context)
    return render_template("audit/log.html", **context)


@bp.route("/admin/audit")
@requires(Permission.ACCOUNTS_MANAGE)
def accounts_log():
    """Every change to accounts and roles, newest first: what administrators did."""
    before = request.args.get("before", type=int)
    entries = audit.log_of(ACCOUNT_OBJECTS, limit=PAGE_SIZE + 1, before_id=before)
    older_url = None
    if len(entries) > PAGE_SIZE:
        entries = entries[:PAGE_SIZE]
        older_url = url_for("audit.accounts_log", before=entries[-1].id)
    context = {
        "rows": _rows(entries, {}),
        "older_url": older_url,
        "streets": [],
        "paged": before is not None,
        "newest_url": url_for("audit.accounts_log"),
        "empty_text": _("No account or role has been changed yet."),
    }
    if is_htmx():
        return render_template("audit/_entries.html", **context)
    return render_template("audit/log.html", **context)
