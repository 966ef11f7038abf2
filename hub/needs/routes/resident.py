"""Need pages for residents: raise a need, My needs, one need, its photo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from hub import audit
from hub.extensions import db, limiter
from hub.models import Community, Grid, ServiceNeed, VolunteerProfile
from hub.models.organizations import TransitionNotAllowed
from hub.models.places import in_place_order
from hub.needs import forms, policy, queries, services
from hub.needs.labels import photo_error
from hub.permissions import Permission
from hub.uploads import UploadRefused, document_path
from hub.web.access import requires
from hub.web.confirm import ask_first
from hub.web.htmx import is_htmx, see_other

bp = Blueprint("needs", __name__)

#: Enough for a household's real needs; stops a script or a stuck button.
POST_LIMIT = "5 per hour;20 per day"


def load_need(
    need_id: int, check: Callable[[Any, ServiceNeed], bool] = policy.can_view_need
) -> ServiceNeed:
    """The need, 404 if missing, 403 if this person may not see or do this."""
    need = db.get_or_404(ServiceNeed, need_id)
    if not check(current_user, need):
        abort(403)
    return need


def assign_choices(need: ServiceNeed) -> list[SelectChoice]:
    orgs, projects = _("Organizations"), _("Projects")
    return (
        [SelectChoice("", _("Choose…"))]
        + [
            SelectChoice(f"org:{o.id}", o.name, optgroup=orgs)
            for o in services.eligible_organizations(need)
        ]
        + [
            SelectChoice(
                f"project:{p.id}",
                f"{p.title} ({p.organization.name})",
                optgroup=projects,
            )
            for p in services.eligible_projects(need)
        ]
    )


def need_page(need: ServiceNeed, status: int = 200, **given: Any):  # noqa: ANN201
    """The need: the whole page, or for htmx its panel and the message."""
    assign_form = given.get("assign_form") or forms.AssignForm()
    if need.may_triage and policy.can_triage_need(current_user, need):
        assign_form.target.choices = assign_choices(need)
    context = {
        "need": need,
        "history": audit.history(need),
        "assign_form": assign_form,
        "decline_form": given.get("decline_form") or forms.DeclineForm(),
        "hand_back_form": given.get("hand_back_form") or forms.HandBackForm(),
        "resolve_form": given.get("resolve_form") or forms.ResolveForm(),
        "form": forms.ActionForm(),
    }
    if is_htmx():
        return render_template("needs/_need_response.html", **context), status
    return render_template("needs/show.html", **context), status


def after_change(need: ServiceNeed, status: int = 200):  # noqa: ANN201
    """After a mutation: htmx gets the updated panel, a plain form a 303."""
    if is_htmx():
        return need_page(need, status)
    return see_other(url_for("needs.show", need_id=need.id))


def refused(need: ServiceNeed):  # noqa: ANN201
    """Someone else moved the need first: say so and show where it stands."""
    db.session.rollback()
    flash(_("This is no longer possible: the need has moved on."), "warning")
    return after_change(db.session.get(ServiceNeed, need.id), 409)


# Raising a need -----------------------------------------------------------------------


def _resident_key() -> str:
    if current_user.is_authenticated:
        return f"need-post:{current_user.id}"
    return f"need-post-addr:{get_remote_address()}"


def _posted(response) -> bool:  # noqa: ANN001
    """Only a need actually raised counts against the limit."""
    return response.status_code == 303 or "HX-Redirect" in response.headers


def _fill_places(form: forms.NeedForm) -> None:
    """Community choices grouped by street; the grids of the chosen community."""
    communities = queries.need_communities()
    form.community_id.choices = [SelectChoice("", _("Choose your community"))] + [
        SelectChoice(c.id, c.name, optgroup=c.street.name) for c in communities
    ]
    if form.community_id.data not in {c.id for c in communities}:
        form.community_id.data = None
    grids = []
    if form.community_id.data is not None:
        grids = in_place_order(
            db.session.scalars(
                select(Grid).where(Grid.community_id == form.community_id.data)
            )
        )
    form.grid_id.choices = [
        SelectChoice(
            "",
            _("I am not sure")
            if form.community_id.data
            else _("Choose your community first"),
        )
    ] + [SelectChoice(g.id, g.name) for g in grids]


def _home_defaults(form: forms.NeedForm) -> None:
    """Start from where the person lives, as their profile says."""
    profile = db.session.get(VolunteerProfile, current_user.id)
    if profile is None:
        return
    if profile.home_grid_id is not None:
        form.grid_id.data = profile.home_grid_id
        form.community_id.data = profile.home_grid.community_id
    elif profile.home_community_id is not None:
        form.community_id.data = profile.home_community_id


@bp.route("/needs/new", methods=["GET", "POST"])
@requires(Permission.NEEDS_RAISE)
@limiter.limit(
    POST_LIMIT, methods=["POST"], key_func=_resident_key, deduct_when=_posted
)
def new():
    """Raise a need in one's grid; htmx asks this URL for a community's grids."""
    form = forms.NeedForm()
    if request.method == "GET":
        # Not a number (a damaged or hand-typed link): as if none was chosen.
        picked = request.args.get("community_id", type=int)
        if request.args.get("community_id") is not None:
            form.community_id.data = picked
        else:
            _home_defaults(form)
    _fill_places(form)
    if is_htmx() and request.method == "GET":
        return render_template("needs/_grid_field.html", form=form)
    # Without JavaScript, "Show grids" sends the form back to list the grids.
    if request.method == "POST" and request.form.get("action") == "grids":
        return render_template("needs/new.html", form=form)
    if form.validate_on_submit():
        community = db.session.get(Community, form.community_id.data)
        grid = db.session.get(Grid, form.grid_id.data) if form.grid_id.data else None
        photo = form.photo.data
        try:
            need = services.post_need(
                current_user,
                community=community,
                grid=grid,
                category=form.category.data,
                description=form.description.data,
                photo=photo.stream if photo else None,
            )
        except UploadRefused as e:
            db.session.rollback()
            form.photo.errors = [*form.photo.errors, photo_error(e.reason)]
        else:
            db.session.commit()
            flash(
                _(
                    "Your need is sent. A social worker of %(community)s will look "
                    "at it.",
                    community=community.name,
                ),
                "success",
            )
            return see_other(url_for("needs.show", need_id=need.id))
    status = 422 if request.method == "POST" else 200
    return render_template("needs/new.html", form=form), status


@bp.route("/my/needs")
@requires(Permission.NEEDS_RAISE)
def mine():
    """The needs I raised: those still being handled, then the closed ones."""
    needs = queries.needs_where(ServiceNeed.user_id == current_user.id)
    return render_template(
        "needs/mine.html",
        active=[n for n in needs if n.is_active],
        closed=[n for n in needs if not n.is_active],
    )


@bp.route("/needs/<int:need_id>")
@requires(Permission.ACCOUNT_USE)
def show(need_id: int):
    """One need: where it stands, its history, and what the viewer may do."""
    return need_page(load_need(need_id))


@bp.route("/needs/<int:need_id>/photo")
@requires(Permission.ACCOUNT_USE)
def photo(need_id: int):
    """The need's photo, only for those who may see the need."""
    need = load_need(need_id)
    if not need.has_photo:
        abort(404)
    path = document_path(current_app.config["UPLOAD_DIR"], need.photo_stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=need.photo_content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/needs/<int:need_id>/withdraw", methods=["POST"])
@requires(Permission.NEEDS_RAISE)
def withdraw(need_id: int):
    """The resident takes back a need nobody has taken on yet."""
    need = load_need(need_id, policy.is_resident)
    asked = ask_first(
        _(
            "Withdraw “%(need)s”? Nobody will work on it any more.",
            need=need.summary,
        ),
        yes=_("Yes, withdraw it"),
        no=_("Keep it"),
        back=url_for("needs.show", need_id=need.id),
        danger=True,
    )
    if asked:
        return asked
    try:
        services.withdraw_need(need, by=current_user)
    except TransitionNotAllowed:
        return refused(need)
    db.session.commit()
    flash(_("Withdrawn. You can raise a new need at any time."), "success")
    return after_change(need)
