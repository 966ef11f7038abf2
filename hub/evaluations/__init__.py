"""Residents' and volunteers' evaluation of projects (社会评议), and scorecards."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_evaluations(app: Flask) -> None:
    """Register evaluation pages, their words, notifications and policies."""
    from hub.audit_log.labels import register_action_labels
    from hub.evaluations import labels, policy
    from hub.evaluations.routes import bp
    from hub.notifications.messages import register_kind
    from hub.web.templating import POLICIES

    POLICIES.update(policy.POLICIES)
    app.jinja_env.globals.update(
        criterion_label=labels.criterion_label,
        basis_label=labels.basis_label,
    )
    register_action_labels(
        {
            "evaluation.open": _l("Evaluation opened"),
            "rating.give": _l("Rating given"),
            "rating.change": _l("Rating changed"),
            "rating.hide_comment": _l("Comment hidden"),
            "residence.confirm": _l("Residence confirmed"),
            "residence.withdraw": _l("Residence confirmation withdrawn"),
        }
    )
    register_kind(
        "evaluation_open",
        _l("Please rate %(project)s: how did it go? Your rating helps the street."),
    )
    app.register_blueprint(bp)
