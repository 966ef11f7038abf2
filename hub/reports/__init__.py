"""Street and community dashboards: figures, a chart, and the lists behind them."""

from __future__ import annotations

from flask import Flask


def init_reports(app: Flask) -> None:
    """Register the dashboards."""
    from hub.reports.routes import bp

    app.register_blueprint(bp)
