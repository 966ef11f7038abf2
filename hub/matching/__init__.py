"""Explainable matching of volunteers and shifts, in both directions.

``scoring`` is pure (no Flask, no database); ``queries`` picks a bounded candidate
set in SQL; ``services`` joins them and handles invitations.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

#: Invitation states in words (the pages and the audit log).
INVITATION_STATE_LABELS = {
    "pending": _p("invitation state", "Waiting for an answer"),
    "accepted": _p("invitation state", "Accepted"),
    "declined": _p("invitation state", "Declined"),
    "expired": _p("invitation state", "Expired"),
}

#: The chip beside an invitation's state (the word goes with it).
INVITATION_STATE_CHIPS = {
    "pending": "chip chip-wait",
    "accepted": "chip chip-ok",
    "declined": "chip chip-wait",
    "expired": "chip chip-wait",
}


def invitation_state_chip(value: str) -> str:
    return INVITATION_STATE_CHIPS.get(value, "chip chip-wait")


def invitation_state_label(value: str) -> str:
    """An invitation's state in the reader's language."""
    label = INVITATION_STATE_LABELS.get(value)
    return str(label) if label is not None else value


def init_matching(app: Flask) -> None:
    """Register the candidates and invitation pages, their words and policies."""
    from hub.audit_log.labels import register_action_labels, register_state_labels
    from hub.matching import policy
    from hub.matching.labels import mask_name
    from hub.matching.routes import bp
    from hub.notifications.messages import register_kind
    from hub.web.templating import POLICIES

    app.register_blueprint(bp)
    POLICIES.update(policy.POLICIES)
    app.jinja_env.globals["invitation_state_label"] = invitation_state_label
    app.jinja_env.globals["invitation_state_chip"] = invitation_state_chip
    app.jinja_env.filters["mask_name"] = mask_name
    register_state_labels("invitation", INVITATION_STATE_LABELS)
    register_action_labels(
        {
            "invitation.create": _l("Invited to a shift"),
            "invitation.accepted": _l("Shift invitation accepted"),
            "invitation.declined": _l("Shift invitation declined"),
            "invitation.expired": _l("Shift invitation expired"),
        }
    )
    register_kind(
        "shift_invitation",
        _l("You are invited to %(project)s, %(when)s. Please accept or decline."),
    )
