"""Street and community dashboards, and the lists behind every figure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import DateField, RadioField, SelectChoice
from wtforms.validators import Optional, ValidationError

from hub.extensions import db
from hub.models import (
    Community,
    HourRecord,
    Organization,
    Project,
    RoleGrant,
    Street,
    User,
)
from hub.models.base import utcnow
from hub.models.places import in_place_order
from hub.organizations.policy import reviewed_street_ids
from hub.permissions import Permission, Role
from hub.projects.policy import community_social_worker_ids
from hub.reports import chart, figures
from hub.reports.scope import Period, Scope, local_today
from hub.web.access import requires

bp = Blueprint("reports", __name__, url_prefix="/reports")

PER_PAGE = 50
MAX_DAYS = 3 * 366


def _after_first(form: FlaskForm, field: DateField) -> None:
    first = form.first.data
    if first and field.data and field.data < first:
        raise ValidationError(_l("The end date must not be before the start date."))
    if first and field.data and (field.data - first).days > MAX_DAYS:
        raise ValidationError(_l("Choose at most three years."))


class PeriodForm(FlaskForm):
    """The last 12 months, this month, this year, or chosen days (a GET form)."""

    class Meta:
        csrf = False

    period = RadioField(
        _l("Period"),
        choices=[
            SelectChoice("recent", _l("Last 12 months")),
            SelectChoice("month", _l("This month")),
            SelectChoice("year", _l("This year")),
            SelectChoice("custom", _l("Chosen days")),
        ],
        default="recent",
        validators=[Optional()],
    )
    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional(), _after_first])


def _period(form: PeriodForm, today: date) -> tuple[Period, int]:
    """The chosen period (the last 12 months unless chosen), or the last 12 months
    with 422 when the days are wrong."""
    valid = form.validate()
    if form.period.data == "month":
        return Period.this_month(today), 200
    if form.period.data == "year":
        return Period.this_year(today), 200
    if form.period.data == "custom":
        if valid and form.first.data and form.last.data:
            return Period(form.first.data, form.last.data), 200
        if not (form.first.data and form.last.data) and not form.errors:
            target = form.first if not form.first.data else form.last
            target.errors = [str(_l("Choose the date."))]
        return Period.recent(today), 422
    return Period.recent(today), 200


def _period_args(period: Period) -> dict[str, str]:
    if period.kind == "custom":
        return {
            "period": "custom",
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
        }
    return {"period": period.kind}


def _scope(kind: str, place_id: int) -> Scope:
    """The street or community, 404 unless this person may see its dashboard."""
    if kind == "street":
        street = db.get_or_404(Street, place_id)
        if street.id not in reviewed_street_ids(current_user):
            abort(404)
        return Scope("street", street.id, street.name, street.id)
    community = db.get_or_404(Community, place_id)
    if community.id not in community_social_worker_ids(
        current_user
    ) and community.street_id not in reviewed_street_ids(current_user):
        abort(404)
    return Scope("community", community.id, community.name, community.street_id)


@bp.route("")
@requires(Permission.REPORTS_VIEW)
def index():
    """My dashboards: straight to it when there is one, else a choice."""
    streets = db.session.scalars(
        select(Street).where(Street.id.in_(reviewed_street_ids(current_user)))
    ).all()
    communities = in_place_order(
        db.session.scalars(
            select(Community).where(
                Community.id.in_(community_social_worker_ids(current_user))
            )
        )
    )
    if len(streets) + len(communities) == 1:
        if streets:
            return redirect(url_for(".street", place_id=streets[0].id))
        return redirect(url_for(".community", place_id=communities[0].id))
    return render_template(
        "reports/index.html", streets=streets, communities=communities
    )


def _dashboard(kind: str, place_id: int):  # noqa: ANN202
    scope = _scope(kind, place_id)
    now = utcnow()
    form = PeriodForm(request.args)
    period, status = _period(form, local_today(now))
    board = figures.dashboard(scope, period, now)
    return render_template(
        "reports/dashboard.html",
        board=board,
        form=form,
        bars=chart.bars(board.hours_by_month),
        chart=chart,
        args=_period_args(period),
        kind=kind,
        place_id=place_id,
    ), status


@bp.route("/street/<int:place_id>")
@requires(Permission.REPORTS_VIEW)
def street(place_id: int):
    """How the street's communities are doing, at a glance."""
    return _dashboard("street", place_id)


@bp.route("/community/<int:place_id>")
@requires(Permission.REPORTS_VIEW)
def community(place_id: int):
    """How one community is doing."""
    return _dashboard("community", place_id)


# The lists behind the figures ---------------------------------------------------------

LISTS = {
    "organizations": _l("Organizations"),
    "projects": _l("Projects"),
    "volunteers": _l("Active volunteers (last 90 days)"),
    "hours": _l("Confirmed service hours"),
    "evaluations": _l("Evaluations"),
    "social-workers": _l("Social workers"),
}


def _list_query(what: str, scope: Scope, period: Period, now: Any):  # noqa: ANN202
    args = request.args
    if what == "organizations":
        return figures.organizations_query(
            scope, state=args.get("state"), stage=args.get("stage")
        ).order_by(Organization.name)
    if what == "projects":
        linked = {"1": True, "0": False}.get(args.get("linked", ""))
        return (
            figures.projects_query(scope, state=args.get("state"), linked=linked)
            .options(
                selectinload(Project.organization), selectinload(Project.community)
            )
            .order_by(Project.id.desc())
        )
    if what == "volunteers":
        ids = figures.active_volunteers_query(scope, now)
        return select(User).where(User.id.in_(ids)).order_by(User.name, User.id)
    if what == "hours":
        query = figures.counted_hours_query(scope, period, now)
        if month := args.get("month"):
            try:
                year, number = (int(x) for x in month.split("-"))
                first = date(year, number, 1)
            except ValueError:
                abort(400)
            following = (first + timedelta(days=32)).replace(day=1)
            query = query.where(
                HourRecord.served_on >= first, HourRecord.served_on < following
            )
        return query.options(
            selectinload(HourRecord.user),
            selectinload(HourRecord.project),
            selectinload(HourRecord.organization),
        ).order_by(HourRecord.served_on.desc(), HourRecord.id.desc())
    if what == "evaluations":
        closed = figures.closed_evaluations_query(scope, period, now)
        met = select(figures.meetings_query(scope, period).subquery().c.project_id)
        return (
            select(Project)
            .where(Project.id.in_(closed) | Project.id.in_(met))
            .options(selectinload(Project.organization))
            .order_by(Project.id.desc())
        )
    if what == "social-workers":
        where = (
            Community.street_id == scope.id
            if scope.is_street
            else Community.id == scope.id
        )
        return (
            select(RoleGrant)
            .join(Community, Community.id == RoleGrant.community_id)
            .where(
                where,
                RoleGrant.role == Role.SOCIAL_WORKER,
                RoleGrant.revoked_at.is_(None),
            )
            .options(selectinload(RoleGrant.user), selectinload(RoleGrant.community))
            .order_by(Community.name, RoleGrant.id)
        )
    abort(404)


@bp.route("/<any(street, community):kind>/<int:place_id>/<string:what>")
@requires(Permission.REPORTS_VIEW)
def listing(kind: str, place_id: int, what: str):
    """The rows behind one figure of the dashboard."""
    if what not in LISTS:
        abort(404)
    scope = _scope(kind, place_id)
    now = utcnow()
    form = PeriodForm(request.args)
    period, _status = _period(form, local_today(now))
    query = _list_query(what, scope, period, now)
    page = max(1, request.args.get("page", 1, type=int))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    filters = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "reports/list.html",
        what=what,
        title=LISTS[what],
        scope=scope,
        period=period,
        rows=rows,
        total=total or 0,
        page=page,
        pages=max(1, -(-(total or 0) // PER_PAGE)),
        filters=filters,
        kind=kind,
        place_id=place_id,
        hours=chart.hours,
    )
