"""Privacy (PIPL): consent by notice version, download my data, delete my account,
full phone numbers revealed on request and audited."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_privacy(app: Flask) -> None:
    """Register the pages, the consent check on every request, and log labels."""
    from flask_login import user_logged_in

    from hub.audit_log.labels import register_action_labels
    from hub.privacy.consent import note_consent_at_login, require_current_consent
    from hub.privacy.routes import bp

    app.register_blueprint(bp)
    app.before_request(require_current_consent)
    user_logged_in.connect(note_consent_at_login, app)
    register_action_labels(
        {
            "consent.give": _l("Agreed to the privacy notice"),
            "account.data_download": _l("Downloaded their data"),
            "account.delete": _l("Account deleted"),
            "phone.reveal": _l("Full phone number shown"),
        }
    )
