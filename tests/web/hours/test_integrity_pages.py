"""Issue 17 through the pages: corrections, check-ins sent later, back-fill input,
typed codes and the roster download, each as an attacker or a careless organizer
tried them on the demo."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.hours import attendance, ledger, records, tokens
from hub.models import HourRecord, Notification, Shift, Signup, User
from hub.models.base import utcnow
from hub.models.hours import RecordState
from hub.models.shifts import SignupState
from tests import factories
from tests.conftest import second_device

S = timedelta(seconds=1)


def _error(page: str, field_id: str) -> str:
    """The message shown beside a field ('' when none)."""
    found = re.search(
        rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page
    )
    return html.unescape(found.group(1)) if found else ""


def _english(client) -> None:  # noqa: ANN001
    client.post("/language", data={"locale": "en"})


# 1. Corrections -----------------------------------------------------------------------


def test_posting_plus_24_twice_is_422_beside_the_field_and_counts_nothing(
    client, login
) -> None:  # noqa: ANN001
    record, _shift, person, organizer = factories.confirmed_hours()
    login(organizer)
    _english(client)
    field = f"adjust-{record.id}-hours"
    for _attempt in range(2):
        response = client.post(
            f"/hours/{record.id}/adjust",
            data={field: "+24", f"adjust-{record.id}-reason": "补"},
        )
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "above 2.5 hours" in _error(page, field)
        assert 'value="+24"' in page
    later = utcnow() + timedelta(days=30)
    assert ledger.counting_minutes(person, now=later) == 120
    assert (
        db.session.scalar(select(HourRecord).where(HourRecord.adjusts_id.is_not(None)))
        is None
    )


def test_a_correction_upwards_waits_and_only_another_organizer_approves(
    app, client, login
) -> None:  # noqa: ANN001
    record, _shift, person, organizer = factories.confirmed_hours()
    login(organizer)
    response = client.post(
        f"/hours/{record.id}/adjust",
        data={
            f"adjust-{record.id}-hours": "0.5",
            f"adjust-{record.id}-reason": "布置场地",
        },
    )
    assert response.status_code == 303
    added = db.session.scalar(
        select(HourRecord).where(HourRecord.adjusts_id == record.id)
    )
    assert added.state == RecordState.AWAITING_APPROVAL
    assert ledger.counting_minutes(person) == 120
    page = client.get(f"/projects/{record.project_id}/hours").get_data(as_text=True)
    assert f'id="record-{added.id}"' in page  # listed with the entries to approve
    assert client.post(f"/hours/{added.id}/approve").status_code == 403
    coordinator = db.session.get(User, record.project.coordinator_id)
    other = second_device(app, coordinator)
    assert other.post(f"/hours/{added.id}/approve").status_code == 303
    assert db.session.get(HourRecord, added.id).state == RecordState.CONFIRMED
    assert ledger.counting_minutes(person) == 120  # the 7-day notice
    assert ledger.counting_minutes(person, now=utcnow() + timedelta(days=8)) == 150


def test_the_volunteer_may_not_approve_a_correction_of_their_hours(
    app, client, login
) -> None:  # noqa: ANN001
    record, _shift, person, organizer = factories.confirmed_hours()
    added = records.add_adjustment(record, by=organizer, minutes=15, reason="x")
    login(person)
    assert client.post(f"/hours/{added.id}/approve").status_code == 403
    assert client.post(f"/hours/{added.id}/reject").status_code == 403


def test_a_correction_downwards_counts_at_once_and_tells_the_volunteer(
    client, login
) -> None:  # noqa: ANN001
    record, _shift, person, organizer = factories.confirmed_hours()
    login(organizer)
    response = client.post(
        f"/hours/{record.id}/adjust",
        data={
            f"adjust-{record.id}-hours": "-0.5",
            f"adjust-{record.id}-reason": "早退",
        },
    )
    assert response.status_code == 303
    assert ledger.counting_minutes(person) == 90
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == person.id, Notification.kind == "hours_reduced"
        )
    )
    below = client.post(
        f"/hours/{record.id}/adjust",
        data={f"adjust-{record.id}-hours": "-2", f"adjust-{record.id}-reason": "x"},
    )
    assert below.status_code == 422
    assert _error(below.get_data(as_text=True), f"adjust-{record.id}-hours")


def test_a_dispute_answered_with_too_many_hours_is_422_beside_the_field(
    client, login
) -> None:  # noqa: ANN001
    record, _shift, person, organizer = factories.confirmed_hours()
    dispute = records.open_dispute(record, user=person, reason="少算了")
    login(organizer)
    response = client.post(
        f"/disputes/{dispute.id}/resolve",
        data={
            f"resolve-{dispute.id}-resolution": "补足",
            f"resolve-{dispute.id}-hours": "10",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error(page, f"resolve-{dispute.id}-hours") and 'value="10"' in page


# 2 and 3. Check-ins sent later --------------------------------------------------------


def _running(people: int = 1) -> tuple[Shift, list[User]]:
    return factories.staffed_shift(people=people, hours_from_now=0)


def test_a_stale_code_sent_79_seconds_later_waits_for_the_staff(
    app, client, login
) -> None:  # noqa: ANN001
    shift, (person,) = _running()
    login(person)
    _english(client)
    token = tokens.make_link_token(shift.id, "in", utcnow() - 79 * S)
    response = client.post("/checkin/late", json={"token": token})
    assert response.status_code == 200
    assert "once the organizer confirms" in response.get_json()["message"]
    (span,) = ledger.spans_of(shift.id, person.id)
    assert getattr(span, "verification", None) == "pending"
    assert (
        db.session.scalar(select(Signup.state).where(Signup.user_id == person.id))
        == SignupState.CONFIRMED
    )

    staff = second_device(app, factories.owner_of(shift.project.organization))
    page = staff.get(f"/shifts/{shift.id}/checkin").get_data(as_text=True)
    assert 'id="sent-later"' in page and person.name in page
    assert staff.post(f"/shifts/{shift.id}/attendance/end").status_code == 303
    assert staff.post(f"/shifts/{shift.id}/hours/confirm").status_code == 303
    record = ledger.shift_record(shift.id, person.id)
    assert record.state == RecordState.PENDING and record.minutes == 0


def test_the_staff_say_who_was_here_and_nobody_else_may(app, client, login) -> None:  # noqa: ANN001
    shift, (person,) = factories.staffed_shift(hours_from_now=-1)
    token = tokens.read_link_token(
        tokens.make_link_token(shift.id, "in", shift.starts_at)
    )
    attendance.use_token(
        token, user=person, late=True, now=shift.starts_at + 5 * 60 * S
    )
    signup = db.session.scalar(select(Signup).where(Signup.user_id == person.id))
    url = f"/shifts/{shift.id}/attendance/{signup.id}/sent-later"
    for who in (
        person,
        factories.org_staff(),
        factories.social_worker(community=shift.project.community),
    ):
        other = second_device(app, who)
        assert other.post(url, data={"decision": "accept"}).status_code == 403
    login(factories.owner_of(shift.project.organization))
    assert client.post(url, data={"decision": "maybe"}).status_code == 400
    assert client.post(url, data={"decision": "accept"}).status_code == 303
    (span,) = ledger.spans_of(shift.id, person.id)
    assert getattr(span, "verification", None) == "vouched"
    assert client.post(f"/shifts/{shift.id}/attendance/end").status_code == 303
    assert client.post(f"/shifts/{shift.id}/hours/confirm").status_code == 303
    record = ledger.shift_record(shift.id, person.id)
    assert record.state == RecordState.CONFIRMED and record.minutes == 60


def test_an_organizer_on_the_shift_may_not_vouch_for_themselves(
    app, client, login
) -> None:  # noqa: ANN001
    shift, _people = factories.staffed_shift(hours_from_now=-1)
    owner = factories.owner_of(shift.project.organization)
    from hub.shifts import services as shift_services

    shift_services.sign_up(shift, user=owner, now=shift.starts_at - timedelta(days=1))
    token = tokens.read_link_token(
        tokens.make_link_token(shift.id, "in", shift.starts_at)
    )
    attendance.use_token(token, user=owner, late=True, now=shift.starts_at + 300 * S)
    signup = db.session.scalar(select(Signup).where(Signup.user_id == owner.id))
    login(owner)
    url = f"/shifts/{shift.id}/attendance/{signup.id}/sent-later"
    assert client.post(url, data={"decision": "accept"}).status_code == 403


def test_live_and_late_cycles_of_one_quarter_hour_give_a_quarter_hour(
    app, client, login
) -> None:  # noqa: ANN001
    shift, (person,) = factories.staffed_shift(hours_from_now=-1)
    start = shift.starts_at
    attendance.check_in(shift, user=person, now=start)
    attendance.check_out(shift, user=person, now=start + 15 * 60 * S)
    login(person)
    for mode, at in (("in", start - 60 * S), ("out", start + 15 * 60 * S)):
        token = tokens.make_link_token(shift.id, mode, at)
        assert client.post("/checkin/late", json={"token": token}).status_code == 200
    staff = second_device(app, factories.owner_of(shift.project.organization))
    signup = db.session.scalar(select(Signup).where(Signup.user_id == person.id))
    staff.post(
        f"/shifts/{shift.id}/attendance/{signup.id}/sent-later",
        data={"decision": "accept"},
    )
    assert ledger.shift_record(shift.id, person.id).minutes == 15


# 4. Back-fill input -------------------------------------------------------------------


def _backfill(client, project, **values):  # noqa: ANN001, ANN003, ANN202
    data = {
        "mobile": "13966665555",
        "served_on": min(project.period_end, date.today()).isoformat(),
        "hours": "2",
        "reason": "上线前的活动",
    }
    data.update(values)
    return client.post(f"/projects/{project.id}/hours/backfill", data=data)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e1", "Enter hours as a number"),
        ("NaN", "Enter hours as a number"),
        ("1_0", "Enter hours as a number"),
        ("-1", "Hours cannot be negative"),
        ("－１", "Hours cannot be negative"),
        ("24.25", "At most 24 hours"),
        ("２４.２５", "At most 24 hours"),
        ("1.1", "quarter hours"),
        ("0", "more than 0 hours"),
    ],
)
def test_backfill_hours_people_would_not_type_are_422_beside_the_field(
    client, login, typed: str, message: str
) -> None:  # noqa: ANN001
    project = factories.recruiting_project()
    factories.volunteer(mobile="13966665555")
    login(factories.owner_of(project.organization))
    _english(client)
    response = _backfill(client, project, hours=typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in _error(page, "hours")
    assert "How many hours" not in page  # the rule, not a generic question
    assert f'value="{typed}"' in page
    assert db.session.scalar(select(HourRecord)) is None


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("2", 120), ("2.5", 150), ("2.25", 135), ("１.５", 90), ("１。５", 90)],
)
def test_backfill_hours_as_people_type_them(
    client, login, typed: str, minutes: int
) -> None:  # noqa: ANN001
    project = factories.recruiting_project()
    factories.volunteer(mobile="13966665555")
    login(factories.owner_of(project.organization))
    assert _backfill(client, project, hours=typed).status_code == 303
    assert db.session.scalar(select(HourRecord.minutes)) == minutes


def test_a_backfill_years_before_the_project_is_422_in_either_language(
    client, login
) -> None:  # noqa: ANN001
    project = factories.recruiting_project()
    factories.volunteer(mobile="13966665555")
    login(factories.owner_of(project.organization))
    chinese = _backfill(client, project, served_on="2019-05-01")
    assert chinese.status_code == 422
    page = chinese.get_data(as_text=True)
    assert _error(page, "served_on") and 'value="2019-05-01"' in page
    _english(client)
    english = _backfill(client, project, served_on="2019-05-01").get_data(as_text=True)
    assert "the project's period, up to today" in _error(english, "served_on")
    future = _backfill(
        client, project, served_on=(date.today() + timedelta(days=3)).isoformat()
    )
    assert future.status_code == 422
    assert "up to today" in _error(future.get_data(as_text=True), "served_on")
    assert db.session.scalar(select(HourRecord)) is None


# 5. The six digits as typed -----------------------------------------------------------


def _full_width(code: str) -> str:
    return "".join(chr(ord(c) - ord("0") + ord("０")) for c in code)


@pytest.mark.parametrize(
    "typed",
    [
        _full_width,
        lambda code: f"{code[:3]} {code[3:]}",
        lambda code: f"{_full_width(code[:3])}\u3000{code[3:]}",
    ],
    ids=["full-width", "as-shown-with-a-space", "mixed-ideographic-space"],
)
def test_the_code_is_accepted_as_people_type_it(client, login, typed) -> None:  # noqa: ANN001
    shift, (person,) = _running()
    login(person)
    code = tokens.numeric_code(shift.id, "in", tokens.slot_of(utcnow()))
    response = client.post(f"/shifts/{shift.id}/attend", data={"code": typed(code)})
    assert response.status_code == 303
    assert ledger.spans_of(shift.id, person.id)


@pytest.mark.parametrize("typed", ["１２３４５", "一二三四五六", "١٢٣٤٥٦", "12345x"])
def test_a_wrong_code_in_any_script_is_422_not_500(client, login, typed: str) -> None:
    shift, (person,) = _running()
    login(person)
    response = client.post(f"/shifts/{shift.id}/attend", data={"code": typed})
    assert response.status_code == 422
    assert _error(response.get_data(as_text=True), "code")


# 6. The roster download ---------------------------------------------------------------


def test_the_roster_csv_lists_people_already_checked_in(client, login) -> None:
    shift, (came, other) = _running(people=2)
    attendance.check_in(shift, user=came)
    login(factories.owner_of(shift.project.organization))
    page = client.get(f"/shifts/{shift.id}/roster").get_data(as_text=True)
    assert came.name in page
    body = client.get(f"/shifts/{shift.id}/roster.csv").get_data(as_text=True)
    names = [row[0] for row in csv.reader(io.StringIO(body.lstrip("\ufeff")))][1:]
    assert came.name in names and other.name in names
