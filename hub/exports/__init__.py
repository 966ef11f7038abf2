"""Exports: every list a street reviewer sees, as CSV or XLSX, streamed."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

#: The file formats by the names people know them by.
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel"}


def export_detail(data: dict[str, Any]) -> str:
    """Which list went out, as what: 评议 · CSV / Evaluations · CSV (reader's words)."""
    from hub.exports.lists import EXPORTS

    spec = EXPORTS.get(data.get("list", ""))
    title = str(spec.title) if spec is not None else str(data.get("list", ""))
    fmt = str(data.get("format", ""))
    return f"{title} · {FORMAT_NAMES.get(fmt, fmt.upper())}"


def init_exports(app: Flask) -> None:
    """Register the export pages and the words of their audit entries."""
    from hub.audit_log.labels import register_action_labels, register_detail_writer
    from hub.exports.routes import bp

    app.register_blueprint(bp)
    register_action_labels({"export": _l("List exported")})
    register_detail_writer("export", export_detail)
