"""Purchased-service tenders (政府购买服务): publish, propose, compare, award."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

TENDER_STATE_CHIPS = {
    "open": "chip chip-ok",
    "awarded": "chip",
    "cancelled": "chip chip-danger",
}


def tender_state_chip(value: str) -> str:
    """The chip class for a tender state (the word goes with it, never colour alone)."""
    return TENDER_STATE_CHIPS.get(value, "chip")


def _audit_subjects(kind: str) -> Any:
    """Names and links of tenders or proposals for the street's audit log."""

    def load(ids: set[int]) -> dict[int, Any]:
        from flask import url_for
        from sqlalchemy import select

        from hub.audit_log.routes import ObjectRef
        from hub.extensions import db
        from hub.models import Organization, Proposal, Tender

        if kind == "tender":
            rows = db.session.execute(
                select(Tender.id, Tender.title, Tender.id).where(Tender.id.in_(ids))
            )
        else:
            rows = db.session.execute(
                select(
                    Proposal.id,
                    Organization.name + " · " + Tender.title,
                    Proposal.tender_id,
                )
                .join(Organization, Proposal.organization_id == Organization.id)
                .join(Tender, Proposal.tender_id == Tender.id)
                .where(Proposal.id.in_(ids))
            )
        return {
            object_id: ObjectRef(label, url_for("tenders.review", tender_id=tender_id))
            for object_id, label, tender_id in rows
        }

    return load


def init_tenders(app: Flask) -> None:
    """Register tender pages, their words, notifications and audit-log names."""
    from hub.audit_log.labels import register_action_labels, register_state_labels
    from hub.audit_log.routes import OBJECT_LOADERS
    from hub.notifications.messages import register_kind
    from hub.tenders import labels, review  # noqa: F401 - review adds its routes to bp
    from hub.tenders.routes import bp

    app.register_blueprint(bp)
    app.jinja_env.filters["shanghai_datetime"] = labels.shanghai_datetime
    app.jinja_env.globals["tender_state_chip"] = tender_state_chip
    register_state_labels(labels.AUDIT_STATE_LABELS)
    register_action_labels({"proposal.decide": _l("Proposal decided")})
    register_kind(
        "tender_cancelled",
        _l("The street cancelled the purchase need %(tender)s: %(reason)s"),
    )
    OBJECT_LOADERS.setdefault("tender", _audit_subjects("tender"))
    OBJECT_LOADERS.setdefault("proposal", _audit_subjects("proposal"))
