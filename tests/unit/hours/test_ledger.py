"""The ledger: the rounding table, the cap, confirmed records that never change,
back-fills that wait, adjustments, disputes, and the queries others rely on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select, update

from hub.extensions import db
from hub.hours import attendance, ledger, marking, records, rules
from hub.models import AuditEntry, HourRecord, Notification, Signup, User
from hub.models.base import utcnow
from hub.models.hours import ConfirmedRecordIsFinal, RecordKind, RecordState
from tests import factories

M = timedelta(minutes=1)
S = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("attended", "minutes"),
    [
        (timedelta(0), 0),
        (7 * M + 29 * S, 0),
        (7 * M + 30 * S, 15),  # a tie rounds up
        (15 * M, 15),
        (22 * M + 29 * S, 15),
        (22 * M + 30 * S, 30),
        (52 * M + 29 * S, 45),
        (52 * M + 30 * S, 60),
        (60 * M, 60),
        (97 * M + 30 * S, 105),
        (119 * M, 120),
    ],
)
def test_rounding_to_the_nearest_quarter_hour(attended, minutes: int) -> None:  # noqa: ANN001
    assert ledger.round_to_quarter(attended.total_seconds()) == minutes


def test_attended_time_is_capped_at_the_shift_length() -> None:
    shift, (person,) = factories.staffed_shift()  # 2 hours
    attendance.check_in(shift, user=person, now=shift.starts_at - 30 * M)
    attendance.check_out(shift, user=person, now=shift.ends_at + 30 * M)
    assert ledger.shift_record(shift.id, person.id).minutes == 120


def test_cycles_add_up_inside_the_shift_only() -> None:
    shift, (person,) = factories.staffed_shift()
    start = shift.starts_at
    attendance.check_in(shift, user=person, now=start - 20 * M)
    attendance.check_out(shift, user=person, now=start + 40 * M)  # 40 min count
    attendance.check_in(shift, user=person, now=start + 60 * M)
    attendance.check_out(shift, user=person, now=start + 82 * M)  # 22 min
    record = ledger.shift_record(shift.id, person.id)
    assert (record.state, record.minutes) == (RecordState.PENDING, 60)  # 62 → 60


def test_confirming_notifies_is_audited_and_counts() -> None:
    record, shift, person, organizer = factories.confirmed_hours(minutes_in=97)
    assert (record.state, record.minutes) == (RecordState.CONFIRMED, 90)
    assert record.confirmed_by_id == organizer.id
    assert ledger.counting_minutes(person) == 90
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == person.id)
    ).all()
    assert "hours_confirmed" in kinds
    assert db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "hour_record",
            AuditEntry.object_id == record.id,
            AuditEntry.action == "hours.confirm",
        )
    )


def test_confirm_one_by_one_leaves_the_others_pending() -> None:
    shift, (first, second) = factories.staffed_shift(people=2, hours_from_now=-72)
    for person in (first, second):
        attendance.check_in(shift, user=person, now=shift.starts_at)
    organizer = factories.owner_of(shift.project.organization)
    marking.end_shift_for_all(shift, by=organizer, now=shift.ends_at)
    signup = db.session.scalar(select(Signup).where(Signup.user_id == first.id))
    done = records.confirm_hours(shift, by=organizer, signup=signup, now=shift.ends_at)
    assert [r.user_id for r in done] == [first.id]
    assert ledger.shift_record(shift.id, second.id).state == RecordState.PENDING


def test_confirming_refuses_while_someone_is_checked_in_before_the_end() -> None:
    shift, (person,) = factories.staffed_shift(hours_from_now=-72)
    attendance.check_in(shift, user=person, now=shift.starts_at)
    organizer = factories.owner_of(shift.project.organization)
    with pytest.raises(records.StillCheckedIn):
        records.confirm_hours(shift, by=organizer, now=shift.starts_at + 30 * M)


# A confirmed record never changes --------------------------------------------------


def test_changing_a_confirmed_record_raises() -> None:
    record, *_ = factories.confirmed_hours()
    record.minutes = 600
    with pytest.raises(ConfirmedRecordIsFinal):
        db.session.flush()


def test_deleting_a_confirmed_record_raises() -> None:
    record, *_ = factories.confirmed_hours()
    db.session.delete(record)
    with pytest.raises(ConfirmedRecordIsFinal):
        db.session.flush()


def test_bulk_update_of_records_raises() -> None:
    record, *_ = factories.confirmed_hours()
    with pytest.raises(ConfirmedRecordIsFinal):
        db.session.execute(
            update(HourRecord).where(HourRecord.id == record.id).values(minutes=1)
        )


def test_the_database_refuses_raw_sql_on_a_confirmed_record() -> None:
    record, *_ = factories.confirmed_hours()
    with pytest.raises(sa.exc.DBAPIError), db.session.begin_nested():
        db.session.execute(
            sa.text("UPDATE hour_records SET minutes = 1 WHERE id = :id"),
            {"id": record.id},
        )


def test_services_refuse_to_touch_attendance_behind_a_confirmed_record() -> None:
    record, shift, person, organizer = factories.confirmed_hours(hours_from_now=-1)
    with pytest.raises(attendance.HoursAlreadyConfirmed):
        attendance.check_in(shift, user=person, now=shift.ends_at - 5 * M)
    with pytest.raises(attendance.HoursAlreadyConfirmed):
        attendance.check_out(shift, user=person, now=shift.ends_at)
    assert records.confirm_hours(shift, by=organizer, now=shift.ends_at) == []
    with pytest.raises(records.NotAwaitingApproval):
        records.approve_entry(record, by=factories.volunteer())
    db.session.refresh(record)
    assert record.minutes == 120


def test_a_correction_is_a_new_adjustment_with_author_and_reason() -> None:
    record, _shift, person, organizer = factories.confirmed_hours()
    adjustment = records.add_adjustment(
        record, by=organizer, minutes=-30, reason="提前离开了半小时"
    )
    assert (adjustment.kind, adjustment.adjusts_id) == (
        RecordKind.ADJUSTMENT,
        record.id,
    )
    assert (adjustment.created_by_id, adjustment.reason) == (
        organizer.id,
        "提前离开了半小时",
    )
    db.session.refresh(record)
    assert record.minutes == 120
    assert ledger.counting_minutes(person) == 90


# Back-filled hours (补录) ------------------------------------------------------------


def _a_day_of(project, now=None) -> date:  # noqa: ANN001
    """The last day service may be entered for on the project."""
    return rules.project_span(project, now or utcnow())[1]


def test_backfill_counts_only_after_a_second_persons_approval_and_seven_days() -> None:
    project = factories.recruiting_project()
    author = factories.owner_of(project.organization)
    person = factories.volunteer()
    now = factories.shift(project).starts_at  # any fixed moment
    record = records.add_backfill(
        project,
        by=author,
        volunteer=person,
        served_on=_a_day_of(project, now),
        minutes=150,
        reason="系统上线前的活动",
        now=now,
    )
    assert record.state == RecordState.AWAITING_APPROVAL
    assert ledger.counting_minutes(person, now=now + timedelta(days=30)) == 0
    with pytest.raises(records.SecondPersonNeeded):
        records.approve_entry(record, by=author, now=now)
    with pytest.raises(records.SecondPersonNeeded):
        records.approve_entry(record, by=person, now=now)
    second = db.session.get(User, project.coordinator_id)
    records.approve_entry(record, by=second, now=now)
    assert record.state == RecordState.CONFIRMED
    assert ledger.counting_minutes(person, now=now + timedelta(days=6)) == 0
    assert ledger.counting_minutes(person, now=now + timedelta(days=7)) == 150
    assert ledger.minutes_by_user([person.id], now=now + timedelta(days=6)) == {}


def test_rejected_backfill_never_counts() -> None:
    project = factories.recruiting_project()
    record = records.add_backfill(
        project,
        by=factories.owner_of(project.organization),
        volunteer=factories.volunteer(),
        served_on=_a_day_of(project),
        minutes=60,
        reason="补录",
    )
    second = db.session.get(User, project.coordinator_id)
    records.reject_entry(record, by=second, reason="没有签到记录")
    assert record.state == RecordState.REJECTED
    assert ledger.counting_minutes(record.user_id) == 0


@pytest.mark.parametrize("minutes", [0, 10, 25 * 60, -15])
def test_backfill_minutes_are_positive_quarter_hours(minutes: int) -> None:
    project = factories.recruiting_project()
    with pytest.raises(records.BadEntry):
        records.add_backfill(
            project,
            by=factories.owner_of(project.organization),
            volunteer=factories.volunteer(),
            served_on=_a_day_of(project),
            minutes=minutes,
            reason="补录",
        )


# Disputes ---------------------------------------------------------------------------


def test_dispute_resolved_with_an_adjustment_tells_the_volunteer() -> None:
    record, _shift, person, organizer = factories.confirmed_hours(minutes_in=60)
    dispute = records.open_dispute(record, user=person, reason="我待到了结束")
    with pytest.raises(records.NotDisputable):  # one open question at a time
        records.open_dispute(record, user=person, reason="again")
    records.resolve_dispute(
        dispute, by=organizer, resolution="核实无误，补足", minutes=60
    )
    assert dispute.state == "resolved" and dispute.adjustment_id is not None
    # Time added needs a second person, then waits 7 days, as any hours added.
    assert ledger.counting_minutes(person) == 60
    added = db.session.get(HourRecord, dispute.adjustment_id)
    assert added.state == RecordState.AWAITING_APPROVAL
    now = utcnow()
    records.approve_entry(
        added, by=db.session.get(User, record.project.coordinator_id), now=now
    )
    assert ledger.counting_minutes(person, now=now + timedelta(days=7)) == 120
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == person.id)
    ).all()
    assert "dispute_resolved" in kinds
    with pytest.raises(records.DisputeClosed):
        records.resolve_dispute(dispute, by=organizer, resolution="again")


def test_nobody_disputes_someone_elses_record() -> None:
    record, *_ = factories.confirmed_hours()
    with pytest.raises(records.NotDisputable):
        records.open_dispute(record, user=factories.volunteer(), reason="不对")


# What other features read ------------------------------------------------------------


def test_counting_minutes_by_period_user_and_organization() -> None:
    record, shift, person, _org = factories.confirmed_hours()
    served = record.served_on
    assert ledger.counting_minutes(person, served, served) == 120
    assert ledger.counting_minutes(person, served + timedelta(days=1)) == 0
    assert ledger.counting_minutes(person, None, served - timedelta(days=1)) == 0
    assert ledger.minutes_by_user([person.id, 0]) == {person.id: 120}
    org_id = shift.project.organization_id
    assert ledger.minutes_by_organization([org_id]) == {org_id: 120}
    assert ledger.attended(person, shift.project)
    assert not ledger.attended(factories.volunteer(), shift.project)
