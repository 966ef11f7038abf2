"""The reviewer's audit log: what happened in my streets, newest first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hub import audit
from hub.audit_log.labels import action_label, state_label
from hub.extensions import db
from hub.models import AuditEntry, Organization, RoleGrant, Street, User
from hub.permissions import ROLE_LABELS, Permission, Role
from hub.web.access import requires
from hub.web.htmx import is_htmx

bp = Blueprint("audit", __name__)

PAGE_SIZE = 50


@dataclass(frozen=True)
class ObjectRef:
    label: str
    url: str | None = None


def _organizations(ids: set[int]) -> dict[int, ObjectRef]:
    rows = db.session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(ids))
    )
    linked = "review.filing" in current_app.view_functions
    return {
        org_id: ObjectRef(
            name, url_for("review.filing", org_id=org_id) if linked else None
        )
        for org_id, name in rows
    }


def _people(ids: set[int]) -> dict[int, ObjectRef]:
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {
        user_id: ObjectRef(name, url_for("admin.user", user_id=user_id))
        for user_id, name in rows
    }


def _grants(ids: set[int]) -> dict[int, ObjectRef]:
    rows = db.session.execute(
        select(RoleGrant.id, RoleGrant.role, User.id, User.name)
        .join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.id.in_(ids))
    )
    return {
        grant_id: ObjectRef(
            f"{name} · {ROLE_LABELS.get(Role(role), role)}",
            url_for("admin.user", user_id=user_id),
        )
        for grant_id, role, user_id, name in rows
    }


#: object_type -> loader of names (and links) for a set of ids, one query each.
OBJECT_LOADERS: dict[str, Callable[[set[int]], dict[int, ObjectRef]]] = {
    "organization": _organizations,
    "user": _people,
    "role_grant": _grants,
}

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
    subject: ObjectRef
    street: str | None


def _subjects(entries: list[AuditEntry]) -> dict[tuple[str, int], ObjectRef]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        wanted[entry.object_type].add(entry.object_id)
    found: dict[tuple[str, int], ObjectRef] = {}
    for object_type, ids in wanted.items():
        loader = OBJECT_LOADERS.get(object_type)
        if loader is not None:
            for object_id, ref in loader(ids).items():
                found[object_type, object_id] = ref
    return found


def _rows(entries: list[AuditEntry], street_names: dict[int, str]) -> list[LogRow]:
    subjects = _subjects(entries)
    many_streets = len(street_names) > 1
    return [
        LogRow(
            id=e.id,
            at=e.at,
            actor=e.actor.name if e.actor is not None else _("System"),
            action=action_label(e.action),
            from_state=state_label(e.from_state),
            to_state=state_label(e.to_state),
            reason=e.reason,
            subject=subjects.get(
                (e.object_type, e.object_id),
                ObjectRef(f"{e.object_type} #{e.object_id}"),
            ),
            street=street_names.get(e.street_id) if many_streets else None,
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
