"""Words that mean one thing on one page and another elsewhere, each page its own:
confirmed hours are 已确认 (a confirmed sign-up is 已报名), the residents' tab of
people whose home is confirmed is 已确认, and hours read 0.25 小时 / 0.25 h."""

from __future__ import annotations

from flask_babel import force_locale

from hub.extensions import db
from hub.hours.messages import hours_amount, hours_text
from tests import factories
from tests.evaluation_factories import completed_project, resident


def test_confirmed_hours_are_not_signed_up(client, login) -> None:
    _record, _shift, person, _organizer = factories.confirmed_hours(minutes_in=15)
    login(person)
    page = client.get("/my/hours").get_data(as_text=True)
    assert "已确认" in page
    assert "已报名" not in page
    assert "0.25 小时" in page
    assert " h<" not in page and "0.25 h" not in page


def test_hours_in_english_pages(client, login) -> None:
    _record, _shift, person, _organizer = factories.confirmed_hours(minutes_in=15)
    person.locale = "en"
    db.session.flush()
    login(person)
    page = client.get("/my/hours").get_data(as_text=True)
    assert "0.25 h" in page
    assert "小时" not in page


def test_the_residents_tab_says_confirmed_not_signed_up(client, login) -> None:
    project, _ = completed_project(attendees=0)
    resident(project, confirmed=True, name="陈阿姨")
    login(factories.social_worker(community=project.community, locale="zh_CN"))
    page = client.get("/community/residents?show=confirmed").get_data(as_text=True)
    assert "已确认" in page
    assert "已报名" not in page


def test_the_roster_heading_is_the_sign_up_word(client, login) -> None:
    shift = factories.shift()
    login(factories.owner_of(shift.project.organization))  # Chinese by default
    page = client.get(f"/shifts/{shift.id}/roster").get_data(as_text=True)
    assert "<h2>已报名</h2>" in page


def test_hours_are_written_in_the_readers_locale(app) -> None:
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert hours_amount(15) == "0.25 小时"
            assert hours_amount(90, signed=True) == "+1.5 小时"
            assert hours_amount(-30, signed=True) == "-0.5 小时"
            assert hours_text(120) == "2"
            assert hours_text(90_000) == "1,500"
        with force_locale("en"):
            assert hours_amount(15) == "0.25 h"
            assert hours_amount(45) == "0.75 h"
            assert hours_amount(0) == "0 h"
