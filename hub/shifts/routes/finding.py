"""Finding work: the open shifts of recruiting projects, filtered, soonest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload
from wtforms import SelectChoice

from hub.categories import ServiceCategory
from hub.extensions import db
from hub.localtime import local_date, zone
from hub.models import Community, Project, Shift, Street
from hub.models.base import utcnow
from hub.models.places import in_place_order
from hub.models.projects import ProjectState
from hub.models.shifts import ShiftState
from hub.shifts.forms import FindForm
from hub.shifts.queries import my_signups_for
from hub.web.access import public
from hub.web.htmx import is_htmx

bp = Blueprint("finding", __name__)

PAGE_SIZE = 20
#: Query-string names that narrow the list (kept in the "more" link).
FILTER_ARGS = ("street", "community", "category", "when", "date")
CATEGORIES = frozenset(c.value for c in ServiceCategory)


@dataclass(frozen=True)
class ShiftFilter:
    """What the list is narrowed to; None means any."""

    street_id: int | None = None
    community_id: int | None = None
    category: str | None = None
    #: Shifts starting in [starts_from, starts_before).
    starts_from: datetime | None = None
    starts_before: datetime | None = None


def day_window(first: date, days: int = 1) -> tuple[datetime, datetime]:
    """Whole local days from ``first`` as an aware [start, end)."""
    start = datetime.combine(first, time.min, tzinfo=zone())
    return start, start + timedelta(days=days)


def date_window(
    when: str, on: date | None, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """A chosen date wins; else today, or this week (today to Sunday), or any time."""
    today = local_date(now)
    if on is not None:
        return day_window(on)
    if when == "today":
        return day_window(today)
    if when == "week":
        return day_window(today, days=7 - today.weekday())
    return None, None


def open_shifts_query(filters: ShiftFilter, now: datetime) -> Select:
    """Scheduled, not started, project recruiting; with what the cards show."""
    query = (
        select(Shift)
        .join(Shift.project)
        .where(
            Shift.state == ShiftState.SCHEDULED,
            Shift.starts_at > now,
            Project.state == ProjectState.RECRUITING,
        )
        .options(
            contains_eager(Shift.project).joinedload(Project.organization),
            contains_eager(Shift.project).joinedload(Project.community),
            joinedload(Shift.grid),
        )
    )
    if filters.street_id is not None:
        query = query.where(Project.street_id == filters.street_id)
    if filters.community_id is not None:
        query = query.where(Project.community_id == filters.community_id)
    if filters.category:
        query = query.where(Project.category == filters.category)
    if filters.starts_from is not None:
        query = query.where(Shift.starts_at >= filters.starts_from)
    if filters.starts_before is not None:
        query = query.where(Shift.starts_at < filters.starts_before)
    return query


def find_open_shifts(
    filters: ShiftFilter,
    *,
    now: datetime | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> tuple[list[Shift], bool]:
    """One page of open shifts, soonest first, after shift ``after``; more to come?"""
    limit = limit or PAGE_SIZE
    query = open_shifts_query(filters, now or utcnow())
    if after is not None:
        # Keyset paging on (starts_at, id): stable while shifts fill up or go.
        cursor = aliased(Shift)
        after_start = (
            select(cursor.starts_at).where(cursor.id == after).scalar_subquery()
        )
        query = query.where(
            or_(
                Shift.starts_at > after_start,
                and_(Shift.starts_at == after_start, Shift.id > after),
            )
        )
    rows = list(
        db.session.scalars(query.order_by(Shift.starts_at, Shift.id).limit(limit + 1))
    )
    return rows[:limit], len(rows) > limit


#: Ids beyond this are not ours (and would overflow an integer column's type).
MAX_ID = 2**31 - 1


def _int(value: str | None) -> int | None:
    """An id from the query string, or None if it cannot be one."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def _places(form: FindForm) -> tuple[int | None, int | None]:
    """Fill the street and community choices; return the valid street and community.

    Only the chosen street's communities are listed, so the page stays small in a
    city of a thousand communities; a community of another street is dropped.
    """
    streets = db.session.execute(
        select(Street.id, Street.name).order_by(Street.code)
    ).all()
    street_id = _int(form.street.data)
    community_id = _int(form.community.data)
    if street_id not in {s for s, _name in streets}:
        street_id = None
    if street_id is None and community_id is not None:
        street_id = db.session.scalar(
            select(Community.street_id).where(Community.id == community_id)
        )
    communities = []
    if street_id is not None:
        communities = in_place_order(
            db.session.execute(
                select(Community.id, Community.name).where(
                    Community.street_id == street_id
                )
            ).all()
        )
    if community_id not in {c for c, _name in communities}:
        community_id = None
    form.street.choices = [SelectChoice("", _("All streets"))] + [
        SelectChoice(str(s), name) for s, name in streets
    ]
    form.community.choices = [
        SelectChoice(
            "", _("All communities") if street_id else _("Choose a street first")
        )
    ] + [SelectChoice(str(c), name) for c, name in communities]
    form.street.data = str(street_id) if street_id else ""
    form.community.data = str(community_id) if community_id else ""
    if street_id is None:
        form.community.render_kw = {"disabled": True}
    return street_id, community_id


def _filters(form: FindForm, now: datetime) -> ShiftFilter:
    street_id, community_id = _places(form)
    category = form.category.data if form.category.data in CATEGORIES else None
    starts_from, starts_before = date_window(form.when.data or "", form.date.data, now)
    return ShiftFilter(street_id, community_id, category, starts_from, starts_before)


@bp.route("/find")
@public
def index():
    """Open shifts to sign up for; htmx gets the list, the same URL the full page."""
    now = utcnow()
    form = FindForm(request.args)
    filters = _filters(form, now)
    after = _int(request.args.get("after"))
    shifts, more = find_open_shifts(filters, now=now, after=after)
    kept = {k: request.args[k] for k in FILTER_ARGS if request.args.get(k)}
    context = {
        "form": form,
        "shifts": shifts,
        "mine_by_shift": my_signups_for(current_user, [s.id for s in shifts]),
        "more_url": (
            url_for("finding.index", **kept, after=shifts[-1].id) if more else None
        ),
        "first_url": url_for("finding.index", **kept),
        "paged": after is not None,
        "filtered": bool(kept),
        "back_url": request.full_path.rstrip("?"),
        "today": local_date(now).isoformat(),
    }
    if is_htmx():
        if after is not None:
            return render_template("shifts/_find_items.html", **context)
        return render_template(
            "shifts/_find_results.html", community_oob=True, **context
        )
    return render_template("shifts/find.html", **context)
