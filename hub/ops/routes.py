"""The operator's pages: Prometheus metrics for the monitoring network."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from hub.extensions import limiter
from hub.ops.metrics import is_allowed, registry_for_scrape
from hub.web.access import public

bp = Blueprint("ops", __name__)


@bp.route("/metrics")
@public
@limiter.exempt
def metrics() -> Response:
    """Prometheus text format, for allowed addresses only (others: 404)."""
    if not is_allowed(request.remote_addr):
        abort(404)
    return Response(
        generate_latest(registry_for_scrape()), content_type=CONTENT_TYPE_LATEST
    )
