"""Export pages: the list of exports, and each list streamed as CSV or XLSX."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user
from sqlalchemy import select

from hub import audit
from hub.exports.lists import EXPORTS, ExportList
from hub.exports.writers import (
    CSV_TYPE,
    XLSX_TYPE,
    csv_chunks,
    xlsx_chunks,
)
from hub.extensions import db
from hub.localtime import zone
from hub.models import Street
from hub.models.base import utcnow
from hub.organizations.policy import reviewed_street_ids
from hub.permissions import Permission
from hub.web.access import requires
from hub.web.downloads import attachment

bp = Blueprint("exports", __name__, url_prefix="/reports/exports")

FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def _my_streets() -> list[Street]:
    """The reviewer's streets; not a reviewer: 403."""
    ids = reviewed_street_ids(current_user)
    if not ids:
        abort(403)
    return list(
        db.session.scalars(
            select(Street).where(Street.id.in_(ids)).order_by(Street.name)
        )
    )


def _chosen(streets: list[Street]) -> list[Street]:
    """``?street=<id>`` narrows to one of my streets; another street's id is a 404."""
    raw = request.args.get("street")
    if not raw:
        return streets
    chosen = [s for s in streets if raw.isdigit() and s.id == int(raw)]
    if not chosen:
        abort(404)
    return chosen


@bp.route("")
@requires(Permission.REPORTS_VIEW)
def index():
    """Every list of my streets, to download as CSV or Excel."""
    streets = _my_streets()
    chosen = _chosen(streets)
    street_arg = chosen[0].id if len(chosen) == 1 and len(streets) > 1 else None
    return render_template(
        "exports/index.html",
        exports=list(EXPORTS.values()),
        streets=streets,
        chosen=chosen,
        street_arg=street_arg,
    )


def _filename(spec: ExportList, streets: list[Street], fmt: str, tz: ZoneInfo) -> str:
    today = utcnow().astimezone(tz).date().isoformat()
    place = f"-{streets[0].name}" if len(streets) == 1 else ""
    return f"{spec.title}{place}-{today}.{fmt}"


def _fallback(spec: ExportList, streets: list[Street], fmt: str, tz: ZoneInfo) -> str:
    today = utcnow().astimezone(tz).date().isoformat()
    place = f"-{streets[0].code}" if len(streets) == 1 else ""
    return f"{spec.kind}{place}-{today}.{fmt}"


@bp.route("/<string:kind>.<string:fmt>")
@requires(Permission.REPORTS_VIEW)
def download(kind: str, fmt: str):
    """One list of my streets (or ``?street=``), streamed; every export is audited."""
    spec = EXPORTS.get(kind)
    if spec is None or fmt not in FORMATS:
        abort(404)
    streets = _chosen(_my_streets())
    state = request.args.get("state") or None
    if state is not None and state not in spec.states:
        abort(404)
    for street in streets:
        audit.record(
            current_user,
            street,
            "export",
            street_id=street.id,
            data={"list": kind, "format": fmt, "state": state},
        )
    db.session.commit()  # the audit entries stand even if the download is cut off

    tz = zone()
    header = [str(column) for column in spec.columns]
    rows = spec.rows([s.id for s in streets], state)
    if fmt == "csv":
        body = csv_chunks(header, rows, tz=tz)
    else:
        body = xlsx_chunks(header, rows, title=str(spec.title), tz=tz)
    response = Response(stream_with_context(body), content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = attachment(
        _filename(spec, streets, fmt, tz), _fallback(spec, streets, fmt, tz)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
