"""Reference routes for ``make bench``: a bare "hello" and a TechEmpower-style
"fortunes" page. Registered only when ``HUB_BENCH_ROUTES=1`` (never in production).

Both run through the whole stack the real pages use (session, login manager,
security headers, Flask-SQLAlchemy session, Jinja2 with autoescaping), so the
key pages' throughput can be compared with them measured in the same run.
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask, Response, current_app
from sqlalchemy import text

from hub.extensions import db
from hub.web.access import public

bp = Blueprint("bench", __name__, url_prefix="/bench")

#: As TechEmpower's fortunes: a table of (id, message) rows, escaped, sorted.
FORTUNES = """<!doctype html>
<html><head><title>Fortunes</title></head><body><table>
<tr><th>id</th><th>message</th></tr>
{% for id, message in fortunes %}<tr><td>{{ id }}</td><td>{{ message }}</td></tr>
{% endfor %}</table></body></html>"""


@bp.route("/hello")
@public
def hello() -> Response:
    """The framework's floor: no database, no template."""
    return Response("Hello, World!", mimetype="text/plain")


@bp.route("/fortunes")
@public
def fortunes() -> str:
    """One query of 12 rows, one row added in memory, sorted, rendered escaped."""
    rows = db.session.execute(
        text("SELECT id, name FROM streets ORDER BY id LIMIT 12")
    ).all()
    items = [(r[0], r[1]) for r in rows]
    items.append((0, "Additional fortune added at request time."))
    items.sort(key=lambda item: item[1])
    return _fortunes_template().render(fortunes=items)


def _fortunes_template():  # noqa: ANN202
    """Compiled once per process, as a template file would be."""
    env = current_app.jinja_env
    template = env.cache.get("bench:fortunes") if env.cache is not None else None
    if template is None:
        template = env.from_string(FORTUNES)
        if env.cache is not None:
            env.cache["bench:fortunes"] = template
    return template


def init_bench_routes(app: Flask) -> None:
    """Add /bench/hello and /bench/fortunes when HUB_BENCH_ROUTES=1 (or config)."""
    enabled = app.config.get("BENCH_ROUTES") or os.environ.get("HUB_BENCH_ROUTES")
    if str(enabled) in ("1", "True", "true"):
        app.register_blueprint(bp)
