"""The district's time zone comes from HUB_TIMEZONE, read in one place."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

import hub
from hub import localtime
from hub.config import DEFAULT_TIMEZONE, ConfigurationError, check_config, load_config
from hub.exports.writers import csv_chunks
from hub.reports.scope import Period
from hub.workdays import working_days_waiting

# 2026-12-04 23:30 in Beijing is still 12-04 in UTC, but 12-05 in Shanghai.
LATE = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)


def test_default_is_shanghai(app: Flask) -> None:
    with app.app_context():
        assert (
            localtime.zone() == ZoneInfo(DEFAULT_TIMEZONE) == ZoneInfo("Asia/Shanghai")
        )
        assert localtime.local_date(LATE) == date(2026, 12, 4)


def test_every_local_day_follows_the_configured_zone(app: Flask) -> None:
    saved = app.config["TIMEZONE"]
    try:
        for name, day in (
            ("Asia/Shanghai", date(2026, 12, 4)),
            ("Asia/Tokyo", date(2026, 12, 5)),
        ):
            app.config["TIMEZONE"] = name
            with app.app_context():
                assert localtime.local_date(LATE) == day
                assert localtime.day_start(day).astimezone(ZoneInfo(name)).hour == 0
                period = Period(day, day)
                assert period.starts_at == localtime.day_start(day)
                # Working days count local calendar days.
                assert working_days_waiting(LATE, LATE) == 0
                # Exports write local wall-clock times.
                csv = b"".join(csv_chunks(["at"], [[LATE]])).decode("utf-8-sig")
                wall = LATE.astimezone(ZoneInfo(name)).strftime("%Y-%m-%d %H:%M")
                assert csv.splitlines()[1] == wall
    finally:
        app.config["TIMEZONE"] = saved


def test_an_unknown_zone_refuses_to_start() -> None:
    config = load_config({"TIMEZONE": "Asia/Nowhere", "ENV": "testing"})
    with pytest.raises(ConfigurationError, match="HUB_TIMEZONE"):
        check_config(config)


def test_no_module_names_a_zone_of_its_own() -> None:
    """Only hub/config.py names the default; everything else asks hub.localtime."""
    root = Path(hub.__file__).parent
    naming = re.compile(r'ZoneInfo\("|"Asia/Shanghai"')
    found = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if naming.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["config.py"]
