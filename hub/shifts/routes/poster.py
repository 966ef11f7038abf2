"""A printable A4 poster for a recruiting project, with a QR code to sign up."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _

from hub.extensions import db
from hub.models import Project
from hub.models.projects import ProjectState
from hub.shifts.queries import upcoming_shifts
from hub.web.access import public
from hub.web.qr import qr_svg

bp = Blueprint("poster", __name__)

#: How many of the next shifts the poster lists.
POSTER_SHIFTS = 5


@bp.route("/projects/<int:project_id>/poster")
@public
def show(project_id: int):
    """The poster to print and put up in the community; recruiting projects only."""
    project = db.get_or_404(Project, project_id)
    if project.state != ProjectState.RECRUITING:
        abort(404)
    url = url_for("projects.show", project_id=project.id, _external=True)
    return render_template(
        "shifts/poster.html",
        project=project,
        url=url,
        qr=qr_svg(url, _("QR code to the project page: %(url)s", url=url)),
        shifts=upcoming_shifts(project, limit=POSTER_SHIFTS),
    )
