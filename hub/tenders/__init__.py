"""Purchased-service tenders (政府购买服务): publish, propose, compare, award."""

from __future__ import annotations

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


def init_tenders(app: Flask) -> None:
    """Register tender pages, their words, notifications and audit-log names."""
    from hub.audit_log.labels import register_action_labels
    from hub.notifications.messages import register_kind
    from hub.tenders import labels
    from hub.tenders.routes import public, review  # noqa: F401 - review adds routes

    app.register_blueprint(public.bp)
    app.jinja_env.filters["shanghai_datetime"] = labels.shanghai_datetime
    app.jinja_env.globals["tender_state_chip"] = tender_state_chip
    register_action_labels({"proposal.decide": _l("Proposal decided")})
    register_kind(
        "tender_cancelled",
        _l("The street cancelled the purchase need %(tender)s: %(reason)s"),
    )
