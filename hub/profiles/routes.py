"""Onboarding and "My volunteer profile": one page, editable at any time."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from hub.extensions import db
from hub.matching.labels import DAY_LABELS, PART_LABELS
from hub.models import Community, Grid, Street
from hub.models.places import in_place_order
from hub.models.profiles import DAYS, PARTS, VolunteerProfile
from hub.permissions import Permission
from hub.profiles import services
from hub.profiles.forms import ProfileForm, as_int
from hub.web.access import requires
from hub.web.htmx import is_htmx, see_other

bp = Blueprint("profiles", __name__)


def _fill_places(form: ProfileForm) -> tuple[Community | None, Grid | None]:
    """Street, community and grid choices for what is chosen; the valid choices.

    Only the chosen street's communities and the chosen community's grids are
    listed, so the page stays small in a city of a thousand communities.
    """
    streets = db.session.execute(
        select(Street.id, Street.name).order_by(Street.code)
    ).all()
    street_id = as_int(form.street_id.data)
    community = db.session.get(Community, as_int(form.home_community_id.data) or 0)
    if street_id not in {s for s, _name in streets}:
        street_id = community.street_id if community else None
    if street_id is None and len(streets) == 1:
        street_id = streets[0][0]
    if community is not None and community.street_id != street_id:
        community = None
    communities = []
    if street_id is not None:
        communities = in_place_order(
            db.session.execute(
                select(Community.id, Community.name).where(
                    Community.street_id == street_id
                )
            ).all()
        )
    grids: list[Any] = []
    grid = None
    if community is not None:
        grids = in_place_order(
            db.session.execute(
                select(Grid.id, Grid.name).where(Grid.community_id == community.id)
            ).all()
        )
        grid_id = as_int(form.home_grid_id.data)
        if grid_id in {g for g, _name in grids}:
            grid = db.session.get(Grid, grid_id)
    form.street_id.choices = [SelectChoice("", _("Choose your street"))] + [
        SelectChoice(str(s), name) for s, name in streets
    ]
    form.home_community_id.choices = [
        SelectChoice(
            "", _("Choose your community") if street_id else _("Choose a street first")
        )
    ] + [SelectChoice(str(c), name) for c, name in communities]
    form.home_grid_id.choices = [
        SelectChoice(
            "", _("Not sure / any grid") if community else _("Choose a community first")
        )
    ] + [SelectChoice(str(g), name) for g, name in grids]
    form.street_id.data = str(street_id) if street_id else ""
    form.home_community_id.data = str(community.id) if community else ""
    form.home_grid_id.data = str(grid.id) if grid else ""
    return community, grid


def _form_from(profile: VolunteerProfile | None) -> ProfileForm:
    """The form filled with what the profile holds (empty before onboarding)."""
    form = ProfileForm(formdata=None)
    if profile is None:
        return form
    form.skills.data = list(profile.skills or [])
    form.interests.data = list(profile.interests or [])
    form.availability.data = services.slots_of(profile.availability or 0)
    community = profile.home_community
    form.street_id.data = str(community.street_id) if community else ""
    form.home_community_id.data = str(community.id) if community else ""
    form.home_grid_id.data = str(profile.home_grid_id or "")
    form.monthly_hour_limit.data = profile.monthly_hour_limit
    form.birth_date.data = profile.birth_date
    form.guardian_name.data = profile.guardian_name
    form.guardian_mobile.data = profile.guardian_mobile
    form.guardian_consent.data = profile.guardian_consent_at is not None
    return form


def _week() -> list[dict[str, Any]]:
    """Rows of the availability grid: a day and its three parts (slot numbers)."""
    return [
        {
            "day": DAY_LABELS[day],
            "slots": [(day * PARTS + part, PART_LABELS[part]) for part in range(PARTS)],
        }
        for day in range(DAYS)
    ]


def _page(form: ProfileForm, onboarding: bool, status: int = 200):  # noqa: ANN202
    html = render_template(
        "profiles/edit.html", form=form, onboarding=onboarding, week=_week()
    )
    return html, status


@bp.route("/me/profile", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_USE)
def edit():
    """Onboarding for a new volunteer; the same page changes the profile later."""
    profile = services.get_profile(current_user.id)
    onboarding = profile is None
    if request.method == "GET":
        form = _form_from(profile)
        _fill_places(form)
        return _page(form, onboarding)
    form = ProfileForm()
    community, grid = _fill_places(form)
    if request.form.get("refresh"):  # without JavaScript: new place lists, no save
        return _page(form, onboarding)
    if form.validate_on_submit():
        data = services.ProfileInput(
            skills=form.skills.data or [],
            interests=form.interests.data or [],
            availability=services.availability_mask(form.availability.data or []),
            home_community=community,
            home_grid=grid,
            monthly_hour_limit=form.monthly_hour_limit.data,
            birth_date=form.birth_date.data,
            guardian_name=form.guardian_name.data,
            guardian_mobile=form.guardian_mobile.normalized
            or form.guardian_mobile.data,
            guardian_consent=form.guardian_consent.data,
        )
        try:
            services.save_profile(current_user, data)
        except services.ProfileError as e:
            db.session.rollback()
            form[e.field].errors = [*form[e.field].errors, _error_text(e)]
        else:
            db.session.commit()
            if onboarding:
                flash(_("Thank you! Here is work that fits you."), "success")
                return see_other(url_for("main.home"))
            flash(_("Your profile is saved."), "success")
            return see_other(url_for("auth.account"))
    return _page(form, onboarding, 422)


def _error_text(error: services.ProfileError) -> str:
    if isinstance(error, services.GuardianRequired):
        return _("Under 18: a guardian's name, mobile number and consent are needed.")
    return _("Please check this value.")


@bp.route("/me/profile/places")
@requires(Permission.ACCOUNT_USE)
def places():
    """The street, community and grid choices for what is chosen (htmx)."""
    form = ProfileForm(formdata=request.args, meta={"csrf": False})
    _fill_places(form)
    if is_htmx():
        return render_template("profiles/_places.html", form=form)
    return see_other(url_for("profiles.edit"))
