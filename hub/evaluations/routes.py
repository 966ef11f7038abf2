"""Evaluation pages: rate a project, the published result, the street's controls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from hub.evaluations import forms, policy, residents, results, services
from hub.extensions import db, limiter
from hub.models import Project, VolunteerProfile
from hub.models.base import utcnow
from hub.models.evaluations import Rating
from hub.models.organizations import TransitionNotAllowed
from hub.permissions import Permission
from hub.projects.forms import ReasonForm
from hub.projects.policy import (
    can_approve_project,
    can_view_project,
    community_social_worker_ids,
)
from hub.web.access import public, requires
from hub.web.htmx import is_htmx, see_other

bp = Blueprint("evaluations", __name__)

RESIDENTS_PER_PAGE = 50
#: Ratings (given or changed) one person may send: plenty for real use.
RATING_LIMIT = "30 per hour"


def _visible(project_id: int) -> Project:
    project = db.get_or_404(Project, project_id)
    if not can_view_project(current_user, project):
        abort(404)
    return project


def _project_page(project: Project, status: int = 200, form: Any = None):  # noqa: ANN202
    window = project.evaluation_window
    user = current_user if current_user.is_authenticated else None
    basis = services.eligibility(user, project) if window else None
    mine = services.rating_of(user, project) if basis else None
    if form is None and basis:
        form = forms.RatingForm(obj=mine)
    can_see = policy.can_see_result(current_user, project)
    result = None
    if can_see:
        result = results.project_result(
            project, with_hidden=can_approve_project(current_user, project)
        )
    template = "evaluations/_rating.html" if is_htmx() else "evaluations/project.html"
    return render_template(
        template,
        project=project,
        window=window,
        basis=basis,
        mine=mine,
        form=form,
        result=result,
        weights=results.WEIGHTS,
        hide_form=forms.HideCommentForm(),
        fragment=is_htmx(),
    ), status


@bp.route("/projects/<int:project_id>/evaluation")
@public
def project(project_id: int):
    """The evaluation of a project: the rating form while open, then the result."""
    project = _visible(project_id)
    if project.evaluation_window is None:
        abort(404)
    return _project_page(project)


def _rater_key() -> str:
    return f"rate:{current_user.id if current_user.is_authenticated else ''}"


@bp.route("/projects/<int:project_id>/evaluation", methods=["POST"])
@requires(Permission.EVALUATIONS_RATE)
@limiter.limit(RATING_LIMIT, key_func=_rater_key)
def rate(project_id: int):
    """Give or change one's rating while the window is open."""
    project = _visible(project_id)
    if project.evaluation_window is None:
        abort(404)
    form = forms.RatingForm()
    if not form.validate_on_submit():
        return _project_page(project, 422, form)
    try:
        services.rate_project(
            project,
            user=current_user,
            satisfaction=form.satisfaction.data,
            quality=form.quality.data,
            responsiveness=form.responsiveness.data,
            comment=form.comment.data or "",
        )
    except services.WindowNotOpen:
        db.session.rollback()
        flash(_("This evaluation is not open; ratings are no longer taken."), "warning")
        return _project_page(project, 409, form)
    except services.NotEligible:
        db.session.rollback()
        abort(403)
    db.session.commit()
    flash(_("Thank you. You can change your rating until it closes."), "success")
    if is_htmx():
        return _project_page(project)
    return see_other(url_for("evaluations.project", project_id=project.id))


@bp.route("/evaluations")
@requires(Permission.EVALUATIONS_RATE)
def mine():
    """Evaluations open now that I may take part in."""
    return render_template(
        "evaluations/mine.html", items=services.open_for(current_user)
    )


# The street's side ------------------------------------------------------------


def _reviewable(project_id: int) -> Project:
    project = db.get_or_404(Project, project_id)
    if not can_approve_project(current_user, project):
        abort(404)
    return project


@bp.route("/review/projects/<int:project_id>/evaluation", methods=["GET", "POST"])
@requires(Permission.PROJECTS_APPROVE)
def open_window(project_id: int):
    """Open the evaluation window of a completed project."""
    project = _reviewable(project_id)
    form = forms.WindowForm()
    if request.method == "GET" and not form.is_submitted():
        now = utcnow().replace(second=0, microsecond=0)
        form.opens_at.data = now
        form.closes_at.data = now + timedelta(days=14)
    status = 200
    if form.validate_on_submit():
        try:
            services.open_window(
                project,
                by=current_user,
                opens_at=form.opens_at.data,
                closes_at=form.closes_at.data,
            )
        except TransitionNotAllowed:
            db.session.rollback()
            flash(_("Only a completed project can be evaluated."), "warning")
        except services.WindowAlreadyOpened:
            db.session.rollback()
            flash(_("This project's evaluation is already open."), "warning")
        except services.BadWindow:
            db.session.rollback()
            form.closes_at.errors = [_("The close must be in the future.")]
            status = 422
        else:
            db.session.commit()
            flash(_("Evaluation opened. Volunteers who served were told."), "success")
            return see_other(url_for("evaluations.project", project_id=project.id))
    elif form.is_submitted():
        status = 422
    return render_template("evaluations/open.html", project=project, form=form), status


@bp.route("/review/ratings/<int:rating_id>/hide", methods=["POST"])
@requires(Permission.PROJECTS_APPROVE)
def hide(rating_id: int):
    """Hide an abusive comment with a reason; the rating still counts."""
    rating = db.get_or_404(Rating, rating_id)
    if not policy.can_hide_comment(current_user, rating):
        abort(404)
    form = forms.HideCommentForm()
    if not form.validate_on_submit():
        flash(form.reason.errors[0], "error")
        return see_other(
            url_for("evaluations.project", project_id=rating.project_id)
            + f"#rating-{rating.id}"
        )
    services.hide_comment(rating, by=current_user, reason=form.reason.data)
    db.session.commit()
    flash(_("The comment is hidden from the public."), "success")
    return see_other(url_for("evaluations.project", project_id=rating.project_id))


# Social workers confirm residents ---------------------------------------------


@bp.route("/community/residents")
@requires(Permission.PROJECTS_COORDINATE)
def residents_list():
    """People who gave my community as home: confirm they live there."""
    communities = community_social_worker_ids(current_user)
    confirmed = request.args.get("show") == "confirmed"
    page = max(1, request.args.get("page", 1, type=int))
    query = residents.residents_query(communities, confirmed=confirmed)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.limit(RESIDENTS_PER_PAGE).offset((page - 1) * RESIDENTS_PER_PAGE)
    ).all()
    return render_template(
        "evaluations/residents.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // RESIDENTS_PER_PAGE)),
        confirmed=confirmed,
        form=ReasonForm(),
    )


def _resident(user_id: int) -> VolunteerProfile:
    profile = db.get_or_404(VolunteerProfile, user_id)
    if not policy.can_confirm_residence(current_user, profile):
        abort(404)
    return profile


@bp.route("/community/residents/<int:user_id>/confirm", methods=["POST"])
@requires(Permission.PROJECTS_COORDINATE)
def confirm_resident(user_id: int):
    """Confirm this person lives in the community."""
    profile = _resident(user_id)
    residents.confirm_residence(profile, by=current_user)
    db.session.commit()
    flash(_("Confirmed as a resident: %(name)s", name=profile.user.name), "success")
    return see_other(url_for("evaluations.residents_list"))


@bp.route("/community/residents/<int:user_id>/withdraw", methods=["POST"])
@requires(Permission.PROJECTS_COORDINATE)
def withdraw_resident(user_id: int):
    """Take back a residence confirmation, with a reason."""
    profile = _resident(user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say why the confirmation is withdrawn."), "error")
    else:
        residents.withdraw_residence(profile, by=current_user, reason=form.reason.data)
        db.session.commit()
        flash(_("Confirmation withdrawn: %(name)s", name=profile.user.name), "success")
    return see_other(url_for("evaluations.residents_list", show="confirmed"))
