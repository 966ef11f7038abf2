"""Reviewer pages: queue oldest first, one filing with its history, decisions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hub import audit
from hub.extensions import db
from hub.models import Organization
from hub.models.organizations import FilingState, Stage, TransitionNotAllowed
from hub.organizations import forms, policy, services
from hub.organizations.labels import missing_label
from hub.permissions import Permission
from hub.projects.queue import approval_queue
from hub.web.access import requires
from hub.web.confirm import ask_first
from hub.web.htmx import see_other

bp = Blueprint("review", __name__, url_prefix="/review")


def _reviewable(org_id: int) -> Organization:
    """The organization if it belongs to a street this reviewer reviews; else 404."""
    org = db.get_or_404(Organization, org_id)
    if not policy.can_review(current_user, org):
        abort(404)  # another street's filing: do not even confirm it exists
    return org


@bp.route("/filings")
@requires(Permission.FILINGS_REVIEW)
def queue():
    """Submitted filings of my streets, oldest first, with working days waiting."""
    street_ids = policy.reviewed_street_ids(current_user)
    items = services.review_queue(street_ids)
    waiting_on_applicants = db.session.scalars(
        select(Organization)
        .where(
            Organization.street_id.in_(street_ids),
            Organization.filing_state == FilingState.CHANGES_REQUESTED,
        )
        .order_by(Organization.decided_at)
    ).all()
    return render_template(
        "review/queue.html",
        items=items,
        waiting=waiting_on_applicants,
        waiting_projects=approval_queue(street_ids),
        due=services.REVIEW_DUE_WORKING_DAYS,
    )


@bp.route("/organizations")
@requires(Permission.FILINGS_REVIEW)
def organizations():
    """Approved organizations of my streets, by incubation stage."""
    street_ids = policy.reviewed_street_ids(current_user)
    orgs = db.session.scalars(
        select(Organization)
        .where(
            Organization.street_id.in_(street_ids),
            Organization.filing_state == FilingState.APPROVED,
        )
        .options(selectinload(Organization.street))
        .order_by(Organization.filing_number)
    ).all()
    return render_template("review/organizations.html", orgs=orgs)


def _render_filing(org: Organization, status: int = 200, **forms_):  # noqa: ANN003, ANN202
    context = {
        "org": org,
        "history": audit.history(org),
        "missing": [missing_label(m) for m in services.missing_items(org)],
        "comment_form": forms_.get("comment_form") or forms.CommentForm(),
        "reason_form": forms_.get("reason_form") or forms.ReasonForm(),
        "stage_form": forms_.get("stage_form") or forms.StageForm(),
        "form": forms.RoleForm(),
    }
    return render_template("review/filing.html", **context), status


@bp.route("/filings/<int:org_id>")
@requires(Permission.FILINGS_REVIEW)
def filing(org_id: int):
    """Every field and document of one filing, its history, and the decisions."""
    return _render_filing(_reviewable(org_id))


def _already(org: Organization):  # noqa: ANN202
    flash(_("This filing was already decided, perhaps by another reviewer."), "warning")
    return see_other(url_for("review.filing", org_id=org.id))


@bp.route("/filings/<int:org_id>/approve", methods=["POST"])
@requires(Permission.FILINGS_REVIEW)
def approve(org_id: int):
    """Approve: issues the filing number and starts incubation."""
    org = _reviewable(org_id)
    asked = ask_first(
        _("Approve %(name)s and issue its filing number?", name=org.name),
        yes=_("Yes, approve"),
        no=_("Not now"),
        back=url_for("review.filing", org_id=org.id),
    )
    if asked:
        return asked
    try:
        number = services.approve_application(org, by=current_user)
    except (services.AlreadyDecided, TransitionNotAllowed):
        db.session.rollback()
        return _already(org)
    db.session.commit()
    flash(_("Approved. Filing number %(number)s.", number=number), "success")
    return see_other(url_for("review.queue"))


@bp.route("/filings/<int:org_id>/changes", methods=["POST"])
@requires(Permission.FILINGS_REVIEW)
def request_changes(org_id: int):
    """Send the filing back with what to change."""
    org = _reviewable(org_id)
    form = forms.CommentForm()
    if not form.validate_on_submit():
        return _render_filing(org, 422, comment_form=form)
    try:
        services.request_changes(
            org, by=current_user, comment=form.comment.data.strip()
        )
    except (services.AlreadyDecided, TransitionNotAllowed):
        db.session.rollback()
        return _already(org)
    db.session.commit()
    flash(_("Sent back to the applicant with your comment."), "success")
    return see_other(url_for("review.queue"))


@bp.route("/filings/<int:org_id>/reject", methods=["POST"])
@requires(Permission.FILINGS_REVIEW)
def reject(org_id: int):
    """Reject the filing, with a reason."""
    org = _reviewable(org_id)
    form = forms.ReasonForm()
    if not form.validate_on_submit():
        return _render_filing(org, 422, reason_form=form)
    try:
        services.reject_application(
            org, by=current_user, reason=form.reason.data.strip()
        )
    except (services.AlreadyDecided, TransitionNotAllowed):
        db.session.rollback()
        return _already(org)
    db.session.commit()
    flash(_("Rejected. The applicant has been told why."), "success")
    return see_other(url_for("review.queue"))


@bp.route("/organizations/<int:org_id>/stage", methods=["POST"])
@requires(Permission.FILINGS_REVIEW)
def change_stage(org_id: int):
    """Graduate an organization, or record its exit or revocation with a reason."""
    org = _reviewable(org_id)
    form = forms.StageForm()
    if form.validate_on_submit():
        reason = (form.reason.data or "").strip() or None
        try:
            services.change_stage(
                org, Stage(form.stage.data), by=current_user, reason=reason
            )
        except services.IncompleteApplication:
            form.reason.errors.append(_("Give the reason for this step."))
        except TransitionNotAllowed:
            form.stage.errors.append(
                _("This step is not possible from the current stage.")
            )
        else:
            db.session.commit()
            flash(_("Stage changed."), "success")
            return see_other(url_for("review.filing", org_id=org.id))
    db.session.rollback()
    return _render_filing(org, 422, stage_form=form)
