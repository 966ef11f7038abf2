"""Hours nobody can inflate (issue 17): corrections within the shift and approved by
a second person, time on a shift as the union of its cycles, check-ins sent late
with a stale code that wait for the staff, back-fills within the project's span,
and check-in codes as people type them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.hours import attendance, ledger, marking, records, rules, tokens
from hub.models import Attendance, HourRecord, Notification, Signup, User
from hub.models.base import utcnow
from hub.models.hours import (
    NotAwaitingReview,
    RecordState,
    SecondPersonNeeded,
    Verification,
)
from hub.models.shifts import SignupState
from tests import factories

M = timedelta(minutes=1)
S = timedelta(seconds=1)


def _second(record: HourRecord) -> User:
    """Another organizer of the record's project: its coordinating social worker."""
    return db.session.get(User, record.project.coordinator_id)


def _kinds(user: User) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind).where(Notification.user_id == user.id)
        )
    )


# 1. Corrections -----------------------------------------------------------------------


def test_the_plus_24_attack_is_refused_above_the_shift_and_its_margin() -> None:
    record, _shift, person, organizer = factories.confirmed_hours()  # 2 h shift
    for _attempt in range(2):
        with pytest.raises(rules.AboveCeiling) as refused:
            records.add_adjustment(record, by=organizer, minutes=24 * 60, reason="x")
    assert (refused.value.ceiling, refused.value.standing) == (150, 120)
    assert ledger.counting_minutes(person, now=utcnow() + timedelta(days=30)) == 120
    assert (
        db.session.scalar(select(HourRecord).where(HourRecord.adjusts_id.is_not(None)))
        is None
    )


def test_the_margin_is_half_an_hour_and_waiting_corrections_use_it_up() -> None:
    record, _shift, _person, organizer = factories.confirmed_hours()
    assert rules.correction_ceiling(record) == 120 + 30
    records.add_adjustment(record, by=organizer, minutes=15, reason="布置场地")
    records.add_adjustment(record, by=organizer, minutes=15, reason="收拾场地")
    # Both still wait for approval, and together they fill the margin.
    with pytest.raises(rules.AboveCeiling):
        records.add_adjustment(record, by=organizer, minutes=15, reason="再加")


def test_a_backfill_is_corrected_up_to_a_day_at_most() -> None:
    project = factories.recruiting_project()
    author = factories.owner_of(project.organization)
    backfill = records.add_backfill(
        project,
        by=author,
        volunteer=factories.volunteer(),
        served_on=rules.project_span(project, utcnow())[1],
        minutes=23 * 60,
        reason="补录",
    )
    records.approve_entry(backfill, by=_second(backfill))
    assert rules.correction_ceiling(backfill) == 24 * 60
    with pytest.raises(rules.AboveCeiling):
        records.add_adjustment(backfill, by=author, minutes=75, reason="x")
    assert records.add_adjustment(backfill, by=author, minutes=60, reason="漏记")


def test_a_correction_upwards_waits_for_a_second_person_and_seven_days() -> None:
    record, _shift, person, organizer = factories.confirmed_hours(minutes_in=90)
    now = utcnow()
    added = records.add_adjustment(
        record, by=organizer, minutes=30, reason="最后半小时没扫码", now=now
    )
    assert added.state == RecordState.AWAITING_APPROVAL and added.counts_from is None
    assert ledger.counting_minutes(person, now=now + timedelta(days=30)) == 90
    for not_a_second_person in (organizer, person):
        with pytest.raises(SecondPersonNeeded):
            records.approve_entry(added, by=not_a_second_person, now=now)
    records.approve_entry(added, by=_second(record), now=now)
    assert ledger.counting_minutes(person, now=now + timedelta(days=6)) == 90
    assert ledger.counting_minutes(person, now=now + timedelta(days=7)) == 120
    assert "hours_added" in _kinds(person)


def test_a_refused_correction_upwards_never_counts_and_frees_the_margin() -> None:
    record, _shift, person, organizer = factories.confirmed_hours()
    added = records.add_adjustment(record, by=organizer, minutes=30, reason="x")
    records.reject_entry(added, by=_second(record), reason="没有依据")
    assert ledger.counting_minutes(person, now=utcnow() + timedelta(days=30)) == 120
    assert records.add_adjustment(record, by=organizer, minutes=30, reason="核实")


def test_a_correction_downwards_counts_at_once_and_the_volunteer_is_told() -> None:
    record, _shift, person, organizer = factories.confirmed_hours()
    taken = records.add_adjustment(record, by=organizer, minutes=-45, reason="早退")
    assert taken.state == RecordState.CONFIRMED
    assert ledger.counting_minutes(person) == 75
    assert "hours_reduced" in _kinds(person)
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == person.id, Notification.kind == "hours_reduced"
        )
    )
    assert note.params["hours"] == "0.75" and note.params["reason"] == "早退"


def test_no_correction_takes_a_record_below_zero() -> None:
    record, _shift, person, organizer = factories.confirmed_hours()
    # A correction upwards still waiting does not make room for taking away.
    records.add_adjustment(record, by=organizer, minutes=30, reason="x")
    with pytest.raises(rules.BelowZero) as refused:
        records.add_adjustment(record, by=organizer, minutes=-135, reason="y")
    assert refused.value.standing == 120
    records.add_adjustment(record, by=organizer, minutes=-120, reason="全部取消")
    assert ledger.counting_minutes(person) == 0


def test_a_dispute_answered_with_more_time_goes_through_the_same_rules() -> None:
    record, _shift, person, organizer = factories.confirmed_hours(minutes_in=60)
    dispute = records.open_dispute(record, user=person, reason="我待到了结束")
    with pytest.raises(rules.AboveCeiling):
        records.resolve_dispute(dispute, by=organizer, resolution="补", minutes=600)
    records.resolve_dispute(dispute, by=organizer, resolution="补足", minutes=60)
    added = db.session.get(HourRecord, dispute.adjustment_id)
    assert added.state == RecordState.AWAITING_APPROVAL


def test_corrections_of_corrections_and_of_unconfirmed_records_are_refused() -> None:
    record, _shift, _person, organizer = factories.confirmed_hours()
    taken = records.add_adjustment(record, by=organizer, minutes=-15, reason="x")
    with pytest.raises(records.NotCorrectable):
        records.add_adjustment(taken, by=organizer, minutes=-15, reason="y")


@pytest.mark.parametrize("minutes", [0, 10, 24 * 60 + 15])
def test_a_correction_is_quarter_hours_up_to_a_day(minutes: int) -> None:
    record, _shift, _person, organizer = factories.confirmed_hours()
    with pytest.raises(rules.BadEntry):
        records.add_adjustment(record, by=organizer, minutes=minutes, reason="x")


def test_approving_is_a_transition_refused_twice() -> None:
    record, _shift, _person, organizer = factories.confirmed_hours()
    added = records.add_adjustment(record, by=organizer, minutes=15, reason="x")
    records.approve_entry(added, by=_second(record))
    with pytest.raises(records.NotAwaitingApproval):
        records.approve_entry(added, by=_second(record))
    with pytest.raises(records.NotAwaitingApproval):
        records.reject_entry(added, by=_second(record), reason="y")


# 2. The union of cycles ---------------------------------------------------------------


def _span(shift, start_min: int, end_min: int, state=Verification.LIVE) -> Attendance:  # noqa: ANN001
    return Attendance(
        checked_in_at=shift.starts_at + start_min * M,
        checked_out_at=shift.starts_at + end_min * M,
        verification=state,
    )


@pytest.mark.parametrize(
    ("cycles", "minutes"),
    [
        ([(0, 15), (-1, 15)], 15),  # the attack: the same quarter hour twice
        ([(0, 60), (30, 90)], 90),
        ([(0, 60), (10, 20)], 60),  # one inside the other
        ([(0, 30), (60, 90)], 60),  # apart: both count
        ([(0, 30), (30, 60)], 60),  # touching
        ([(-30, 200), (0, 120)], 120),  # capped at the shift
    ],
)
def test_time_on_a_shift_is_the_union_of_its_cycles(cycles, minutes: int) -> None:  # noqa: ANN001
    shift = factories.shift()
    spans = [_span(shift, a, b) for a, b in cycles]
    assert ledger.attended_seconds(spans, shift) == minutes * 60


def test_cycles_waiting_or_refused_add_nothing() -> None:
    shift = factories.shift()
    spans = [
        _span(shift, 0, 30),
        _span(shift, 30, 90, Verification.PENDING),
        _span(shift, 90, 120, Verification.REFUSED),
        _span(shift, 60, 75, Verification.VOUCHED),
    ]
    assert ledger.attended_seconds(spans, shift) == 45 * 60


def test_a_late_offline_check_in_and_a_live_one_count_the_presence_once() -> None:
    shift, (person,) = factories.staffed_shift()
    start = shift.starts_at
    attendance.check_in(shift, user=person, now=start)
    attendance.check_out(shift, user=person, now=start + 15 * M)
    # The same phone's earlier scans, sent after it came back online an hour later.
    late_in = tokens.read_link_token(tokens.make_link_token(shift.id, "in", start - M))
    attendance.use_token(late_in, user=person, late=True, now=start + 60 * M)
    late_out = tokens.read_link_token(
        tokens.make_link_token(shift.id, "out", start + 15 * M)
    )
    attendance.use_token(late_out, user=person, late=True, now=start + 61 * M)
    signup = db.session.scalar(select(Signup).where(Signup.user_id == person.id))
    marking.review_sent_later(
        signup,
        by=factories.owner_of(shift.project.organization),
        accept=True,
        now=start + 62 * M,
    )
    assert ledger.shift_record(shift.id, person.id).minutes == 15


# 3. Check-ins sent later with a code no longer fresh ----------------------------------


def _late(shift, person, scanned, delivered):  # noqa: ANN001, ANN202
    token = tokens.read_link_token(tokens.make_link_token(shift.id, "in", scanned))
    return attendance.use_token(token, user=person, late=True, now=delivered)


def test_a_stale_code_sent_79_seconds_later_waits_and_counts_nothing_alone() -> None:
    shift, (person,) = factories.staffed_shift(hours_from_now=-3)
    scanned = shift.starts_at + 10 * M
    outcome = _late(shift, person, scanned, scanned + 79 * S)
    span = outcome.attendance
    assert span.verification == Verification.PENDING and span.in_method == "offline"
    signup = db.session.scalar(select(Signup).where(Signup.user_id == person.id))
    assert signup.state == SignupState.CONFIRMED  # not "attended" on its own
    organizer = factories.owner_of(shift.project.organization)
    marking.end_shift_for_all(shift, by=organizer, now=shift.ends_at)
    assert ledger.shift_record(shift.id, person.id).minutes == 0
    # Confirming everyone leaves them pending; confirming them alone is refused.
    assert records.confirm_hours(shift, by=organizer, now=shift.ends_at) == []
    signup.state = SignupState.ATTENDED  # e.g. marked by hand meanwhile
    db.session.flush()
    with pytest.raises(records.AwaitingReview):
        records.confirm_hours(shift, by=organizer, signup=signup, now=shift.ends_at)
    assert ledger.counting_minutes(person, now=shift.ends_at + timedelta(days=30)) == 0


def test_the_staff_confirm_a_check_in_sent_later_and_it_counts() -> None:
    shift, (person,) = factories.staffed_shift(hours_from_now=-3)
    _late(shift, person, shift.starts_at, shift.starts_at + 5 * M)
    organizer = factories.owner_of(shift.project.organization)
    marking.end_shift_for_all(shift, by=organizer, now=shift.ends_at)
    signup = db.session.scalar(select(Signup).where(Signup.user_id == person.id))
    assert marking.review_sent_later(signup, by=organizer, accept=True) == 1
    assert signup.state == SignupState.ATTENDED
    with pytest.raises(NotAwaitingReview):  # decided once
        marking.review_sent_later(signup, by=organizer, accept=False)
    (record,) = records.confirm_hours(shift, by=organizer, now=shift.ends_at)
    assert record.minutes == 120


def test_refused_check_ins_sent_later_never_count_and_allow_a_no_show() -> None:
    shift, (person,) = factories.staffed_shift(hours_from_now=-3)
    _late(shift, person, shift.starts_at, shift.starts_at + 5 * M)
    organizer = factories.owner_of(shift.project.organization)
    signup = db.session.scalar(select(Signup).where(Signup.user_id == person.id))
    marking.review_sent_later(signup, by=organizer, accept=False)
    (span,) = ledger.spans_of(shift.id, person.id)
    assert span.verification == Verification.REFUSED
    assert span.reviewed_by_id == organizer.id
    marking.mark_no_show(signup, by=organizer, now=shift.ends_at)
    assert signup.state == SignupState.NO_SHOW


def test_nobody_confirms_their_own_check_in_sent_later() -> None:
    shift, (person,) = factories.staffed_shift(hours_from_now=-3)
    _late(shift, person, shift.starts_at, shift.starts_at + 5 * M)
    signup = db.session.scalar(select(Signup).where(Signup.user_id == person.id))
    with pytest.raises(SecondPersonNeeded):
        marking.review_sent_later(signup, by=person, accept=True)


def test_a_code_still_fresh_when_it_arrives_counts_as_a_live_scan() -> None:
    shift, (person,) = factories.staffed_shift()
    scanned = shift.starts_at + 10 * M
    outcome = _late(shift, person, scanned, scanned + 20 * S)
    assert outcome.attendance.verification == Verification.LIVE
    assert outcome.attendance.checked_in_at == scanned + 20 * S


def test_a_live_check_in_after_one_sent_later_starts_a_counted_cycle() -> None:
    shift, (person,) = factories.staffed_shift()
    start = shift.starts_at
    _late(shift, person, start, start + 5 * M)  # open, waiting
    live = attendance.check_in(shift, user=person, now=start + 30 * M)
    assert live.result == "checked_in" and live.attendance.counts
    attendance.check_out(shift, user=person, now=start + 90 * M)
    waiting, counted = ledger.spans_of(shift.id, person.id)
    assert waiting.awaits_review and waiting.checked_out_at == start + 30 * M
    assert ledger.shift_record(shift.id, person.id).minutes == 60


def test_a_late_check_in_never_replaces_a_live_one() -> None:
    shift, (person,) = factories.staffed_shift()
    start = shift.starts_at
    attendance.check_in(shift, user=person, now=start)
    outcome = _late(shift, person, start + 20 * M, start + 40 * M)
    assert outcome.result == "already_in" and outcome.attendance.counts


# 4. Back-fills: the day and the hours -------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "error"),
    [
        (0, rules.ZeroHours),
        (-60, rules.NegativeHours),
        (10, rules.NotQuarterHours),
        (Decimal("126"), rules.NotQuarterHours),
        (24 * 60 + 15, rules.OverADay),
        (Decimal("NaN"), rules.NotQuarterHours),
        (Decimal("Infinity"), rules.NotQuarterHours),
    ],
)
def test_minutes_entered_are_quarter_hours_up_to_a_day(minutes, error) -> None:  # noqa: ANN001
    with pytest.raises(error):
        rules.check_minutes(minutes)


def test_minutes_entered_may_be_negative_only_for_a_correction() -> None:
    assert rules.check_minutes(-15, signed=True) == -15
    assert rules.check_minutes(Decimal("135.0")) == 135


def test_a_backfill_years_before_the_project_or_in_the_future_is_refused() -> None:
    project = factories.recruiting_project()
    author = factories.owner_of(project.organization)
    first, last = rules.project_span(project, utcnow())
    for day, error in (
        (date(2019, 5, 1), rules.DayOutsideProject),
        (first - timedelta(days=1), rules.DayOutsideProject),
        (utcnow().date() + timedelta(days=2), rules.DayInFuture),
    ):
        with pytest.raises(error):
            records.add_backfill(
                project,
                by=author,
                volunteer=factories.volunteer(),
                served_on=day,
                minutes=60,
                reason="补录",
            )
    assert db.session.scalar(select(HourRecord)) is None


def test_the_projects_span_stretches_to_the_shifts_it_held() -> None:
    project = factories.recruiting_project()
    held = factories.shift(project, hours_from_now=-24 * 40)
    first, _last = rules.project_span(project, utcnow())
    assert first == ledger.local_day(held.starts_at) < project.period_start


def test_one_persons_backfills_for_one_day_stay_within_a_day() -> None:
    project = factories.recruiting_project()
    author = factories.owner_of(project.organization)
    person = factories.volunteer()
    day = rules.project_span(project, utcnow())[1]
    records.add_backfill(
        project,
        by=author,
        volunteer=person,
        served_on=day,
        minutes=20 * 60,
        reason="补录",
    )
    with pytest.raises(rules.DayFull) as refused:
        records.add_backfill(
            project,
            by=author,
            volunteer=person,
            served_on=day,
            minutes=5 * 60,
            reason="补录",
        )
    assert refused.value.room == 4 * 60


# 5. Check-in codes as typed -----------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["１２３４５６", "12345６", "١٢٣٤٥٦", "12 3456", "abcdef"]
)
def test_a_code_not_six_ascii_digits_is_a_bad_token_never_a_crash(typed: str) -> None:
    with pytest.raises(tokens.BadToken):
        tokens.read_numeric_code(1, typed, utcnow())
