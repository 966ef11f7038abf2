"""Sign-ups: capacity, waitlist order, overlaps, double taps (the SQLite path)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.extensions import db
from hub.models import Notification, Shift, Signup
from hub.models.shifts import SignupState
from hub.projects import services as projects
from hub.shifts import services
from tests import factories


def _confirmed(shift: Shift) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Signup.shift_id == shift.id, Signup.state == SignupState.CONFIRMED
        )
    )


def test_confirmed_until_full_then_waitlisted() -> None:
    shift = factories.shift(capacity=2)
    states = [
        services.sign_up(shift, user=factories.volunteer()).state for _ in range(4)
    ]
    assert states == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    db.session.refresh(shift)
    assert shift.confirmed_count == 2 == _confirmed(shift)
    assert shift.is_full and shift.places_left == 0


def test_double_tap_creates_nothing_twice() -> None:
    shift = factories.shift(capacity=2)
    person = factories.volunteer()
    first = services.sign_up(shift, user=person)
    again = services.sign_up(shift, user=person)
    assert first.id == again.id
    db.session.refresh(shift)
    assert shift.confirmed_count == 1


def test_cancelling_promotes_the_first_waiting_and_tells_them() -> None:
    shift = factories.shift(capacity=1)
    holder = services.sign_up(shift, user=factories.volunteer())
    first_waiting = factories.volunteer()
    second_waiting = factories.volunteer()
    services.sign_up(shift, user=first_waiting)
    services.sign_up(shift, user=second_waiting)
    promoted = services.cancel_signup(holder, by=holder.user)
    assert [p.user_id for p in promoted] == [first_waiting.id]
    assert (
        db.session.scalar(
            select(Notification.kind).where(Notification.user_id == first_waiting.id)
        )
        == "signup_promoted"
    )
    db.session.refresh(shift)
    assert shift.confirmed_count == 1 == _confirmed(shift)


def test_leaving_the_waitlist_frees_no_place() -> None:
    shift = factories.shift(capacity=1)
    services.sign_up(shift, user=factories.volunteer())
    waiting = services.sign_up(shift, user=factories.volunteer())
    assert services.cancel_signup(waiting, by=waiting.user) == []
    db.session.refresh(shift)
    assert shift.confirmed_count == 1


def test_no_two_overlapping_confirmed_shifts() -> None:
    project = factories.recruiting_project()
    morning = factories.shift(project, capacity=5, hours_from_now=48, length_hours=3)
    overlapping = factories.shift(
        project, capacity=5, hours_from_now=50, length_hours=2
    )
    later = factories.shift(project, capacity=5, hours_from_now=51, length_hours=2)
    person = factories.volunteer()
    services.sign_up(morning, user=person)
    with pytest.raises(services.OverlapsAnotherShift):
        services.sign_up(overlapping, user=person)
    assert services.sign_up(later, user=person).state == "confirmed"  # back to back


def test_waiting_person_with_a_clash_is_passed_over_not_dropped() -> None:
    project = factories.recruiting_project()
    full = factories.shift(project, capacity=1, hours_from_now=48)
    clash = factories.shift(project, capacity=5, hours_from_now=48)
    holder = services.sign_up(full, user=factories.volunteer())
    busy, free = factories.volunteer(), factories.volunteer()
    services.sign_up(full, user=busy)
    services.sign_up(full, user=free)
    services.sign_up(clash, user=busy)  # busy now holds a confirmed shift at that time
    promoted = services.cancel_signup(holder, by=holder.user)
    assert [p.user_id for p in promoted] == [free.id]
    still = db.session.scalar(
        select(Signup.state).where(
            Signup.shift_id == full.id, Signup.user_id == busy.id
        )
    )
    assert still == "waitlisted"


def test_sign_up_again_after_cancelling_goes_to_the_back() -> None:
    shift = factories.shift(capacity=1)
    person = factories.volunteer()
    signup = services.sign_up(shift, user=person)
    services.cancel_signup(signup, by=person)
    other = services.sign_up(shift, user=factories.volunteer())
    assert other.state == "confirmed"
    again = services.sign_up(shift, user=person)
    assert again.id == signup.id and again.state == "waitlisted"


def test_only_open_shifts_of_recruiting_projects_take_sign_ups() -> None:
    project = factories.recruiting_project()
    shift = factories.shift(project)
    projects.start_project(project, by=factories.owner_of(project.organization))
    with pytest.raises(services.ShiftNotOpen):
        services.sign_up(shift, user=factories.volunteer())


def test_started_shift_takes_no_sign_ups() -> None:
    shift = factories.shift()
    with pytest.raises(services.ShiftNotOpen):
        services.sign_up(shift, user=factories.volunteer(), now=shift.starts_at)


def test_capacity_never_below_confirmed() -> None:
    shift = factories.shift(capacity=3)
    for _ in range(2):
        services.sign_up(shift, user=factories.volunteer())
    owner = factories.owner_of(shift.project.organization)
    kwargs = {
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "place": shift.place,
    }
    with pytest.raises(services.CapacityBelowConfirmed):
        services.update_shift(shift, by=owner, capacity=1, **kwargs)
    services.update_shift(shift, by=owner, capacity=2, **kwargs)
    assert db.session.get(Shift, shift.id).capacity == 2


def test_raising_capacity_promotes_the_waitlist() -> None:
    shift = factories.shift(capacity=1)
    services.sign_up(shift, user=factories.volunteer())
    waiting = services.sign_up(shift, user=factories.volunteer())
    owner = factories.owner_of(shift.project.organization)
    services.update_shift(
        shift,
        by=owner,
        capacity=2,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        place=shift.place,
    )
    assert db.session.get(Signup, waiting.id).state == "confirmed"


def test_cancelling_a_shift_tells_everyone_and_frees_them() -> None:
    shift = factories.shift(capacity=1)
    a = services.sign_up(shift, user=factories.volunteer())
    b = services.sign_up(shift, user=factories.volunteer())
    with pytest.raises(ValueError):
        services.cancel_shift(
            shift, by=factories.owner_of(shift.project.organization), reason=" "
        )
    services.cancel_shift(
        shift, by=factories.owner_of(shift.project.organization), reason="暴雨"
    )
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "shift_cancelled")
        )
    )
    assert told == {a.user_id, b.user_id}
    assert db.session.get(Signup, a.id).state == "cancelled"


def test_weekly_repeats_share_a_series() -> None:
    project = factories.recruiting_project()
    first = factories.shift(project, repeat_weeks=3)
    series = db.session.scalars(
        select(Shift).where(Shift.series_id == first.id).order_by(Shift.starts_at)
    ).all()
    assert len(series) == 4
    assert series[3].starts_at - series[0].starts_at == timedelta(weeks=3)


def test_the_database_refuses_overbooking_whatever_the_code_does() -> None:
    import sqlalchemy as sa

    shift = factories.shift(capacity=1)
    services.sign_up(shift, user=factories.volunteer())
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(Shift).where(Shift.id == shift.id).values(confirmed_count=2)
        )


def test_a_shift_cancelled_meanwhile_refuses_rather_than_waitlists() -> None:
    from sqlalchemy import update

    from hub.models.shifts import ShiftState

    shift = factories.shift(capacity=2)
    # Another request cancels it after this one loaded the shift: this session
    # still sees it scheduled (on PostgreSQL it keeps that copy; SQLite's write
    # lock starts a fresh transaction, which sees the cancellation anyway).
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id)
        .values(state=ShiftState.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    assert shift.state == ShiftState.SCHEDULED
    with pytest.raises(services.ShiftNotOpen):
        services.sign_up(shift, user=factories.volunteer())
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 0
