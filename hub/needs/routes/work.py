"""Need pages for those who handle them: triage, the organization's list, review."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from hub.categories import SERVICE_CATEGORY_LABELS, ServiceCategory
from hub.extensions import db
from hub.models import Organization, Project, ServiceNeed
from hub.models.needs import NeedState
from hub.models.organizations import TransitionNotAllowed
from hub.models.projects import Funding
from hub.needs import forms, policy, queries, services
from hub.needs.routes.resident import (
    after_change,
    assign_choices,
    bp,
    load_need,
    need_page,
    refused,
)
from hub.organizations.policy import is_staff, reviewed_street_ids
from hub.permissions import Permission
from hub.projects.forms import ProjectForm
from hub.projects.policy import community_social_worker_ids
from hub.projects.services import NotAllowedForOrganization
from hub.web.access import requires
from hub.web.htmx import see_other
from hub.web.state_tabs import chosen_state, counts_by_state

# The community's social worker -----------------------------------------------------


@bp.route("/coordination/needs")
@requires(Permission.NEEDS_TRIAGE)
def triage_queue():
    """My communities' open needs, oldest first, and those being handled."""
    community_ids = community_social_worker_ids(current_user)
    handled = []
    if community_ids:
        handled = queries.needs_where(
            ServiceNeed.community_id.in_(community_ids),
            ServiceNeed.state.in_((NeedState.TRIAGED, NeedState.IN_PROGRESS)),
        )
    return render_template(
        "needs/queue.html",
        items=queries.triage_queue(community_ids),
        handled=handled,
        due=queries.TRIAGE_DUE_DAYS,
    )


@bp.route("/needs/<int:need_id>/assign", methods=["POST"])
@requires(Permission.NEEDS_TRIAGE)
def assign(need_id: int):
    """Pass an open need to an organization serving the community, or a project."""
    need = load_need(need_id, policy.can_triage_need)
    form = forms.AssignForm()
    form.target.choices = assign_choices(need)  # the same list the page offered
    if not form.validate_on_submit():
        return need_page(need, 422, assign_form=form)
    kind, _sep, raw_id = form.target.data.partition(":")
    target_id = int(raw_id)
    try:
        if kind == "project":
            project = db.session.get(Project, target_id)
            services.assign_need(
                need, by=current_user, project=project, note=form.note.data
            )
        else:
            org = db.session.get(Organization, target_id)
            services.assign_need(
                need, by=current_user, organization=org, note=form.note.data
            )
    except (services.NotServingHere, services.ProjectNotHere):
        db.session.rollback()
        form.target.errors = [_("Choose one of the organizations or projects listed.")]
        return need_page(db.session.get(ServiceNeed, need_id), 422, assign_form=form)
    except TransitionNotAllowed:
        return refused(need)
    db.session.commit()
    flash(_("Passed on. The resident and the organization have been told."), "success")
    return after_change(need)


@bp.route("/needs/<int:need_id>/decline", methods=["POST"])
@requires(Permission.NEEDS_TRIAGE)
def decline(need_id: int):
    """Decline an open need with the reason the resident will read."""
    need = load_need(need_id, policy.can_triage_need)
    form = forms.DeclineForm()
    if not form.validate_on_submit():
        return need_page(need, 422, decline_form=form)
    try:
        services.decline_need(need, by=current_user, reason=form.reason.data)
    except TransitionNotAllowed:
        return refused(need)
    db.session.commit()
    flash(_("Declined. The resident has been told why."), "success")
    return after_change(need)


def _may_close(user, need: ServiceNeed) -> bool:  # noqa: ANN001
    return policy.can_triage_need(user, need) or policy.can_work_need(user, need)


@bp.route("/needs/<int:need_id>/resolve", methods=["POST"])
@requires(Permission.NEEDS_WORK)
def resolve(need_id: int):
    """Close an assigned need with what was done: its organization or social worker."""
    need = load_need(need_id, _may_close)
    form = forms.ResolveForm()
    if not form.validate_on_submit():
        return need_page(need, 422, resolve_form=form)
    try:
        services.resolve_need(need, by=current_user, note=form.note.data)
    except TransitionNotAllowed:
        return refused(need)
    db.session.commit()
    flash(_("Marked as resolved. The resident has been told."), "success")
    return after_change(need)


# The assigned organization ---------------------------------------------------------


@bp.route("/organizations/<int:org_id>/needs")
@requires(Permission.NEEDS_WORK)
def organization_needs(org_id: int):
    """Needs assigned to us: new ones to take on, those in progress, recent ones."""
    org = db.get_or_404(Organization, org_id)
    if not is_staff(current_user, org):
        abort(403)
    ours = ServiceNeed.organization_id == org.id
    return render_template(
        "needs/organization.html",
        org=org,
        new=queries.needs_where(
            ours, ServiceNeed.state == NeedState.TRIAGED, newest_first=False
        ),
        working=queries.needs_where(ours, ServiceNeed.state == NeedState.IN_PROGRESS),
        done=queries.needs_where(
            ours, ServiceNeed.state == NeedState.RESOLVED, limit=20
        ),
    )


@bp.route("/needs/<int:need_id>/accept", methods=["POST"])
@requires(Permission.NEEDS_WORK)
def accept(need_id: int):
    """The assigned organization takes the need on."""
    need = load_need(need_id, policy.can_work_need)
    try:
        services.start_need(need, by=current_user)
    except TransitionNotAllowed:
        return refused(need)
    db.session.commit()
    flash(_("Taken on. The resident has been told."), "success")
    return after_change(need)


@bp.route("/needs/<int:need_id>/hand-back", methods=["POST"])
@requires(Permission.NEEDS_WORK)
def hand_back(need_id: int):
    """We cannot take it on: back to the community's social workers, with why."""
    need = load_need(need_id, policy.can_work_need)
    org_id = need.organization_id
    form = forms.HandBackForm()
    if not form.validate_on_submit():
        return need_page(need, 422, hand_back_form=form)
    try:
        services.hand_back_need(need, by=current_user, reason=form.reason.data)
    except TransitionNotAllowed:
        return refused(need)
    db.session.commit()
    flash(_("Handed back to the social workers."), "success")
    return see_other(url_for("needs.organization_needs", org_id=org_id))


def _project_title(need: ServiceNeed) -> str:
    label = SERVICE_CATEGORY_LABELS[ServiceCategory(need.category)]
    return f"{label} · {need.place_names[-1]}"[:120]


@bp.route("/needs/<int:need_id>/project", methods=["GET", "POST"])
@requires(Permission.NEEDS_WORK)
def to_project(need_id: int):
    """Start a project from the need (the usual project form, filled in)."""
    need = load_need(need_id, policy.can_work_need)
    back = url_for("needs.show", need_id=need.id)
    if need.project_id is not None:
        flash(_("This need already has a project."), "warning")
        return see_other(back)
    if need.state not in (NeedState.TRIAGED, NeedState.IN_PROGRESS):
        flash(_("This is no longer possible: the need has moved on."), "warning")
        return see_other(back)
    if not need.organization.may_propose:
        flash(_("Only approved organizations can run projects."), "warning")
        return see_other(back)
    form = ProjectForm()
    form.community_id.choices = [SelectChoice(need.community_id, need.community.name)]
    if request.method == "GET":
        form.title.data = _project_title(need)
        form.category.data = need.category
        form.community_id.data = need.community_id
        form.funding.data = Funding.SELF.value
        form.description.data = need.description
    if form.validate_on_submit():
        try:
            project = services.create_project_from_need(
                need,
                by=current_user,
                title=form.title.data,
                category=form.category.data,
                funding=Funding(form.funding.data),
                period_start=form.period_start.data,
                period_end=form.period_end.data,
                description=form.description.data or "",
                place=form.place.data or "",
                amount_fen=form.amount.data,
            )
        except (
            TransitionNotAllowed,
            services.AlreadyLinked,
            NotAllowedForOrganization,
        ):
            db.session.rollback()
            flash(_("This is no longer possible: the need has moved on."), "warning")
            return see_other(back)
        db.session.commit()
        flash(
            _(
                "Project saved as a draft and linked to the need. Next, ask a social "
                "worker to coordinate."
            ),
            "success",
        )
        return see_other(url_for("projects.manage", project_id=project.id))
    status = 422 if request.method == "POST" else 200
    return render_template("needs/project_form.html", form=form, need=need), status


# The street's reviewers -------------------------------------------------------------


@bp.route("/review/needs")
@requires(Permission.NEEDS_OVERSEE)
def review_list():
    """My streets' needs by state, to see what residents ask and how it is handled."""
    street_ids = reviewed_street_ids(current_user)
    wanted = chosen_state(NeedState, NeedState.OPEN)
    counts = counts_by_state(ServiceNeed.state, ServiceNeed.street_id.in_(street_ids))
    needs = queries.needs_where(
        ServiceNeed.street_id.in_(street_ids), ServiceNeed.state == wanted
    )
    return render_template(
        "needs/review_list.html",
        needs=needs,
        counts=counts,
        states=list(NeedState),
        wanted=wanted,
    )
