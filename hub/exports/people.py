"""Exported lists about people: volunteers of a street and their confirmed hours.

Both carry full mobile numbers (reviewers may see them); every download of them
is audited like any export.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, select

from hub.categories import SKILL_LABELS
from hub.exports.batching import TWO_PLACES, Rows, batches, joined, label
from hub.models import (
    Community,
    Grid,
    Organization,
    Project,
    Shift,
    Signup,
    User,
    VolunteerProfile,
)
from hub.models.base import utcnow
from hub.models.hours import HourRecord
from hub.models.shifts import SignupState

HOUR_KIND_LABELS = {
    "shift": _l("Shift"),
    "backfill": _l("Entered afterwards"),
    "adjustment": _l("Correction"),
}


# Volunteers -----------------------------------------------------------------------


def _volunteers_query(street_ids: Sequence[int]) -> Select:
    live = Signup.state != SignupState.CANCELLED
    stats = (
        select(
            Signup.user_id.label("user_id"),
            func.count().label("signups"),
            func.sum(case((Signup.state == SignupState.ATTENDED, 1), else_=0)).label(
                "attended"
            ),
            func.max(Signup.starts_at).label("last_shift"),
        )
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Project, Project.id == Shift.project_id)
        .where(Project.street_id.in_(street_ids), live)
        .group_by(Signup.user_id)
        .subquery()
    )
    return (
        select(
            User.name,
            User.mobile,
            Community.name,
            Grid.name,
            VolunteerProfile.skills,
            stats.c.signups,
            stats.c.attended,
            stats.c.last_shift,
        )
        .join(stats, stats.c.user_id == User.id)
        .outerjoin(VolunteerProfile, VolunteerProfile.user_id == User.id)
        .outerjoin(Community, Community.id == VolunteerProfile.home_community_id)
        .outerjoin(Grid, Grid.id == VolunteerProfile.home_grid_id)
        .order_by(User.id)
    )


def volunteer_rows(street_ids: Sequence[int], state: str | None = None) -> Rows:
    """People signed up for shifts of these streets' projects, full mobile numbers."""
    for part in batches(_volunteers_query(street_ids)):
        for r in part:
            yield (
                r[0],
                r[1],
                r[2] or "",
                r[3] or "",
                joined(r[4], SKILL_LABELS),
                int(r[5] or 0),
                int(r[6] or 0),
                r[7],
            )


VOLUNTEER_COLUMNS = (
    _l("Name"),
    _l("Mobile number"),
    _l("Home community"),
    _l("Grid"),
    _l("Skills"),
    _l("Sign-ups"),
    _l("Attended"),
    _l("Latest shift"),
)


# Hours ----------------------------------------------------------------------------


def _hours_query(street_ids: Sequence[int]) -> Select:
    return (
        select(
            HourRecord.id,
            HourRecord.served_on,
            User.name,
            User.mobile,
            Project.title,
            Organization.name,
            Community.name,
            HourRecord.kind,
            HourRecord.minutes,
            HourRecord.confirmed_at,
            HourRecord.counts_from,
            HourRecord.reason,
        )
        .join(User, User.id == HourRecord.user_id)
        .join(Project, Project.id == HourRecord.project_id)
        .join(Organization, Organization.id == HourRecord.organization_id)
        .join(Community, Community.id == Project.community_id)
        .where(
            Project.street_id.in_(street_ids),
            # Only hours that count: a back-fill or an increase in its 7 days of
            # notice is not yet on anyone's record.
            HourRecord.counting(utcnow()),
        )
        .order_by(HourRecord.served_on, HourRecord.id)
    )


def hour_rows(street_ids: Sequence[int], state: str | None = None) -> Rows:
    """Hour records that count (adjustments included) of these streets' projects."""
    for part in batches(_hours_query(street_ids)):
        for r in part:
            yield (
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                label(HOUR_KIND_LABELS, r[7]),
                (Decimal(r[8]) / 60).quantize(TWO_PLACES),
                r[9],
                r[10],
                r[11] or "",
            )


HOUR_COLUMNS = (
    _l("Record number"),
    _l("Served on"),
    _l("Volunteer"),
    _l("Mobile number"),
    _l("Project"),
    _l("Organization (keeps the record)"),
    _l("Community"),
    _l("Kind"),
    _l("Hours"),
    _l("Confirmed on"),
    _l("Counts from"),
    _l("Reason"),
)
