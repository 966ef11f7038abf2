"""Open data: the OCDS release package validates offline; the public list and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from hub.extensions import db
from hub.models.base import utcnow
from hub.models.evaluations import Conclusion
from hub.models.hours import HourRecord, RecordKind, RecordState
from hub.projects import services as project_services
from hub.tenders import services as tender_services
from tests import factories
from tests.tender_factories import approved_org, close, open_tender, propose

# The official OCDS 1.1.5 schemas (from ../shared/ocds), kept here so the test runs
# offline on a clean clone.
OCDS = Path(__file__).resolve().parents[1] / "data" / "ocds"


def _schema_validator() -> Draft4Validator:
    """The official package schema, its release schema resolved from disk."""
    package = json.loads((OCDS / "release-package-schema.json").read_text())
    release = json.loads((OCDS / "release-schema.json").read_text())
    registry = Registry().with_resources(
        [
            (
                release["id"],
                Resource.from_contents(release, default_specification=DRAFT4),
            ),
            (
                package["id"],
                Resource.from_contents(package, default_specification=DRAFT4),
            ),
        ]
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def _completed_purchase():  # noqa: ANN202
    """A tender awarded, its project run with confirmed hours and a meeting."""
    tender = open_tender(title="社区助餐服务", budget_fen=120_000_00)
    org = approved_org(street=tender.street, credit_code=None)
    org.communities.append(tender.community)
    staff = factories.org_staff(org)
    rival = approved_org(street=tender.street)
    propose(tender, org, 100_000_00, by=staff)
    propose(tender, rival, 110_000_00, by=factories.org_staff(rival))
    close(tender)
    reviewer = factories.reviewer(street=tender.street)
    proposal = next(p for p in tender.proposals if p.organization_id == org.id)
    project = tender_services.award_tender(
        tender,
        proposal,
        by=reviewer,
        amount_fen=100_000_00,
        period_start=date(2026, 9, 1),
        period_end=date(2027, 8, 31),
    )
    worker = factories.social_worker(community=project.community)
    project_services.request_linkage(project, worker, by=staff)
    project_services.answer_linkage(project, user=worker, accept=True, note=None)
    project_services.submit_project(project, by=staff)
    project_services.approve_project(project, by=reviewer)
    project_services.start_project(project, by=staff)
    volunteer = factories.volunteer()
    past = utcnow() - timedelta(days=1)
    for served_on, minutes, state in [
        (date(2026, 10, 3), 120, RecordState.CONFIRMED),
        (date(2026, 10, 17), 90, RecordState.CONFIRMED),
        (date(2026, 11, 7), 60, RecordState.CONFIRMED),
        (date(2026, 11, 8), 600, RecordState.PENDING),  # not confirmed: not counted
    ]:
        db.session.add(
            HourRecord(
                user_id=volunteer.id,
                kind=RecordKind.BACKFILL,
                state=state,
                minutes=minutes,
                organization_id=org.id,
                project_id=project.id,
                served_on=served_on,
                confirmed_at=past if state == RecordState.CONFIRMED else None,
                counts_from=past if state == RecordState.CONFIRMED else None,
            )
        )
    project_services.complete_project(project, by=staff)
    project_services.record_meeting(
        project,
        by=reviewer,
        held_on=date(2026, 11, 20),
        attendees="居民代表 8 人",
        summary="按合同完成，居民满意。",
        conclusion=Conclusion.GOOD,
    )
    db.session.flush()
    return tender, project


def test_release_package_validates_and_has_every_stage(client) -> None:
    tender, project = _completed_purchase()
    open_tender(title="还在征集的需求")  # tender stage only
    response = client.get("/open-data/ocds/release-package.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    package = json.loads(response.get_data(as_text=True))
    errors = sorted(_schema_validator().iter_errors(package), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert package["version"] == "1.1"
    (done,) = [
        r for r in package["releases"] if r["ocid"] == f"ocds-shanzhi-{tender.id}"
    ]
    assert done["tag"] == ["tender", "award", "contract", "implementation"]
    assert done["tender"]["value"] == {"amount": 120000.0, "currency": "CNY"}
    assert done["tender"]["numberOfTenderers"] == 2
    (award,) = done["awards"]
    assert award["value"]["amount"] == 100000.0
    assert award["suppliers"][0]["name"] == project.organization.name
    (contract,) = done["contracts"]
    assert contract["awardID"] == award["id"]
    assert contract["status"] == "terminated"
    milestones = {m["id"]: m for m in contract["implementation"]["milestones"]}
    assert "3.50" in milestones["hours-2026-10"]["description"]
    assert "1.00" in milestones["hours-2026-11"]["description"]
    assert milestones["evaluation-meeting"]["type"] == "assessment"
    assert milestones["evaluation-meeting"]["code"] == "good"
    roles = {p["name"]: p["roles"] for p in done["parties"]}
    assert "supplier" in roles[project.organization.name]
    assert any("buyer" in r for r in roles.values())
    ids = [r["id"] for r in package["releases"]]
    assert len(ids) == len(set(ids))


def test_bulk_package_has_every_process_and_validates(client) -> None:
    tender, _project = _completed_purchase()
    other = open_tender(title="还在征集的需求")
    response = client.get("/open-data/ocds/release-package-all.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    package = json.loads(response.get_data(as_text=True))
    errors = sorted(_schema_validator().iter_errors(package), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert [r["ocid"] for r in package["releases"]] == [
        f"ocds-shanzhi-{tender.id}",
        f"ocds-shanzhi-{other.id}",
    ]
    assert "links" not in package


def test_pages_link_to_the_next_until_the_last(client, monkeypatch) -> None:
    from hub.opendata import ocds

    monkeypatch.setattr(ocds, "PAGE_SIZE", 2)
    tenders = [open_tender(title=f"需求 {i}") for i in range(5)]
    seen, url, pages = [], "/open-data/ocds/release-package.json", 0
    while url:
        package = client.get(url).get_json()
        errors = sorted(_schema_validator().iter_errors(package), key=str)
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
        assert package["extensions"] == [ocds.PAGINATION_EXTENSION]
        assert len(package["releases"]) <= 2
        seen += [r["ocid"] for r in package["releases"]]
        url = package.get("links", {}).get("next")
        if url:
            assert url.startswith("http://localhost/open-data/ocds/release-package")
            url = url.removeprefix("http://localhost")
        pages += 1
    assert pages == 3
    assert seen == [f"ocds-shanzhi-{t.id}" for t in tenders]
    # A page past the end is an empty package, not an error.
    last = client.get(f"/open-data/ocds/release-package.json?after={tenders[-1].id}")
    assert last.status_code == 200
    assert last.get_json()["releases"] == []


def test_ocid_prefix_is_configurable(app, client) -> None:
    tender = open_tender()
    app.config["OCDS_OCID_PREFIX"] = "ocds-abc123"
    try:
        package = client.get("/open-data/ocds/release-package.json").get_json()
    finally:
        app.config["OCDS_OCID_PREFIX"] = "ocds-shanzhi"
    assert {r["ocid"] for r in package["releases"]} == {f"ocds-abc123-{tender.id}"}


def test_public_page_and_csv_list_the_purchase(client) -> None:
    _tender, project = _completed_purchase()
    html = client.get("/open-data").get_data(as_text=True)
    assert project.title in html and "¥100,000.00" in html
    assert "<dd>4.50</dd>" in html  # 3.5 + 1 hours confirmed; pending ones not
    assert "良好" in html


def test_csv_has_a_bom_and_chinese_intact(client) -> None:
    _tender, project = _completed_purchase()
    response = client.get("/open-data/projects.csv")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "项目"
    (line,) = rows[1:]
    assert line[0] == project.title == "社区助餐服务"
    assert line[5] == "100000.00" and line[8] == "4.50"
    assert line[9] == "良好"


def test_csv_defuses_titles_a_spreadsheet_would_run(client) -> None:
    """A title beginning =HYPERLINK( was written as is (formula injection)."""
    _tender, project = _completed_purchase()
    project.title = '=HYPERLINK("http://evil.example","点这里")'
    db.session.flush()
    body = client.get("/open-data/projects.csv").get_data().decode("utf-8-sig")
    (line,) = list(csv.reader(io.StringIO(body)))[1:]
    assert line[0] == "'" + project.title
    assert line[6] == project.period_start.isoformat()


@pytest.mark.parametrize("state", ["draft", "pending_approval"])
def test_unapproved_projects_are_not_listed(client, state) -> None:  # noqa: ANN001
    _tender, project = _completed_purchase()
    project.state = state
    db.session.flush()
    assert project.title not in client.get("/open-data").get_data(as_text=True)
