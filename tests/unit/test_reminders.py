"""24-hour reminders: once per confirmed sign-up, only for shifts in the next day."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from hub.extensions import db
from hub.models import Notification, OutboxMessage, Signup, User
from hub.models.base import utcnow
from hub.projects import services as projects
from hub.shifts import services
from hub.shifts.reminders import send_reminders
from tests import factories
from tests.factories import SHANGHAI

WEEKDAYS = "一二三四五六日"


def _reminded(user: User) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.kind == "shift_reminder"
            )
        )
    )


def _confirmed(hours_from_now: int, **kwargs) -> Signup:  # noqa: ANN003
    shift = factories.shift(hours_from_now=hours_from_now, **kwargs)
    return services.sign_up(shift, user=factories.volunteer())


def test_reminded_once_in_shanghai_time_and_never_twice() -> None:
    signup = _confirmed(20, place="锁三社区活动室")
    assert send_reminders() == 1
    assert send_reminders() == 0
    (note,) = _reminded(signup.user)
    local = signup.shift.starts_at.astimezone(SHANGHAI)
    expected = (
        f"{local.month}月{local.day}日 周{WEEKDAYS[local.weekday()]} {local:%H:%M}"
    )
    assert note.params == {
        "project": signup.shift.project.title,
        "when": expected,
        "place": "锁三社区活动室",
    }
    assert note.url == "/my/shifts"
    assert db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.notification_id == note.id)
    )
    assert db.session.get(Signup, signup.id).reminded_at is not None


def test_the_time_is_in_the_persons_language() -> None:
    signup = _confirmed(20)
    signup.user.locale = "en"
    db.session.flush()
    send_reminders()
    (note,) = _reminded(signup.user)
    local = signup.shift.starts_at.astimezone(SHANGHAI)
    assert note.params["when"] == local.strftime("%a %-d %b %H:%M")


def test_only_shifts_starting_within_the_next_24_hours() -> None:
    soon = _confirmed(23)
    project = soon.shift.project
    later = services.sign_up(
        factories.shift(project, hours_from_now=40), user=factories.volunteer()
    )
    started = services.sign_up(
        factories.shift(project, hours_from_now=30, length_hours=3),
        user=factories.volunteer(),
    )
    # Seen from 31 hours on: `started` began an hour ago, `later` is 9 hours off.
    assert send_reminders() == 1
    assert [n.user_id for n in _reminded(soon.user)] == [soon.user_id]
    assert _reminded(later.user) == _reminded(started.user) == []
    assert send_reminders(now=utcnow() + timedelta(hours=31)) == 1
    assert len(_reminded(later.user)) == 1
    assert _reminded(started.user) == []


def test_nobody_cancelled_or_waiting_is_reminded() -> None:
    shift = factories.shift(capacity=1, hours_from_now=10)
    holder = services.sign_up(shift, user=factories.volunteer())
    waiting = services.sign_up(shift, user=factories.volunteer())
    gone = factories.volunteer()
    services.cancel_signup(
        services.sign_up(factories.shift(shift.project, hours_from_now=12), user=gone),
        by=gone,
    )
    assert send_reminders() == 1
    assert len(_reminded(holder.user)) == 1
    assert _reminded(waiting.user) == _reminded(gone) == []


def test_cancelled_shifts_and_projects_are_not_reminded() -> None:
    cancelled_shift = _confirmed(10)
    services.cancel_shift(
        cancelled_shift.shift, by=cancelled_shift.user, reason="暴雨预警"
    )
    of_cancelled_project = _confirmed(10)
    project = of_cancelled_project.shift.project
    projects.cancel_project(
        project, by=factories.owner_of(project.organization), reason="经费取消"
    )
    assert send_reminders() == 0


def test_promoted_from_the_waitlist_later_is_reminded_then() -> None:
    shift = factories.shift(capacity=1, hours_from_now=10)
    holder = services.sign_up(shift, user=factories.volunteer())
    waiting = services.sign_up(shift, user=factories.volunteer())
    assert send_reminders() == 1
    services.cancel_signup(holder, by=holder.user)
    assert send_reminders() == 1
    assert len(_reminded(waiting.user)) == 1


def test_cli_says_how_many_were_sent(app: Flask) -> None:
    _confirmed(5)
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "reminders: 1 sent"
    again = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert again.output.strip() == "reminders: 0 sent"


def test_a_moved_shift_tells_its_people_and_reminds_again_for_the_new_time() -> None:
    signup = _confirmed(20, capacity=1)
    waiting = services.sign_up(signup.shift, user=factories.volunteer())
    assert send_reminders() == 1
    shift = signup.shift
    owner = factories.owner_of(shift.project.organization)
    new_start = shift.starts_at + timedelta(hours=2)
    services.update_shift(
        shift,
        by=owner,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
        place=shift.place,
        capacity=1,
    )
    changed = db.session.scalars(
        select(Notification).where(Notification.kind == "shift_changed")
    ).all()
    assert {n.user_id for n in changed} == {signup.user_id, waiting.user_id}
    local = new_start.astimezone(SHANGHAI)
    assert all(f"{local:%H:%M}" in n.params["when"] for n in changed)
    # The holder was reminded of the old time: reminded again for the new one.
    assert send_reminders() == 1
    assert len(_reminded(signup.user)) == 2


def test_a_new_place_is_told_but_the_reminder_stands() -> None:
    signup = _confirmed(20)
    assert send_reminders() == 1
    shift = signup.shift
    services.update_shift(
        shift,
        by=factories.owner_of(shift.project.organization),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        place="锁三社区二楼会议室",
        capacity=shift.capacity,
    )
    (changed,) = db.session.scalars(
        select(Notification).where(Notification.kind == "shift_changed")
    ).all()
    assert changed.params["place"] == "锁三社区二楼会议室"
    assert send_reminders() == 0


def test_changing_only_the_capacity_tells_nobody() -> None:
    signup = _confirmed(20)
    shift = signup.shift
    services.update_shift(
        shift,
        by=factories.owner_of(shift.project.organization),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        place=shift.place,
        capacity=shift.capacity + 2,
    )
    assert not db.session.scalars(
        select(Notification).where(Notification.kind == "shift_changed")
    ).all()
