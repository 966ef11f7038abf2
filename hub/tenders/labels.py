"""Words for tenders: deadlines in local time, days left, why one cannot propose."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton, format_time
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _

from hub.localtime import local, local_date
from hub.models import Organization
from hub.models.base import utcnow
from hub.models.organizations import Stage


def shanghai_datetime(value: datetime | None) -> str:
    """'2026年3月6日周五 17:00' / 'Fri, Mar 6, 2026 17:00', in local time."""
    if value is None:
        return ""
    wall = local(value)
    locale = get_locale()
    day = format_skeleton("yMMMEd", wall, locale=locale)
    return f"{day} {format_time(wall, 'HH:mm', locale=locale)}"


def days_left(deadline: datetime, now: datetime | None = None) -> int:
    """Whole local calendar days until the deadline's day; 0 on the day."""
    today = local_date(now or utcnow())
    return (local_date(deadline) - today).days


def deadline_note(deadline: datetime, now: datetime | None = None) -> str:
    """'3 days left', 'Closes today', or 'Closed' for a deadline."""
    now = now or utcnow()
    if deadline <= now:
        return _("Closed for proposals")
    left = days_left(deadline, now)
    if left <= 0:
        return _("Closes today")
    return ngettext("%(num)d day left", "%(num)d days left", left)


def cannot_propose_reason(org: Organization) -> str:
    """Why this organization may not propose: not approved yet, or revoked."""
    if org.is_public and org.is_barred():
        return _(
            "%(organization)s was concluded 不合格 in an evaluation meeting and "
            "cannot send proposals before %(date)s.",
            organization=org.name,
            date=format_date(org.barred_until, "long"),
        )
    if org.stage == Stage.REVOKED:
        return _(
            "The street revoked the approval of %(organization)s, "
            "so it cannot send proposals.",
            organization=org.name,
        )
    return _(
        "%(organization)s is not approved by the street yet. "
        "Only approved organizations can send proposals.",
        organization=org.name,
    )
