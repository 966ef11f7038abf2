"""Checking in and out: windows, idempotence, replays, the daily cycle cap, late
deliveries from offline phones, and the organizer's marks by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.hours import attendance, ledger, marking, tokens
from hub.models import Attendance, AuditEntry, Signup
from hub.models.base import utcnow
from hub.models.hours import Method
from hub.models.shifts import SignupState
from hub.shifts import services as shift_services
from tests import factories
from tests.factories import SHANGHAI

M = timedelta(minutes=1)


def _spans(shift, user) -> list[Attendance]:  # noqa: ANN001
    return ledger.spans_of(shift.id, user.id)


def _token(shift, mode: str, at):  # noqa: ANN001, ANN202
    return tokens.read_link_token(tokens.make_link_token(shift.id, mode, at))


def test_check_in_marks_the_signup_attended_and_is_audited() -> None:
    shift, (person,) = factories.staffed_shift()
    outcome = attendance.check_in(shift, user=person, now=shift.starts_at - 10 * M)
    assert outcome.result == "checked_in"
    signup = db.session.scalar(select(Signup).where(Signup.user_id == person.id))
    assert signup.state == SignupState.ATTENDED
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == signup.id)
    ).all()
    assert {"signup.attended", "attendance.check_in"} <= set(actions)
    assert ledger.attended(person, shift.project)


def test_checking_in_twice_changes_nothing() -> None:
    shift, (person,) = factories.staffed_shift()
    first = attendance.check_in(shift, user=person, now=shift.starts_at)
    again = attendance.check_in(shift, user=person, now=shift.starts_at + 5 * M)
    assert again.result == "already_in" and not again.changed
    assert again.attendance.id == first.attendance.id
    assert len(_spans(shift, person)) == 1
    out = attendance.check_out(shift, user=person, now=shift.starts_at + 60 * M)
    again_out = attendance.check_out(shift, user=person, now=shift.starts_at + 61 * M)
    assert (out.result, again_out.result) == ("checked_out", "already_out")
    assert _spans(shift, person)[0].checked_out_at == shift.starts_at + 60 * M


def test_replayed_check_in_code_opens_no_second_cycle() -> None:
    shift, (person,) = factories.staffed_shift()
    at = shift.starts_at + 5 * M
    s = timedelta(seconds=1)
    code_in = _token(shift, "in", at)
    assert attendance.use_token(code_in, user=person, now=at).result == "checked_in"
    attendance.use_token(
        _token(shift, "out", at + 10 * s), user=person, now=at + 10 * s
    )
    # The same check-in code again while still fresh, or sent late: nothing new.
    replay = attendance.use_token(code_in, user=person, now=at + 20 * s)
    assert replay.result == "already_in"
    late = attendance.use_token(code_in, user=person, late=True, now=at + 60 * M)
    assert late.result == "already_in"
    assert len(_spans(shift, person)) == 1


def test_rotated_out_code_is_refused_when_scanned() -> None:
    shift, (person,) = factories.staffed_shift()
    at = shift.starts_at
    with pytest.raises(tokens.StaleToken):
        attendance.use_token(_token(shift, "in", at), user=person, now=at + 2 * M)
    assert _spans(shift, person) == []


@pytest.mark.parametrize(
    ("offset", "too_early"), [(-31 * M, True), (2 * 60 * M + M, False)]
)
def test_check_in_outside_the_window_is_refused(offset, too_early: bool) -> None:  # noqa: ANN001
    shift, (person,) = factories.staffed_shift()  # two hours long
    with pytest.raises(attendance.OutsideWindow) as refused:
        attendance.check_in(shift, user=person, now=shift.starts_at + offset)
    assert refused.value.too_early is too_early


def test_check_in_opens_thirty_minutes_before_the_start() -> None:
    shift, (person,) = factories.staffed_shift()
    outcome = attendance.check_in(shift, user=person, now=shift.starts_at - 30 * M)
    assert outcome.result == "checked_in"


def test_not_signed_up_or_waitlisted_cannot_check_in() -> None:
    shift, (held,) = factories.staffed_shift(capacity=1)
    waiting = factories.volunteer()
    shift_services.sign_up(shift, user=waiting, now=shift.starts_at - 2 * 60 * M)
    stranger = factories.volunteer()
    for person in (waiting, stranger):
        with pytest.raises(attendance.NotSignedUp):
            attendance.check_in(shift, user=person, now=shift.starts_at)
    assert held is not None


def test_check_out_without_check_in_is_refused() -> None:
    shift, (person,) = factories.staffed_shift()
    with pytest.raises(attendance.NotCheckedIn):
        attendance.check_out(shift, user=person, now=shift.starts_at)


def test_at_most_three_cycles_per_person_and_day() -> None:
    # Starting about 10:00 in Shanghai, so the cycles never straddle midnight.
    local_hour = utcnow().astimezone(SHANGHAI).hour
    shift, (person,) = factories.staffed_shift(
        hours_from_now=48 + (10 - local_hour) % 24
    )
    at = shift.starts_at
    for _cycle in range(attendance.MAX_CYCLES_PER_DAY):
        attendance.check_in(shift, user=person, now=at)
        attendance.check_out(shift, user=person, now=at + 10 * M)
        at += 20 * M
    with pytest.raises(attendance.TooManyCycles):
        attendance.check_in(shift, user=person, now=at)
    assert len(_spans(shift, person)) == 3


def test_late_delivery_checks_in_at_the_signed_time() -> None:
    shift, (person,) = factories.staffed_shift()
    scanned = shift.starts_at + 3 * M
    token = _token(shift, "in", scanned)
    delivered = scanned + 90 * M  # the phone was offline for an hour and a half
    outcome = attendance.use_token(token, user=person, late=True, now=delivered)
    assert outcome.result == "checked_in"
    span = outcome.attendance
    assert span.checked_in_at == token.signed_at
    assert span.in_method == Method.OFFLINE


def test_late_delivery_of_a_code_signed_outside_the_window_is_refused() -> None:
    shift, (person,) = factories.staffed_shift()
    early = _token(shift, "in", shift.starts_at - 45 * M)
    with pytest.raises(attendance.OutsideWindow):
        attendance.use_token(early, user=person, late=True, now=shift.starts_at)


def test_late_delivery_after_a_day_is_refused() -> None:
    shift, (person,) = factories.staffed_shift()
    token = _token(shift, "in", shift.starts_at)
    with pytest.raises(attendance.OutsideWindow):
        attendance.use_token(
            token, user=person, late=True, now=shift.ends_at + timedelta(hours=25)
        )


def test_walk_in_by_mobile_is_added_and_checked_in() -> None:
    shift, _people = factories.staffed_shift()
    organizer = factories.owner_of(shift.project.organization)
    walker = factories.volunteer(mobile="13977776666")
    outcome = marking.add_walk_in(
        shift, by=organizer, mobile="139 7777 6666", now=shift.starts_at + 10 * M
    )
    assert outcome.attendance.user_id == walker.id
    assert outcome.attendance.in_method == Method.MANUAL
    signup = db.session.scalar(select(Signup).where(Signup.user_id == walker.id))
    assert signup.state == SignupState.ATTENDED
    with pytest.raises(marking.UnknownMobile):
        marking.add_walk_in(
            shift, by=organizer, mobile="13700000000", now=shift.starts_at
        )


def test_mark_attended_by_hand_covers_the_shift_and_no_show_needs_no_check_in() -> None:
    shift, (came, absent) = factories.staffed_shift(people=2)
    organizer = factories.owner_of(shift.project.organization)
    now = shift.ends_at + 10 * M
    marking.mark_attended(
        db.session.scalar(select(Signup).where(Signup.user_id == came.id)),
        by=organizer,
        now=now,
    )
    (span,) = _spans(shift, came)
    assert (span.checked_in_at, span.checked_out_at) == (shift.starts_at, shift.ends_at)
    absent_signup = db.session.scalar(select(Signup).where(Signup.user_id == absent.id))
    marking.mark_no_show(absent_signup, by=organizer, now=now)
    assert absent_signup.state == SignupState.NO_SHOW
    with pytest.raises(marking.HasAttendance):
        marking.mark_no_show(
            db.session.scalar(select(Signup).where(Signup.user_id == came.id)),
            by=organizer,
            now=now,
        )


def test_end_shift_for_all_checks_everyone_out() -> None:
    shift, people = factories.staffed_shift(people=2)
    for person in people:
        attendance.check_in(shift, user=person, now=shift.starts_at)
    organizer = factories.owner_of(shift.project.organization)
    assert (
        marking.end_shift_for_all(shift, by=organizer, now=shift.starts_at + 90 * M)
        == 2
    )
    for person in people:
        (span,) = _spans(shift, person)
        assert span.checked_out_at == shift.starts_at + 90 * M
        assert span.out_method == Method.END_ALL
        assert ledger.shift_record(shift.id, person.id).minutes == 90
