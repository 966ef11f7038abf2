"""Project pages: public page, the organization's management, coordination, review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from hub import audit, workflows
from hub.extensions import db
from hub.models import Community, Organization, Project, User
from hub.models.evaluations import Conclusion
from hub.models.organizations import TransitionNotAllowed
from hub.models.places import in_place_order
from hub.models.projects import (
    Funding,
    LinkState,
    ProjectNotLinked,
    ProjectNotStarted,
    ProjectState,
)
from hub.organizations.policy import is_staff, reviewed_street_ids
from hub.permissions import Permission
from hub.projects import forms, policy, services
from hub.projects.labels import not_started_message
from hub.shifts.queries import (
    PROJECT_PAGE_SHIFTS,
    my_signups_for,
    organizer_shifts,
    upcoming_query,
    upcoming_shifts,
)
from hub.web.access import public, requires
from hub.web.confirm import ask_first
from hub.web.htmx import see_other
from hub.web.state_tabs import chosen_state, counts_by_state

bp = Blueprint("projects", __name__)

#: Shifts per page of a project's "all upcoming shifts".
SHIFTS_PER_PAGE = 20


def _status(form: Any) -> int:
    return 422 if request.method == "POST" and form.errors else 200


def _load(project_id: int, check: Callable[[Any, Project], bool]) -> Project:
    """The project, 404 if missing or not to be seen, 403 if seen but not allowed."""
    project = db.get_or_404(Project, project_id)
    if not policy.can_view_project(current_user, project):
        abort(404)
    if not check(current_user, project):
        abort(403)
    return project


@bp.route("/projects/<int:project_id>")
@public
def show(project_id: int):
    """The public project page: what, where, who runs it, who coordinates, when."""
    project = db.get_or_404(
        Project,
        project_id,
        # What the page shows, in one query (the coordinator's roles are not).
        options=[
            joinedload(Project.organization),
            joinedload(Project.community),
            joinedload(Project.coordinator).lazyload(User.grants),
            joinedload(Project.meeting),
            joinedload(Project.evaluation_window),
        ],
    )
    if not policy.can_view_project(current_user, project):
        abort(404)
    # One more than shown tells whether "All upcoming shifts" is needed.
    upcoming = (
        upcoming_shifts(project, limit=PROJECT_PAGE_SHIFTS + 1)
        if project.is_recruiting
        else []
    )
    return render_template(
        "projects/show.html",
        project=project,
        shifts=upcoming,
        shown=PROJECT_PAGE_SHIFTS,
        mine_by_shift=my_signups_for(current_user, [s.id for s in upcoming]),
    )


@bp.route("/projects/<int:project_id>/shifts")
@public
def shifts(project_id: int):
    """Every upcoming shift of a recruiting project, a page at a time."""
    project = db.get_or_404(Project, project_id)
    if not policy.can_view_project(current_user, project):
        abort(404)
    total = 0
    if project.is_recruiting:
        total = db.session.scalar(
            upcoming_query(project).with_only_columns(func.count()).order_by(None)
        )
    pages = max(1, -(-total // SHIFTS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = (
        upcoming_shifts(
            project,
            limit=SHIFTS_PER_PAGE,
            offset=(page - 1) * SHIFTS_PER_PAGE,
        )
        if total
        else []
    )
    return render_template(
        "projects/shifts.html",
        project=project,
        shifts=shown,
        mine_by_shift=my_signups_for(current_user, [s.id for s in shown]),
        total=total,
        page=page,
        pages=pages,
    )


# The organization's side ------------------------------------------------------


def _staff_org(org_id: int) -> Organization:
    org = db.get_or_404(Organization, org_id)
    if not is_staff(current_user, org):
        abort(403)
    return org


@bp.route("/organizations/<int:org_id>/projects")
@requires(Permission.PROJECTS_MANAGE)
def organization_projects(org_id: int):
    """An organization's projects, newest first."""
    org = _staff_org(org_id)
    projects = db.session.scalars(
        select(Project)
        .where(Project.organization_id == org.id)
        .options(selectinload(Project.community))
        .order_by(Project.created_at.desc(), Project.id.desc())
    ).all()
    return render_template("projects/organization.html", org=org, projects=projects)


def _community_choices(street_id: int) -> list[SelectChoice]:
    communities = in_place_order(
        db.session.scalars(select(Community).where(Community.street_id == street_id))
    )
    return [SelectChoice(c.id, c.name) for c in communities]


@bp.route("/organizations/<int:org_id>/projects/new", methods=["GET", "POST"])
@requires(Permission.PROJECTS_MANAGE)
def new(org_id: int):
    """A project funded otherwise (self, charity, district); the street approves it."""
    org = _staff_org(org_id)
    if not org.may_propose:
        flash(_("Only approved organizations can run projects."), "warning")
        return see_other(url_for("organizations.application", org_id=org.id))
    form = forms.ProjectForm()
    form.community_id.choices = _community_choices(org.street_id)
    if form.validate_on_submit():
        community = db.session.get(Community, form.community_id.data)
        if community is None or community.street_id != org.street_id:
            abort(400)
        project = services.create_project(
            org,
            by=current_user,
            title=form.title.data,
            category=form.category.data,
            community=community,
            funding=Funding(form.funding.data),
            period_start=form.period_start.data,
            period_end=form.period_end.data,
            description=form.description.data or "",
            place=form.place.data or "",
            amount_fen=form.amount.data,
        )
        db.session.commit()
        flash(
            _("Project saved as a draft. Next, ask a social worker to coordinate."),
            "success",
        )
        return see_other(url_for("projects.manage", project_id=project.id))
    return render_template(
        "projects/form.html", form=form, org=org, project=None
    ), _status(form)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@requires(Permission.PROJECTS_MANAGE)
def edit(project_id: int):
    """Change a draft project's details."""
    project = _load(project_id, policy.can_manage_project)
    if not project.is_editable:
        flash(_("Only a draft can be changed."), "warning")
        return see_other(url_for("projects.manage", project_id=project.id))
    tender = project.funding == Funding.TENDER
    form_class = forms.TenderProjectForm if tender else forms.ProjectForm
    form = form_class(obj=project) if request.method == "GET" else form_class()
    if not tender:
        form.community_id.choices = _community_choices(project.street_id)
        if request.method == "GET":
            form.amount.data = project.amount_fen
    if form.validate_on_submit():
        fields = {
            "title": form.title.data.strip(),
            "period_start": form.period_start.data,
            "period_end": form.period_end.data,
            "place": (form.place.data or "").strip(),
            "description": (form.description.data or "").strip(),
        }
        if not tender:
            fields |= {
                "category": form.category.data,
                "community_id": form.community_id.data,
                "amount_fen": form.amount.data,
            }
        services.update_project(project, by=current_user, fields=fields)
        db.session.commit()
        flash(_("Saved."), "success")
        return see_other(url_for("projects.manage", project_id=project.id))
    return render_template(
        "projects/form.html", form=form, org=project.organization, project=project
    ), _status(form)


def _manage_page(project: Project, status: int = 200, **extra: Any):  # noqa: ANN202
    linkage_form = extra.pop("linkage_form", None) or forms.LinkageForm()
    workers = services.social_workers_of(project.community)
    linkage_form.social_worker_id.choices = [
        SelectChoice(u.id, u.name) for u in workers
    ]
    context = {
        "project": project,
        "history": audit.history(project),
        "linkage_form": linkage_form,
        "has_social_workers": bool(workers),
        "organizer_rows": organizer_shifts(project),
        "cancel_form": extra.pop("cancel_form", None) or forms.ReasonForm(),
        "form": forms.NoteForm(),
        "not_started": (
            not_started_message(project.period_start)
            if project.state == ProjectState.IN_PROGRESS and not project.may_complete()
            else None
        ),
    }
    return render_template("projects/manage.html", **context), status


@bp.route("/projects/<int:project_id>/manage")
@requires(Permission.PROJECTS_MANAGE)
def manage(project_id: int):
    """Run a project: its links, its state, and the next step."""
    return _manage_page(_load(project_id, policy.can_manage_project))


@bp.route("/projects/<int:project_id>/linkage", methods=["POST"])
@requires(Permission.PROJECTS_MANAGE)
def request_linkage(project_id: int):
    """Ask one of the community's social workers to coordinate."""
    project = _load(project_id, policy.can_manage_project)
    form = forms.LinkageForm()
    form.social_worker_id.choices = [
        SelectChoice(u.id, u.name)
        for u in services.social_workers_of(project.community)
    ]
    if not form.validate_on_submit():
        return _manage_page(project, 422, linkage_form=form)
    try:
        services.request_linkage(
            project, db.session.get(User, form.social_worker_id.data), by=current_user
        )
    except TransitionNotAllowed:
        flash(_("The coordinator can no longer be changed at this stage."), "warning")
    else:
        db.session.commit()
        flash(
            _("Asked. The social worker will see it in their coordination list."),
            "success",
        )
    return see_other(url_for("projects.manage", project_id=project.id))


_STAFF_STEPS: dict[str, Callable[..., None]] = {
    "submit": services.submit_project,
    "start": services.start_project,
    "complete": services.complete_project,
}


@bp.route(
    "/projects/<int:project_id>/<any(submit, start, complete):step>", methods=["POST"]
)
@requires(Permission.PROJECTS_MANAGE)
def staff_step(project_id: int, step: str):
    """The organization moves its project on: submit, start, complete."""
    project = _load(project_id, policy.can_manage_project)
    if step == "complete":
        asked = ask_first(
            _(
                "Mark %(title)s as completed? The work ends and the evaluation "
                "can start.",
                title=project.title,
            ),
            yes=_("Yes, it is completed"),
            no=_("Not now"),
            back=url_for("projects.manage", project_id=project.id),
        )
        if asked:
            return asked
    try:
        _STAFF_STEPS[step](project, by=current_user)
    except ProjectNotStarted as early:
        db.session.rollback()
        flash(not_started_message(early.starts), "warning")
    except TransitionNotAllowed:
        db.session.rollback()
        flash(_("This step is not possible now."), "warning")
    else:
        db.session.commit()
        flash(
            {
                "submit": _("Sent to the street for approval."),
                "start": _("The project is now in progress."),
                "complete": _("The project is completed."),
            }[step],
            "success",
        )
    return see_other(url_for("projects.manage", project_id=project.id))


@bp.route("/projects/<int:project_id>/cancel", methods=["POST"])
@requires(Permission.PROJECTS_CANCEL)
def cancel(project_id: int):
    """Cancel with a reason: the organization's staff or the street's reviewers."""
    project = _load(
        project_id,
        lambda u, p: (
            policy.can_manage_project(u, p) or policy.can_approve_project(u, p)
        ),
    )
    form = forms.ReasonForm()
    back_to_review = policy.can_approve_project(current_user, project) and not (
        policy.can_manage_project(current_user, project)
    )
    if not form.validate_on_submit():
        if back_to_review:
            return _review_page(project, 422, cancel_form=form)
        return _manage_page(project, 422, cancel_form=form)
    try:
        workflows.cancel_project(project, by=current_user, reason=form.reason.data)
    except TransitionNotAllowed:
        db.session.rollback()
        flash(_("This project can no longer be cancelled."), "warning")
    else:
        db.session.commit()
        flash(
            _("The project is cancelled; everyone involved has been told."), "success"
        )
    endpoint = "projects.review" if back_to_review else "projects.manage"
    return see_other(url_for(endpoint, project_id=project.id))


# The social worker's side -----------------------------------------------------


@bp.route("/coordination")
@requires(Permission.PROJECTS_COORDINATE)
def coordination():
    """Projects I am asked to coordinate, and those I coordinate."""
    projects = db.session.scalars(
        select(Project)
        .where(Project.coordinator_id == current_user.id)
        .options(selectinload(Project.organization), selectinload(Project.community))
        .order_by(Project.link_changed_at.desc())
    ).all()
    asked = [p for p in projects if p.link_state == LinkState.REQUESTED]
    mine = [p for p in projects if p.link_accepted]
    return render_template(
        "projects/coordination.html", asked=asked, mine=mine, form=forms.NoteForm()
    )


@bp.route(
    "/projects/<int:project_id>/linkage/<any(accept, decline):answer>", methods=["POST"]
)
@requires(Permission.PROJECTS_COORDINATE)
def answer_linkage(project_id: int, answer: str):
    """Accept or decline coordinating a project of my community."""
    project = _load(project_id, policy.is_coordinator)
    form = forms.NoteForm()
    form.validate_on_submit()
    try:
        services.answer_linkage(
            project, user=current_user, accept=answer == "accept", note=form.note.data
        )
    except TransitionNotAllowed:
        flash(_("This request was already answered."), "warning")
    else:
        db.session.commit()
        flash(
            _("You now coordinate this project.")
            if answer == "accept"
            else _("Declined. The organization has been told."),
            "success",
        )
    return see_other(url_for("projects.coordination"))


# The street's side --------------------------------------------------------------


@bp.route("/review/projects")
@requires(Permission.PROJECTS_APPROVE)
def review_list():
    """My streets' projects by state, those waiting for approval first."""
    street_ids = reviewed_street_ids(current_user)
    wanted = chosen_state(ProjectState, ProjectState.PENDING_APPROVAL)
    counts = counts_by_state(Project.state, Project.street_id.in_(street_ids))
    projects = db.session.scalars(
        select(Project)
        .where(Project.street_id.in_(street_ids), Project.state == wanted)
        .options(selectinload(Project.organization), selectinload(Project.community))
        .order_by(Project.state_changed_at, Project.id)
    ).all()
    return render_template(
        "projects/review_list.html",
        projects=projects,
        counts=counts,
        states=list(ProjectState),
        wanted=wanted,
    )


def _reviewable(project_id: int) -> Project:
    """A project of a street this reviewer reviews; another street's is a 404."""
    project = db.get_or_404(Project, project_id)
    if not policy.can_approve_project(current_user, project):
        abort(404)
    return project


def _review_page(project: Project, status: int = 200, **extra: Any):  # noqa: ANN202
    context = {
        "project": project,
        "history": audit.history(project),
        "return_form": extra.pop("return_form", None) or forms.ReasonForm(),
        "cancel_form": extra.pop("cancel_form", None) or forms.ReasonForm(),
        "meeting_form": extra.pop("meeting_form", None) or forms.MeetingForm(),
        "form": forms.NoteForm(),
    }
    return render_template("projects/review.html", **context), status


@bp.route("/review/projects/<int:project_id>")
@requires(Permission.PROJECTS_APPROVE)
def review(project_id: int):
    """One project for the street: its links, its record, approve or send back."""
    project = _reviewable(project_id)
    return _review_page(project)


@bp.route("/review/projects/<int:project_id>/approve", methods=["POST"])
@requires(Permission.PROJECTS_APPROVE)
def approve(project_id: int):
    """Approve a linked project: it starts recruiting volunteers."""
    project = _reviewable(project_id)
    asked = ask_first(
        _("Approve %(title)s? It starts recruiting volunteers.", title=project.title),
        yes=_("Yes, approve"),
        no=_("Not now"),
        back=url_for("projects.review", project_id=project.id),
    )
    if asked:
        return asked
    try:
        services.approve_project(project, by=current_user)
    except ProjectNotLinked:
        db.session.rollback()
        flash(
            _("A social worker of the community must accept to coordinate first."),
            "warning",
        )
    except TransitionNotAllowed:
        db.session.rollback()
        flash(_("This project is not waiting for approval."), "warning")
    else:
        db.session.commit()
        flash(_("Approved. The project is now recruiting volunteers."), "success")
    return see_other(url_for("projects.review", project_id=project.id))


@bp.route("/review/projects/<int:project_id>/return", methods=["POST"])
@requires(Permission.PROJECTS_APPROVE)
def send_back(project_id: int):
    """Send a project back to the organization with what to change."""
    project = _reviewable(project_id)
    form = forms.ReasonForm()
    if not form.validate_on_submit():
        return _review_page(project, 422, return_form=form)
    try:
        services.return_project(
            project, by=current_user, reason=form.reason.data.strip()
        )
    except TransitionNotAllowed:
        db.session.rollback()
        flash(_("This project is not waiting for approval."), "warning")
    else:
        db.session.commit()
        flash(_("Sent back to the organization."), "success")
    return see_other(url_for("projects.review_list"))


@bp.route("/review/projects/<int:project_id>/meeting", methods=["POST"])
@requires(Permission.PROJECTS_APPROVE)
def record_meeting(project_id: int):
    """Record the evaluation meeting of a completed project: it becomes evaluated."""
    project = _reviewable(project_id)
    form = forms.MeetingForm()
    if not form.validate_on_submit():
        return _review_page(project, 422, meeting_form=form)
    try:
        services.record_meeting(
            project,
            by=current_user,
            held_on=form.held_on.data,
            attendees=form.attendees.data,
            summary=form.summary.data,
            conclusion=Conclusion(form.conclusion.data),
        )
    except TransitionNotAllowed:
        db.session.rollback()
        flash(_("Only a completed project can be evaluated."), "warning")
    else:
        db.session.commit()
        flash(_("Evaluation meeting recorded; the project is evaluated."), "success")
    return see_other(url_for("projects.review", project_id=project.id))
