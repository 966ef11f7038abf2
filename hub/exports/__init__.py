"""Exports: every list a street reviewer sees, as CSV or XLSX, streamed."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_exports(app: Flask) -> None:
    """Register the export pages and the words of their audit entries."""
    from hub.audit_log.labels import register_action_labels, register_detail_writer
    from hub.exports.lists import export_detail
    from hub.exports.routes import bp

    app.register_blueprint(bp)
    register_action_labels({"export": _l("List exported")})
    register_detail_writer("export", export_detail)
