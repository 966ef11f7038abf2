"""Volunteer profiles: onboarding after registering, editable from "Me"."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_profiles(app: Flask) -> None:
    """Register the profile pages, their policy and audit words."""
    from hub.audit_log.labels import register_action_labels
    from hub.profiles import policy
    from hub.profiles.routes import bp
    from hub.web.templating import POLICIES

    app.register_blueprint(bp)
    POLICIES.update(policy.POLICIES)
    register_action_labels(
        {
            "profile.create": _l("Volunteer profile created"),
            "profile.update": _l("Volunteer profile changed"),
        }
    )
