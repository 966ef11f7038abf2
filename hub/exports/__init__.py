"""Exports: every list a street reviewer sees, as CSV or XLSX, streamed."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def _street_refs(ids: set[int]) -> dict:
    """Names for audit entries about a street (exports are recorded on the street)."""
    from sqlalchemy import select

    from hub.audit_log.routes import ObjectRef
    from hub.extensions import db
    from hub.models import Street

    rows = db.session.execute(select(Street.id, Street.name).where(Street.id.in_(ids)))
    return {street_id: ObjectRef(name) for street_id, name in rows}


def init_exports(app: Flask) -> None:
    """Register the export pages and the words of their audit entries."""
    from hub.audit_log.labels import register_action_labels
    from hub.audit_log.routes import OBJECT_LOADERS
    from hub.exports.routes import bp

    app.register_blueprint(bp)
    register_action_labels({"export": _l("List exported")})
    OBJECT_LOADERS.setdefault("street", _street_refs)
