"""My hours, disputes, certificates and /verify; the project's hours for organizers:
back-fill with a second approver, corrections, answers to disputes."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.hours import certificates, records, rules
from hub.models import AuditEntry, Certificate, HourDispute, HourRecord, User
from hub.models.base import utcnow
from hub.models.hours import RecordState
from tests import factories


def test_my_hours_shows_total_by_organization_month_and_every_record(
    client, login
) -> None:
    record, shift, person, _organizer = factories.confirmed_hours(minutes_in=90)
    login(person)
    page = client.get("/my/hours").get_data(as_text=True)
    assert 'class="hours-total">1.5<' in page
    assert shift.project.organization.name in page
    assert record.served_on.strftime("%Y-%m") in page
    assert f'id="record-{record.id}"' in page


def test_other_volunteers_hours_may_not_be_disputed(client, login) -> None:
    record, *_ = factories.confirmed_hours()
    login(factories.volunteer())
    response = client.post(
        f"/my/hours/{record.id}/dispute", data={f"dispute-{record.id}-reason": "x"}
    )
    assert response.status_code == 403


def test_dispute_needs_a_reason_then_is_recorded(client, login) -> None:
    record, _shift, person, _organizer = factories.confirmed_hours()
    login(person)
    empty = client.post(f"/my/hours/{record.id}/dispute", data={})
    assert empty.status_code == 422
    ok = client.post(
        f"/my/hours/{record.id}/dispute",
        data={f"dispute-{record.id}-reason": "我十二点才走"},
    )
    assert ok.status_code == 303
    dispute = db.session.scalar(select(HourDispute))
    assert dispute.reason == "我十二点才走"
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "hours.dispute")
    )


def test_certificate_is_issued_printed_and_kept_to_its_holder(client, login) -> None:
    record, shift, person, _organizer = factories.confirmed_hours()
    login(person)
    day = record.served_on.isoformat()
    response = client.post("/my/certificates", data={"start": day, "end": day})
    assert response.status_code == 303
    cert = db.session.scalar(select(Certificate))
    assert response.headers["Location"].endswith(f"/certificates/{cert.id}")
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert cert.number in page and person.name in page
    assert shift.project.organization.name in page and shift.project.title in page
    assert f"/verify/{cert.code}" in page and 'class="qr"' in page
    assert re.search(r"css/print\.[0-9a-f]+\.css", page)  # hashed, cached long
    client.post("/logout")
    login(factories.volunteer())
    assert client.get(f"/certificates/{cert.id}").status_code == 403


def test_certificate_for_an_empty_period_is_422(client, login) -> None:
    login(factories.volunteer())
    response = client.post(
        "/my/certificates", data={"start": "2020-01-01", "end": "2020-01-31"}
    )
    assert response.status_code == 422
    assert 'value="2020-01-01"' in response.get_data(as_text=True)
    bad = client.post("/my/certificates", data={"start": "2020-02-01", "end": "x"})
    assert bad.status_code == 422


def test_verify_page_is_public_and_shows_no_unmasked_data(client) -> None:
    person = factories.volunteer(name="张晓明", mobile="13911112222")
    record, *_ = factories.confirmed_hours(person)
    cert = certificates.issue_certificate(
        person, start=record.served_on, end=record.served_on
    )
    client.post("/language", data={"locale": "en"})
    response = client.get(f"/verify/{cert.code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "张**" in page and "Valid certificate" in page
    assert "张晓明" not in page and "晓明" not in page
    assert "13911112222" not in page and "2222" not in page
    assert cert.number in page
    assert client.get("/verify/no-such-code").status_code == 404


def test_verify_says_no_longer_valid_after_a_correction(client) -> None:
    record, _shift, person, organizer = factories.confirmed_hours()
    cert = certificates.issue_certificate(
        person, start=record.served_on, end=record.served_on
    )
    records.add_adjustment(
        record,
        by=organizer,
        minutes=-15,
        reason="少算休息",
        now=cert.issued_at + timedelta(seconds=1),
    )
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "No longer valid" in page


# The project's hours, for its organizers ----------------------------------------


def _a_day_of(project) -> str:  # noqa: ANN001
    """The last day service may be entered for on the project, as the form has it."""
    return rules.project_span(project, utcnow())[1].isoformat()


def test_backfill_by_one_organizer_approved_by_another(client, login, app) -> None:  # noqa: ANN001
    project = factories.recruiting_project()
    person = factories.volunteer(mobile="13966665555")
    login(factories.owner_of(project.organization))
    bad = client.post(
        f"/projects/{project.id}/hours/backfill",
        data={"mobile": "13966665555", "served_on": "2026-10-03", "hours": "1.1"},
    )
    assert bad.status_code == 422
    assert 'value="1.1"' in bad.get_data(as_text=True)
    ok = client.post(
        f"/projects/{project.id}/hours/backfill",
        data={
            "mobile": "13966665555",
            "served_on": _a_day_of(project),
            "hours": "2.5",
            "reason": "上线前的活动",
        },
    )
    assert ok.status_code == 303
    record = db.session.scalar(
        select(HourRecord).where(HourRecord.user_id == person.id)
    )
    assert (record.minutes, record.state) == (150, RecordState.AWAITING_APPROVAL)
    # The author may not approve their own entry.
    assert client.post(f"/hours/{record.id}/approve").status_code == 403
    from tests.conftest import second_device

    coordinator = db.session.get(User, project.coordinator_id)
    other = second_device(app, coordinator)
    assert other.post(f"/hours/{record.id}/approve").status_code == 303
    assert db.session.get(HourRecord, record.id).state == RecordState.CONFIRMED


def test_correction_and_dispute_answer_by_the_organizer(client, login) -> None:
    record, _shift, person, organizer = factories.confirmed_hours()
    dispute = records.open_dispute(record, user=person, reason="少算了")
    login(organizer)
    page = client.get(f"/projects/{record.project_id}/hours").get_data(as_text=True)
    assert f'id="dispute-{dispute.id}"' in page and f'id="record-{record.id}"' in page
    empty = client.post(f"/hours/{record.id}/adjust", data={})
    assert empty.status_code == 422
    ok = client.post(
        f"/hours/{record.id}/adjust",
        data={
            f"adjust-{record.id}-hours": "-0.5",
            f"adjust-{record.id}-reason": "早退",
        },
    )
    assert ok.status_code == 303
    answered = client.post(
        f"/disputes/{dispute.id}/resolve",
        data={f"resolve-{dispute.id}-resolution": "已更正"},
    )
    assert answered.status_code == 303
    assert db.session.get(HourDispute, dispute.id).state == "resolved"
    assert db.session.get(HourRecord, record.id).minutes == 120


def _other_staff(project) -> User:  # noqa: ANN001
    return factories.org_staff()


def _other_social_worker(project) -> User:  # noqa: ANN001
    return factories.social_worker(community=project.community)


def _the_volunteer(project) -> User:  # noqa: ANN001
    return db.session.scalar(
        select(User)
        .join(HourRecord, HourRecord.user_id == User.id)
        .where(HourRecord.project_id == project.id)
    )


@pytest.mark.parametrize(
    "who",
    [_other_staff, _other_social_worker, _the_volunteer],
    ids=lambda f: f.__name__.strip("_"),
)
def test_others_may_not_keep_a_projects_hours(client, login, who) -> None:  # noqa: ANN001
    record, _shift, person, _organizer = factories.confirmed_hours()
    dispute = records.open_dispute(record, user=person, reason="少算了")
    project = record.project
    login(who(project))
    assert client.get(f"/projects/{project.id}/hours").status_code == 403
    assert client.post(f"/projects/{project.id}/hours/backfill").status_code == 403
    assert client.post(f"/hours/{record.id}/adjust").status_code == 403
    assert client.post(f"/hours/{record.id}/approve").status_code == 403
    assert client.post(f"/hours/{record.id}/reject").status_code == 403
    assert client.post(f"/disputes/{dispute.id}/resolve").status_code == 403


def test_my_hours_needs_a_login(client) -> None:
    assert client.get("/my/hours").status_code == 302
    assert client.post("/my/certificates").status_code in (302, 400)


def test_backfill_dates_are_days(client, login) -> None:
    project = factories.recruiting_project()
    factories.volunteer(mobile="13966665555")
    login(factories.owner_of(project.organization))
    response = client.post(
        f"/projects/{project.id}/hours/backfill",
        data={
            "mobile": "13966665555",
            "served_on": date(2099, 1, 1).isoformat(),
            "hours": "1",
            "reason": "x",
        },
    )
    assert response.status_code == 422
    assert response.status_code == 422
    assert db.session.scalar(select(HourRecord)) is None


def test_the_hours_page_lists_shifts_whose_hours_wait(client, login) -> None:
    """A shift that is over, with check-ins not yet confirmed, is one tap away
    from the project's hours page (and gone from it once confirmed)."""
    from hub.hours import attendance

    shift, (person,) = factories.staffed_shift(1, hours_from_now=-30)
    attendance.check_in(shift, user=person, now=shift.starts_at)
    attendance.check_out(shift, user=person, now=shift.ends_at)
    project = shift.project
    organizer = login(factories.owner_of(project.organization))
    html = client.get(f"/projects/{project.id}/hours").get_data(as_text=True)
    assert f'href="/shifts/{shift.id}/attendance"' in html
    assert "1 人的时长待确认" in html
    records.confirm_hours(shift, by=organizer, now=shift.ends_at + timedelta(minutes=5))
    html = client.get(f"/projects/{project.id}/hours").get_data(as_text=True)
    assert f'href="/shifts/{shift.id}/attendance"' not in html


def test_the_manage_page_leads_to_the_projects_hours(client, login) -> None:
    project = factories.recruiting_project()
    login(factories.owner_of(project.organization))
    html = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    assert f'href="/projects/{project.id}/hours"' in html
