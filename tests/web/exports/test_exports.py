"""Export pages: each list of my street only, as CSV and Excel, audited."""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hub.evaluations import services as evaluations
from hub.exports.lists import EXPORTS
from hub.extensions import db
from hub.models import AuditEntry
from hub.models.base import utcnow
from hub.models.evaluations import Conclusion
from hub.models.hours import HourRecord
from hub.permissions import Role
from hub.projects import services as projects
from tests import factories
from tests.evaluation_factories import completed_project, open_evaluation
from tests.factories import SHANGHAI

KINDS = list(EXPORTS)


def street_with_everything(label: str) -> SimpleNamespace:
    """A street with a filing, a completed project, attendees, hours and ratings."""
    street = factories.StreetFactory(name=f"{label}街道")
    org = factories.approved_organization(street=street, name=f"{label}助老服务社")
    project, people = completed_project(attendees=2, org=org, title=f"{label}探访项目")
    open_evaluation(project)
    for person in people:
        evaluations.rate_project(
            project, user=person, satisfaction=5, quality=4, responsiveness=3
        )
        db.session.add(
            HourRecord(
                user_id=person.id,
                kind="shift",
                state="confirmed",
                minutes=150,
                organization_id=org.id,
                project_id=project.id,
                served_on=date(2026, 12, 6),
                confirmed_at=utcnow(),
                counts_from=utcnow(),
            )
        )
    projects.record_meeting(
        project,
        by=factories.reviewer(street=street),
        held_on=date(2026, 12, 20),
        attendees="街道、社区、居民代表",
        summary="服务到位。",
        conclusion=Conclusion.GOOD,
    )
    db.session.flush()
    return SimpleNamespace(
        street=street,
        org=org,
        project=project,
        people=people,
        reviewer=factories.reviewer(street=street),
    )


def markers(data: SimpleNamespace, kind: str) -> list[str]:
    """Text that identifies this street's rows in each list."""
    return {
        "organizations": [data.org.name],
        "projects": [data.project.title],
        "volunteers": [p.mobile for p in data.people],
        "hours": [p.mobile for p in data.people],
        "evaluations": [data.project.title],
    }[kind]


def table(response, fmt: str) -> list[list[str]]:  # noqa: ANN001
    """The downloaded rows as text, whichever the format."""
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [
        ["" if v is None else str(v) for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]


@pytest.fixture
def two_streets() -> tuple[SimpleNamespace, SimpleNamespace]:
    return street_with_everything("甲"), street_with_everything("乙")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_reviewer_sees_only_their_own_streets_rows(
    client, login, two_streets, kind: str, fmt: str
) -> None:
    a, b = two_streets
    login(b.reviewer)
    response = client.get(f"/reports/exports/{kind}.{fmt}", buffered=True)
    assert response.status_code == 200
    text = "\n".join("\t".join(r) for r in table(response, fmt))
    for marker in markers(b, kind):
        assert marker in text
    for marker in markers(a, kind):
        assert marker not in text


def test_csv_has_bom_translated_header_and_chinese_rows(
    client, login, two_streets
) -> None:
    _a, b = two_streets
    login(b.reviewer)
    response = client.get("/reports/exports/organizations.csv", buffered=True)
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.mimetype == "text/csv"
    rows = table(response, "csv")
    with client.application.test_request_context():
        expected = [str(c) for c in EXPORTS["organizations"].columns]
    assert rows[0] == expected
    assert rows[0][1] == "组织名称"  # Chinese by default
    (row,) = rows[1:]
    assert row[1] == "乙助老服务社" and row[2] == "乙街道"
    assert row[0] == b.org.filing_number


def test_the_file_name_carries_the_list_street_and_date(
    client, login, two_streets
) -> None:
    _a, b = two_streets
    login(b.reviewer)
    response = client.get("/reports/exports/volunteers.xlsx", buffered=True)
    disposition = response.headers["Content-Disposition"]
    today = utcnow().astimezone(SHANGHAI).date().isoformat()
    fallback = f'filename="volunteers-{b.street.code}-{today}.xlsx"'
    assert disposition.startswith(f"attachment; {fallback}; filename*=UTF-8''")
    assert disposition.endswith(quote(f"-乙街道-{today}.xlsx"))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype.endswith("spreadsheetml.sheet")


def test_volunteers_export_gives_full_numbers_and_is_audited(
    client, login, two_streets
) -> None:
    _a, b = two_streets
    login(b.reviewer)
    response = client.get("/reports/exports/volunteers.csv", buffered=True)
    rows = table(response, "csv")[1:]
    assert sorted(r[1] for r in rows) == sorted(p.mobile for p in b.people)
    assert {r[6] for r in rows} == {"1"}  # attended once each
    (entry,) = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "export")
    ).all()
    assert entry.actor_id == b.reviewer.id
    assert (entry.object_type, entry.object_id) == ("street", b.street.id)
    assert entry.street_id == b.street.id
    assert entry.data == {"list": "volunteers", "format": "csv", "state": None}


def test_hours_and_evaluations_carry_the_figures(client, login, two_streets) -> None:
    _a, b = two_streets
    login(b.reviewer)
    hours = table(client.get("/reports/exports/hours.csv", buffered=True), "csv")[1:]
    assert [r[8] for r in hours] == ["2.50", "2.50"]
    rows = table(client.get("/reports/exports/evaluations.csv", buffered=True), "csv")
    (row,) = rows[1:]
    assert row[6:11] == ["2", "5.00", "4.00", "3.00", "4.20"]
    assert row[11] == "2026-12-20"
    names = {p.name for p in b.people}
    assert not names & set(sum(rows, []))  # no rater is ever named


def test_a_state_filter_narrows_the_list(client, login, two_streets) -> None:
    _a, b = two_streets
    pending = factories.submitted_application(street=b.street)
    login(b.reviewer)
    rows = table(
        client.get("/reports/exports/organizations.csv?state=submitted", buffered=True),
        "csv",
    )[1:]
    assert [r[1] for r in rows] == [pending.name]
    assert (
        client.get("/reports/exports/organizations.csv?state=bogus").status_code == 404
    )
    assert (
        client.get("/reports/exports/organizations.csv?state=draft").status_code == 404
    )


def test_a_reviewer_of_two_streets_may_narrow_to_one(
    client, login, two_streets
) -> None:
    a, b = two_streets
    factories.grant(b.reviewer, Role.STREET_REVIEWER, street=a.street)
    login(b.reviewer)
    both = table(client.get("/reports/exports/projects.csv", buffered=True), "csv")
    assert {r[1] for r in both[1:]} == {a.project.title, b.project.title}
    one = client.get(
        f"/reports/exports/projects.csv?street={a.street.id}", buffered=True
    )
    assert {r[1] for r in table(one, "csv")[1:]} == {a.project.title}
    page = client.get("/reports/exports").get_data(as_text=True)
    assert "甲街道" in page and "乙街道" in page


def test_another_streets_id_is_not_found(client, login, two_streets) -> None:
    a, b = two_streets
    login(b.reviewer)
    assert (
        client.get(f"/reports/exports/hours.csv?street={a.street.id}").status_code
        == 404
    )
    assert client.get("/reports/exports/hours.csv?street=x").status_code == 404
    assert client.get(f"/reports/exports?street={a.street.id}").status_code == 404
    assert client.get("/reports/exports/secrets.csv").status_code == 404
    assert client.get("/reports/exports/hours.pdf").status_code == 404
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "export")
    ).all()


@pytest.mark.parametrize(
    "who",
    [
        factories.volunteer,
        lambda: factories.org_staff(),
        lambda: factories.social_worker(),
    ],
    ids=["volunteer", "org_staff", "social_worker"],
)
@pytest.mark.parametrize("url", ["/reports/exports", "/reports/exports/volunteers.csv"])
def test_people_who_are_not_reviewers_are_refused(client, login, who, url: str) -> None:  # noqa: ANN001
    login(who())
    assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    response = client.get("/reports/exports/volunteers.csv")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_exports_page_and_the_review_lists_link_every_download(
    client, login, two_streets
) -> None:
    _a, b = two_streets
    login(b.reviewer)
    page = client.get("/reports/exports").get_data(as_text=True)
    for kind in KINDS:
        assert f"/reports/exports/{kind}.csv" in page
        assert f"/reports/exports/{kind}.xlsx" in page
    assert "/reports/exports/organizations.xlsx" in client.get(
        "/review/filings"
    ).get_data(as_text=True)
    assert "/reports/exports/organizations.csv?state=approved" in client.get(
        "/review/organizations"
    ).get_data(as_text=True)
    assert "/reports/exports/projects.xlsx" in client.get("/review/projects").get_data(
        as_text=True
    )
