"""Import volunteers from CSV or XLSX, with a preview; activation links by SMS."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_imports(app: Flask) -> None:
    """Register the import and activation pages, their messages and audit words."""
    from hub.audit_log.labels import register_action_labels
    from hub.imports.routes import activation, upload
    from hub.notifications.messages import register_kind

    app.register_blueprint(upload.bp)
    app.register_blueprint(activation.bp)
    register_kind(
        "account_imported",
        _l(
            "%(community)s has registered you as a volunteer on Shanzhi Hub. "
            "Set your password within 14 days: %(link)s"
        ),
    )
    register_action_labels(
        {
            "volunteers.import": _l("Volunteers imported"),
            "account.activate": _l("Account activated"),
        }
    )
