"""Open data: where purchase money went, for people and for machines (OCDS)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import lazy_gettext as _l

from hub.categories import SERVICE_CATEGORY_LABELS
from hub.exports.writers import CSV_TYPE, csv_chunks
from hub.opendata import listing, ocds
from hub.projects.labels import conclusion_label
from hub.web.access import public
from hub.web.downloads import attachment

bp = Blueprint("opendata", __name__)


@bp.route("/open-data")
@public
def index():
    """Purchased-service projects: organization, amount, period, hours, result."""
    page = max(1, request.args.get("page", 1, type=int))
    total = listing.count_projects()
    return render_template(
        "opendata/index.html",
        lines=listing.page_of(page),
        total=total,
        page=page,
        pages=max(1, -(-total // listing.PER_PAGE)),
    )


@bp.route("/open-data/ocds/release-package.json")
@public
def release_package():
    """A page of purchased-service processes as an OCDS 1.1 release package, in
    tender order; ``links.next`` is the next page (``?after=<last tender id>``)."""
    after = max(0, request.args.get("after", 0, type=int))
    package = ocds.package_page(
        uri=url_for("opendata.release_package", after=after or None, _external=True),
        next_uri=lambda last: url_for(
            "opendata.release_package", after=last, _external=True
        ),
        publisher=current_app.config["OCDS_PUBLISHER"],
        prefix=current_app.config["OCDS_OCID_PREFIX"],
        after=after,
    )
    return _open(
        Response(
            json.dumps(package, ensure_ascii=False, separators=(",", ":")),
            mimetype="application/json",
        )
    )


@bp.route("/open-data/ocds/release-package-all.json")
@public
def release_package_all():
    """Every purchased-service process in one OCDS 1.1 release package (streamed):
    the bulk download, tens of megabytes for a whole city."""
    chunks = ocds.package_chunks(
        uri=url_for("opendata.release_package_all", _external=True),
        publisher=current_app.config["OCDS_PUBLISHER"],
        prefix=current_app.config["OCDS_OCID_PREFIX"],
    )
    return _open(Response(stream_with_context(chunks), mimetype="application/json"))


def _open(response: Response) -> Response:
    """Open data: cached for five minutes by proxies, readable from any site."""
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _csv_rows() -> Iterator[list[Any]]:
    for line in listing.all_lines():
        p = line.project
        yield [
            p.title,
            p.organization.name,
            p.street.name,
            p.community.name,
            str(SERVICE_CATEGORY_LABELS.get(p.category, p.category)),
            "" if p.amount_fen is None else f"{p.amount_fen / 100:.2f}",
            p.period_start,
            p.period_end,
            f"{line.minutes / 60:.2f}",
            conclusion_label(line.conclusion) if line.conclusion else "",
            url_for("projects.show", project_id=p.id, _external=True),
        ]


CSV_HEADER = (
    _l("Project"),
    _l("Organization"),
    _l("Street"),
    _l("Community"),
    _l("Service category"),
    _l("Contract amount (yuan)"),
    _l("Period start"),
    _l("Period end"),
    _l("Confirmed volunteer hours"),
    _l("Evaluation result"),
    _l("Link"),
)


@bp.route("/open-data/projects.csv")
@public
def projects_csv():
    """The same list as CSV (UTF-8 with BOM, so Excel shows Chinese)."""
    # The one CSV writer: titles and names typed by people are defused, so a
    # title beginning "=HYPERLINK(" stays text in Excel.
    chunks = csv_chunks(CSV_HEADER, _csv_rows())
    response = Response(stream_with_context(chunks), mimetype=CSV_TYPE)
    response.headers["Content-Disposition"] = attachment(
        "purchased-services.csv", "purchased-services.csv"
    )
    return response
