"""Privacy (PIPL): consent by notice version, download my data, delete my account,
full phone numbers revealed on request and audited."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def _people(ids: set[int]) -> dict:
    """Street log subjects of type "user" (whose number was shown): their names."""
    from sqlalchemy import select

    from hub.audit_log.routes import ObjectRef
    from hub.extensions import db
    from hub.models import User

    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {user_id: ObjectRef(name) for user_id, name in rows}


def init_privacy(app: Flask) -> None:
    """Register the pages, the consent check on every request, and log labels."""
    from flask_login import user_logged_in

    from hub.audit_log.labels import register_action_labels
    from hub.audit_log.routes import OBJECT_LOADERS
    from hub.privacy.consent import note_consent_at_login, require_current_consent
    from hub.privacy.routes import bp

    app.register_blueprint(bp)
    app.before_request(require_current_consent)
    user_logged_in.connect(note_consent_at_login, app)
    OBJECT_LOADERS.setdefault("user", _people)
    register_action_labels(
        {
            "consent.give": _l("Agreed to the privacy notice"),
            "account.data_download": _l("Downloaded their data"),
            "account.delete": _l("Account deleted"),
            "phone.reveal": _l("Full phone number shown"),
        }
    )
