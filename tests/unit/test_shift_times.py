"""A shift's time in words: one helper, and an end after midnight says 次日."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask_babel import force_locale

from hub.extensions import db
from hub.models import User
from hub.models.base import utcnow
from hub.shifts import services, when
from tests import factories
from tests.factories import SHANGHAI


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def _say(app: Flask, locale: str, start: datetime, end: datetime | None) -> str:
    with app.test_request_context(), force_locale(locale):
        return when(start, end)


def test_a_shift_within_one_day_shows_only_the_end_time(app: Flask) -> None:
    text = _say(app, "zh_CN", _at(5, 9), _at(5, 11, 30))
    assert text == "12月5日 周六 09:00–11:30"


def test_a_shift_past_midnight_says_next_day_in_chinese(app: Flask) -> None:
    text = _say(app, "zh_CN", _at(5, 22), _at(6, 2))
    assert text == "12月5日 周六 22:00–次日 02:00"


def test_a_shift_past_midnight_says_next_day_in_english(app: Flask) -> None:
    text = _say(app, "en", _at(5, 22), _at(6, 2))
    assert text == "Sat 5 Dec 22:00–02:00 (next day)"


def test_a_shift_ending_at_midnight_ends_the_next_day(app: Flask) -> None:
    assert _say(app, "zh_CN", _at(5, 20), _at(6, 0)).endswith("次日 00:00")


def test_a_shift_of_a_day_or_more_gives_the_end_date(app: Flask) -> None:
    text = _say(app, "zh_CN", _at(5, 9), _at(6, 10))
    assert text == "12月5日 周六 09:00–12月6日 周日 10:00"


def test_the_day_is_counted_in_shanghai_not_utc(app: Flask) -> None:
    # 07:00–09:00 in Shanghai crosses midnight in UTC (23:00–01:00): same day here.
    assert _say(app, "zh_CN", _at(5, 7), _at(5, 9)) == "12月5日 周六 07:00–09:00"


def test_messages_in_each_persons_language_say_next_day(app: Flask) -> None:
    person = factories.volunteer(locale="en")
    with app.test_request_context():
        assert services.when_for(person, _at(5, 22), _at(6, 2)).endswith(
            "02:00 (next day)"
        )


def _overnight_shift():  # noqa: ANN202
    """A 22:00–02:00 shift (Shanghai) two to three days from now."""
    project = factories.recruiting_project()
    local = (utcnow() + timedelta(days=2)).astimezone(SHANGHAI)
    start = local.replace(hour=22, minute=0, second=0, microsecond=0)
    return services.add_shifts(
        project,
        by=factories.owner_of(project.organization),
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        place="锁三社区活动室",
        capacity=3,
    )[0]


def test_pages_and_messages_about_an_overnight_shift_say_next_day(
    app: Flask, client, login
) -> None:
    shift = _overnight_shift()
    me = login(factories.volunteer())
    services.sign_up(shift, user=me)
    for url in (
        f"/projects/{shift.project_id}",
        "/my/shifts",
    ):
        page = client.get(url).get_data(as_text=True)
        assert "22:00–次日 02:00" in page, url
    client.post("/logout")
    login(db.session.get(User, shift.project.coordinator_id))
    roster = client.get(f"/shifts/{shift.id}/roster").get_data(as_text=True)
    assert "22:00–次日 02:00" in roster
