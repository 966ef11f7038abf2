"""Shift pages: sign up in place, My shifts, organizers add shifts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from hub.extensions import db, limiter
from hub.models import Grid, Project, Shift, Signup
from hub.models.base import utcnow
from hub.models.places import in_place_order
from hub.models.shifts import ACTIVE_STATES
from hub.permissions import Permission
from hub.projects import policy as project_policy
from hub.shifts import forms, services, when
from hub.shifts.queries import my_signups_for
from hub.web.access import requires
from hub.web.confirm import ask_first
from hub.web.htmx import is_htmx, see_other
from hub.web.urls import safe_next

bp = Blueprint("shifts", __name__)


#: ``_card``'s default: look up the person's sign-up on the shift.
_LOOK_UP = object()


def _card(shift_id: int, status: int = 200, *, mine: object = _LOOK_UP):  # noqa: ANN202
    """The card again, as the page that sent the form showed it, and the message.
    ``mine``: the person's active sign-up on the shift when already known."""
    shift = db.session.get(Shift, shift_id, options=[joinedload(Shift.grid)])
    if mine is _LOOK_UP:
        mine = my_signups_for(current_user, [shift.id]).get(shift.id)
    back = request.form.get("next")
    html = render_template(
        "shifts/_card_response.html",
        shift=shift,
        mine=mine,
        with_project=request.form.get("with_project") == "1",
        back_url=safe_next(value=back) if back else None,
    )
    return html, status


#: Sign-up attempts one person may make; signed-in volunteers only are counted.
SIGNUP_LIMIT = "30 per hour"


def _signer_key() -> str:
    return f"signup:{current_user.id}"


@bp.route("/shifts/<int:shift_id>/signup", methods=["POST"])
@requires(Permission.SHIFTS_SIGNUP)
@limiter.limit(SIGNUP_LIMIT, key_func=_signer_key)
def sign_up(shift_id: int):
    """Take a place on a shift, or join its waitlist when it is full."""
    shift = db.get_or_404(Shift, shift_id, options=[joinedload(Shift.project)])
    back = safe_next(
        value=request.form.get("next")
        or url_for("projects.show", project_id=shift.project_id)
    )
    try:
        signup = services.sign_up(shift, user=current_user)
    except services.ShiftNotOpen:
        db.session.rollback()
        message, category, status = (
            _("This shift no longer takes sign-ups."),
            "warning",
            409,
        )
    except services.OverlapsAnotherShift:
        db.session.rollback()
        message = _(
            "You already have a shift at that time. Cancel it first in My shifts."
        )
        category, status = "warning", 409
    except services.NewAccountLimit as held:
        db.session.rollback()
        message = _(
            "New accounts can hold %(num)d upcoming shifts until they have served "
            "once. Go to one of them first, or cancel one in My shifts.",
            num=held.limit,
        )
        category, status = "warning", 409
    else:
        confirmed = signup.is_confirmed
        db.session.commit()
        status, category = 200, "success"
        message = (
            _("You are signed up. See it in My shifts.")
            if confirmed
            else _(
                "The shift is full: you are on the waitlist and will be told "
                "if a place frees up."
            )
        )
    flash(message, category)
    if is_htmx():
        return _card(shift_id, status)
    return see_other(back)


@bp.route("/signups/<int:signup_id>/cancel", methods=["POST"])
@requires(Permission.SHIFTS_SIGNUP)
def cancel(signup_id: int):
    """Cancel my sign-up; the first person waiting gets the place."""
    signup = db.get_or_404(Signup, signup_id)
    if signup.user_id != current_user.id:
        abort(404)
    shift = signup.shift
    back = request.form.get("next")
    asked = ask_first(
        _(
            "Cancel your place on %(project)s, %(when)s?",
            project=shift.project.title,
            when=when(shift.starts_at, shift.ends_at),
        ),
        yes=_("Yes, cancel it"),
        no=_("Keep my place"),
        back=safe_next(value=back) if back else url_for("shifts.mine"),
        danger=True,
    )
    if asked:
        return asked
    shift_id = signup.shift_id
    services.cancel_signup(signup, by=current_user)
    db.session.commit()
    flash(_("Cancelled. Thank you for letting us know."), "success")
    if is_htmx() and request.form.get("from") == "card":
        return _card(shift_id, mine=None)  # one sign-up per person and shift
    return see_other(safe_next("shifts.mine"))


#: Past and cancelled sign-ups shown on My shifts; hours served are in My hours.
PAST_SHOWN = 20


@bp.route("/my/shifts")
@requires(Permission.SHIFTS_SIGNUP)
def mine():
    """My upcoming shifts, and the latest past and cancelled ones."""
    now = utcnow()
    my_signups = select(Signup).where(Signup.user_id == current_user.id)
    holding = Signup.state.in_(ACTIVE_STATES) & (Signup.ends_at > now)
    loaded = joinedload(Signup.shift).joinedload(Shift.project)
    upcoming = db.session.scalars(
        my_signups.where(holding).options(loaded).order_by(Signup.starts_at, Signup.id)
    ).all()
    past = db.session.scalars(
        my_signups.where(~holding)
        .options(loaded)
        .order_by(Signup.starts_at.desc(), Signup.id.desc())
        .limit(PAST_SHOWN)
    ).all()
    token = current_user.calendar_token
    return render_template(
        "shifts/mine.html",
        upcoming=upcoming,
        past=past,
        past_shown=PAST_SHOWN,
        feed_url=(
            url_for("calendar.feed", token=token, _external=True) if token else None
        ),
    )


def _grid_choices(project: Project) -> list[SelectChoice]:
    here = Grid.community_id == project.community_id
    grids = in_place_order(db.session.scalars(select(Grid).where(here)))
    return [SelectChoice(0, "—")] + [SelectChoice(g.id, g.name) for g in grids]


@bp.route("/projects/<int:project_id>/shifts/new", methods=["GET", "POST"])
@requires(Permission.PROJECTS_MANAGE)
def new(project_id: int):
    """Organizers add a shift (and weekly repeats) to a recruiting project."""
    project = db.get_or_404(Project, project_id)
    if not project_policy.can_manage_project(current_user, project):
        abort(403)
    form = forms.ShiftForm()
    form.grid_id.choices = _grid_choices(project)
    if form.validate_on_submit():
        grid = db.session.get(Grid, form.grid_id.data) if form.grid_id.data else None
        try:
            shifts = services.add_shifts(
                project,
                by=current_user,
                starts_at=form.starts_at.data,
                ends_at=form.ends_at.data,
                place=form.place.data,
                capacity=form.capacity.data,
                grid=grid,
                required_skills=form.required_skills.data,
                repeat_weeks=form.repeat_weeks.data or 0,
            )
        except services.ShiftNotOpen:
            form.form_errors.append(
                _("Shifts can be added once the project is recruiting.")
            )
        except services.BadShift:
            form.grid_id.errors.append(_("Choose a grid of the project's community."))
        else:
            db.session.commit()
            flash(
                ngettext("%(num)d shift added.", "%(num)d shifts added.", len(shifts)),
                "success",
            )
            return see_other(url_for("projects.manage", project_id=project.id))
    status = 422 if request.method == "POST" else 200
    return render_template("shifts/new.html", form=form, project=project), status


@bp.route("/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@requires(Permission.PROJECTS_MANAGE)
def edit(shift_id: int):
    """Change a shift's time, place or places; never below those already confirmed."""
    shift = db.get_or_404(Shift, shift_id)
    if not project_policy.can_manage_project(current_user, shift.project):
        abort(403)
    if not shift.may_edit():
        abort(404)
    form = forms.ShiftForm(obj=shift) if request.method == "GET" else forms.ShiftForm()
    del form.repeat_weeks
    form.grid_id.choices = _grid_choices(shift.project)
    if request.method == "GET":
        form.grid_id.data = shift.grid_id or 0
    if form.validate_on_submit():
        grid = db.session.get(Grid, form.grid_id.data) if form.grid_id.data else None
        try:
            services.update_shift(
                shift,
                by=current_user,
                starts_at=form.starts_at.data,
                ends_at=form.ends_at.data,
                place=form.place.data,
                capacity=form.capacity.data,
                grid=grid,
                required_skills=form.required_skills.data,
            )
        except services.CapacityBelowConfirmed:
            db.session.rollback()
            form.capacity.errors.append(
                _(
                    "%(num)d people are already confirmed; places cannot be fewer.",
                    num=db.session.get(Shift, shift_id).confirmed_count,
                )
            )
        except services.BadShift:
            db.session.rollback()
            form.grid_id.errors.append(_("Choose a grid of the project's community."))
        else:
            db.session.commit()
            flash(_("Shift changed."), "success")
            return see_other(url_for("roster.show", shift_id=shift_id))
    status = 422 if request.method == "POST" else 200
    return render_template("shifts/edit.html", form=form, shift=shift), status
