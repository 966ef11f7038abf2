"""The district's time zone (HUB_TIMEZONE), read in this one place.

Everything stored is UTC; a person's day, month, "today" and the times on pages,
exports and file names are in this zone. Outside an application (the city seed,
a bare script) it is the configured default.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from hub.config import DEFAULT_TIMEZONE


def zone() -> ZoneInfo:
    """The configured zone (ZoneInfo caches instances, so this is cheap)."""
    if has_app_context():
        return ZoneInfo(current_app.config["TIMEZONE"])
    return ZoneInfo(DEFAULT_TIMEZONE)


def local(moment: datetime) -> datetime:
    """An aware moment as the district's wall-clock time."""
    return moment.astimezone(zone())


def local_date(moment: datetime) -> date:
    """The district's calendar day of an aware moment."""
    return moment.astimezone(zone()).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of a local day, as an aware UTC moment."""
    return datetime.combine(day, time.min, tzinfo=zone()).astimezone(UTC)
