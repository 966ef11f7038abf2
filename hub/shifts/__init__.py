"""Shifts and sign-ups: capacity and overlaps held by the database, with a waitlist."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates
from flask import Flask
from flask_babel import get_locale, get_timezone, gettext
from flask_babel import lazy_gettext as _l


def when(starts_at: datetime, ends_at: datetime | None = None) -> str:
    """Like 12月6日 周六 09:00–11:30 (Asia/Shanghai); without an end, only the start.

    The one way a shift's time is put into words (pages, rosters, messages): an
    end on the next day says so (22:00–次日 02:00), a later one gives its date.
    """
    locale = get_locale()  # None outside a request: the product's default
    # Translated here, outside the cache: the catalogue needs the request's locale.
    next_day = gettext("%(time)s (next day)")
    return _when(
        str(locale or "zh_CN"), str(get_timezone()), starts_at, ends_at, next_day
    )


@lru_cache(maxsize=8192)
def _when(
    locale: str,
    timezone: str,
    starts_at: datetime,
    ends_at: datetime | None,
    next_day: str = "%(time)s (next day)",
) -> str:
    """The same shifts are shown again and again: format each one once.

    A pure function of its arguments (aware datetimes hash by their instant), so
    the cache can never show a stale time.
    """
    chinese = locale.startswith("zh")
    pattern = "M月d日 EEE HH:mm" if chinese else "EEE d MMM HH:mm"
    tz = ZoneInfo(timezone)

    def fmt(moment: datetime, pattern: str) -> str:
        return dates.format_datetime(moment, pattern, tzinfo=tz, locale=locale)

    if ends_at is None:
        return fmt(starts_at, pattern)
    end = fmt(ends_at, "HH:mm")
    days_later = (ends_at.astimezone(tz).date() - starts_at.astimezone(tz).date()).days
    if days_later == 1 and ends_at - starts_at < timedelta(days=1):
        end = next_day % {"time": end}
    elif days_later >= 1:
        end = fmt(ends_at, pattern)
    return f"{fmt(starts_at, pattern)}–{end}"


def init_shifts(app: Flask) -> None:
    """Register shift pages (finding, calendars, posters, rosters), words, CLI."""
    from hub.audit_log.labels import register_action_labels, register_state_labels
    from hub.categories import SKILL_LABELS
    from hub.notifications.messages import register_kind
    from hub.shifts import labels
    from hub.shifts.routes import calendar, finding, poster, roster, signup

    app.register_blueprint(signup.bp)
    app.register_blueprint(finding.bp)
    app.register_blueprint(calendar.bp)
    app.register_blueprint(poster.bp)
    roster.init_roster(app)
    app.jinja_env.globals.update(
        skill_label=lambda value: str(SKILL_LABELS.get(value, value)),
        signup_state_label=labels.signup_state_label,
        signup_state_chip=labels.signup_state_chip,
        shift_state_label=labels.shift_state_label,
    )
    app.jinja_env.filters["when"] = when
    register_state_labels("shift", labels.SHIFT_STATE_LABELS)
    register_state_labels("signup", labels.SIGNUP_STATE_LABELS)
    register_action_labels(
        {
            "shift.add": _l("Shifts added"),
            "shift.update": _l("Shift changed"),
            "shift.cancel": _l("Shift cancelled"),
            "signup.create": _l("Signed up"),
            "signup.cancel": _l("Sign-up cancelled"),
            "signup.remove": _l("Removed from a shift"),
        }
    )
    for kind, message in {
        "signup_promoted": _l(
            "A place freed up: you are now confirmed for %(project)s."
        ),
        "signup_removed": _l("The organizer removed you from %(project)s: %(reason)s"),
        "shift_cancelled": _l("A shift of %(project)s was cancelled: %(reason)s"),
        "shift_changed": _l(
            "A shift of %(project)s you are on has changed: now %(when)s at %(place)s."
        ),
    }.items():
        register_kind(kind, message)
