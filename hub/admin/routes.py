"""Admin pages: places (street → community → grid), accounts and role grants."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from hub.admin import forms, services
from hub.auth import services as account_services
from hub.errors import DuplicateName, InvalidGrant, NumberNotVerified, SelfGrant
from hub.extensions import db
from hub.models import Community, Grid, Organization, RoleGrant, Street, User
from hub.models.places import in_place_order, place_sort_key
from hub.permissions import (
    ROLE_LABELS,
    ROLE_SCOPES,
    Permission,
    Qualification,
    Role,
    Scope,
)
from hub.phones import normalize_mobile
from hub.web.access import requires
from hub.web.confirm import ask_first
from hub.web.htmx import is_htmx, see_other

bp = Blueprint("admin", __name__, url_prefix="/admin")

PLACE_MODELS = {"street": Street, "community": Community, "grid": Grid}


def _status(form) -> int:  # noqa: ANN001
    return 422 if request.method == "POST" else 200


def _count_by(column, parent_column, parent_ids: list[int]) -> dict[int, int]:  # noqa: ANN001
    if not parent_ids:
        return {}
    rows = db.session.execute(
        select(parent_column, func.count(column))
        .where(parent_column.in_(parent_ids))
        .group_by(parent_column)
    )
    return dict(rows.all())


@bp.route("/places", methods=["GET", "POST"])
@requires(Permission.PLACES_MANAGE)
def places():
    """All streets, with how many communities each has; add a street."""
    form = forms.StreetForm()
    if form.validate_on_submit():
        try:
            street = services.save_street(
                None, name=form.name.data, code=form.code.data
            )
        except DuplicateName as e:
            field = form.code if e.args[0] == "code" else form.name
            field.errors.append(_("Another street already uses this."))
        else:
            db.session.commit()
            flash(_("Street %(name)s added.", name=street.name), "success")
            return see_other(url_for("admin.places"))
    streets = db.session.scalars(select(Street).order_by(Street.code)).all()
    counts = _count_by(Community.id, Community.street_id, [s.id for s in streets])
    return render_template(
        "admin/places.html", streets=streets, counts=counts, form=form
    ), _status(form)


@bp.route("/streets/<int:street_id>", methods=["GET", "POST"])
@requires(Permission.PLACES_MANAGE)
def street(street_id: int):
    """A street's communities, with how many grids each has; add a community."""
    street = db.get_or_404(Street, street_id)
    form = forms.NameForm()
    if form.validate_on_submit():
        try:
            community = services.save_community(
                None, street=street, name=form.name.data
            )
        except DuplicateName:
            form.name.errors.append(
                _("This street already has a community by that name.")
            )
        else:
            db.session.commit()
            flash(_("Community %(name)s added.", name=community.name), "success")
            return see_other(url_for("admin.street", street_id=street.id))
    counts = _count_by(Grid.id, Grid.community_id, [c.id for c in street.communities])
    return render_template(
        "admin/street.html",
        street=street,
        communities=in_place_order(street.communities),
        counts=counts,
        form=form,
    ), _status(form)


@bp.route("/communities/<int:community_id>", methods=["GET", "POST"])
@requires(Permission.PLACES_MANAGE)
def community(community_id: int):
    """A community's grids; add a grid."""
    community = db.get_or_404(Community, community_id)
    form = forms.NameForm()
    if form.validate_on_submit():
        try:
            grid = services.save_grid(None, community=community, name=form.name.data)
        except DuplicateName:
            form.name.errors.append(
                _("This community already has a grid by that name.")
            )
        else:
            db.session.commit()
            flash(_("Grid %(name)s added.", name=grid.name), "success")
            return see_other(url_for("admin.community", community_id=community.id))
    return render_template(
        "admin/community.html",
        community=community,
        grids=in_place_order(community.grids),
        form=form,
    ), _status(form)


def _parent_url(kind: str, place: Street | Community | Grid) -> str:
    if kind == "street":
        return url_for("admin.places")
    if kind == "community":
        return url_for("admin.street", street_id=place.street_id)
    return url_for("admin.community", community_id=place.community_id)


@bp.route("/places/<kind>/<int:place_id>/rename", methods=["GET", "POST"])
@requires(Permission.PLACES_MANAGE)
def rename_place(kind: str, place_id: int):
    """Rename a street (and its code), community or grid, in place with htmx."""
    model = PLACE_MODELS.get(kind) or abort(404)
    place = db.get_or_404(model, place_id)
    form = (
        forms.StreetForm(obj=place) if kind == "street" else forms.NameForm(obj=place)
    )
    if form.validate_on_submit():
        try:
            if kind == "street":
                services.save_street(place, name=form.name.data, code=form.code.data)
            elif kind == "community":
                services.save_community(place, street=place.street, name=form.name.data)
            else:
                services.save_grid(
                    place, community=place.community, name=form.name.data
                )
        except DuplicateName as e:
            field = form.code if e.args[0] == "code" else form.name
            field.errors.append(_("Another place here already uses this."))
        else:
            db.session.commit()
            if is_htmx():
                return render_template("admin/_place_item.html", kind=kind, place=place)
            flash(_("Renamed to %(name)s.", name=place.name), "success")
            return see_other(_parent_url(kind, place))
    context = {
        "kind": kind,
        "place": place,
        "form": form,
        "back_url": _parent_url(kind, place),
    }
    template = "admin/_place_rename.html" if is_htmx() else "admin/rename.html"
    return render_template(template, **context), _status(form)


@bp.route("/users", methods=["GET", "POST"])
@requires(Permission.ROLES_MANAGE)
def users():
    """Find accounts by name or mobile number (POSTed: no numbers in URLs)."""
    form = forms.UserSearchForm(request.form if request.method == "POST" else None)
    query = select(User).order_by(User.created_at.desc(), User.id.desc()).limit(50)
    term = (form.q.data or "").strip()
    if term:
        mobile = normalize_mobile(term)
        conditions = [User.name.contains(term, autoescape=True)]
        if mobile:
            conditions.append(User.mobile == mobile)
        elif term.isdigit():
            conditions.append(User.mobile.contains(term, autoescape=True))
        query = query.where(or_(*conditions))
    people = db.session.scalars(query).all()
    template = "admin/_user_list.html" if is_htmx() else "admin/users.html"
    return render_template(template, people=people, form=form, term=term)


def _grant_form(user: User) -> forms.GrantForm:
    form = forms.GrantForm()
    none = [SelectChoice(0, "—")]
    streets = db.session.scalars(select(Street).order_by(Street.code)).all()
    form.street_id.choices = none + [SelectChoice(s.id, s.name) for s in streets]
    communities = db.session.execute(
        select(Community.id, Community.name, Street.name, Street.code).join(Street)
    ).all()
    communities.sort(key=lambda row: (row[3], place_sort_key(row[1])))
    form.community_id.choices = none + [
        SelectChoice(c, f"{s} · {n}") for c, n, s, _code in communities
    ]
    organizations = db.session.execute(
        select(Organization.id, Organization.name).order_by(Organization.name)
    ).all()
    form.organization_id.choices = none + [SelectChoice(o, n) for o, n in organizations]
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.ROLES_MANAGE)
def user(user_id: int):
    """One account: its roles (grant, revoke) and whether it may log in."""
    person = db.get_or_404(User, user_id)
    form = _grant_form(person)
    if form.validate_on_submit():
        role = Role(form.role.data)
        scope = ROLE_SCOPES[role]
        targets = {
            Scope.STREET: (form.street_id, Street),
            Scope.COMMUNITY: (form.community_id, Community),
            Scope.ORGANIZATION: (form.organization_id, Organization),
        }
        kwargs = {}
        if scope in targets:
            field, model = targets[scope]
            obj = db.session.get(model, field.data) if field.data else None
            if obj is None:
                field.errors.append(_("Choose where this role applies."))
            kwargs[scope.value] = obj
        if not form.errors:
            try:
                services.grant_role(
                    person,
                    role,
                    by=current_user,
                    qualification=Qualification(form.qualification.data),
                    **kwargs,
                )
            except InvalidGrant:
                form.role.errors.append(_("This role cannot be granted there."))
            except SelfGrant:
                form.role.errors.append(
                    _(
                        "You cannot give yourself this role: another administrator "
                        "must grant it."
                    )
                )
            except NumberNotVerified:
                form.role.errors.append(
                    _(
                        "This person has not yet proved their mobile number. "
                        "Roles can be granted once they have logged in with a code."
                    )
                )
            else:
                db.session.commit()
                flash(_("Role granted."), "success")
                return see_other(url_for("admin.user", user_id=person.id))
    return render_template(
        "admin/user.html", person=person, form=form, action_form=forms.NameForm()
    ), _status(form)


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@requires(Permission.ROLES_MANAGE)
def revoke(grant_id: int):
    """Revoke one role grant."""
    grant = db.get_or_404(RoleGrant, grant_id)
    if grant.revoked_at is not None:
        abort(404)
    asked = ask_first(
        _(
            "Revoke the role %(role)s from %(name)s?",
            role=ROLE_LABELS[Role(grant.role)],
            name=grant.user.name,
        ),
        yes=_("Yes, revoke it"),
        no=_("Keep it"),
        back=url_for("admin.user", user_id=grant.user_id),
        danger=True,
    )
    if asked:
        return asked
    services.revoke_grant(grant, by=current_user)
    db.session.commit()
    flash(_("Role revoked."), "success")
    return see_other(url_for("admin.user", user_id=grant.user_id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires(Permission.ACCOUNTS_MANAGE)
def set_active(user_id: int):
    """Disable an account (ending its sessions) or enable it again."""
    person = db.get_or_404(User, user_id)
    if person.id == current_user.id:
        abort(403)
    active = request.form.get("active") == "1"
    account_services.set_active(person, active, by=current_user)
    db.session.commit()
    flash(_("Account enabled.") if active else _("Account disabled."), "success")
    return see_other(url_for("admin.user", user_id=person.id))
