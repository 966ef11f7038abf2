"""Open data: purchased-service projects for the public, and as OCDS 1.1."""

from __future__ import annotations

from flask import Flask


def init_opendata(app: Flask) -> None:
    """Register the open-data pages."""
    from hub.opendata.routes import bp

    app.register_blueprint(bp)
