"""Working days in mainland China, holidays and adjusted weekends (调休) included."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar

from hub.localtime import local_date


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    """The official calendar where it is known, else Monday to Friday.

    Cached: the calendar is fixed for a day, and a review queue asks about the
    same few weeks of days for every filing on every request.
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the calendar does not cover yet
        return day.weekday() < 5


def working_days_waiting(since: datetime, now: datetime) -> int:
    """Whole working days passed since ``since`` (that day itself not counted)."""
    start = local_date(since)
    end = local_date(now)
    days = 0
    day = start + timedelta(days=1)
    while day <= end:
        if is_workday(day):
            days += 1
        day += timedelta(days=1)
    return days
