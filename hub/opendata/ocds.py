"""Purchased-service processes as an Open Contracting (OCDS 1.1) release package.

One release per tender (政府购买服务): planning (budget), tender, the award, the
contract (the project), and its implementation — confirmed volunteer hours per month
as delivery milestones and the evaluation meeting's conclusion as an assessment
milestone. Released as a snapshot of the process now: its tags name every stage it
has reached.

Two ways out: pages of ``PAGE_SIZE`` releases in tender order, each package linking
to the next (``links.next``, OCDS's pagination extension), for machines that read
as they go; and the whole package as one bulk download, written as a stream a
batch of tenders at a time so the whole city fits without holding it in memory.
"""

from __future__ import annotations

import calendar
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, extract, func, select

from hub.categories import SERVICE_CATEGORY_LABELS
from hub.extensions import db
from hub.i18n import gettext as _
from hub.models import Organization, Project, Proposal, Street, Tender
from hub.models.base import utcnow
from hub.models.evaluations import EvaluationMeeting
from hub.models.hours import HourRecord
from hub.models.projects import ProjectState
from hub.models.tenders import ProposalState, TenderState
from hub.projects.labels import conclusion_label

OCDS_VERSION = "1.1"
CURRENCY = "CNY"
BATCH = 500
#: Releases per page of the paginated package.
PAGE_SIZE = 25
#: OCDS's pagination extension (the package's ``links``), named as it asks.
PAGINATION_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_pagination_extension/master/extension.json"
)

TENDER_STATUS = {
    TenderState.OPEN: "active",
    TenderState.AWARDED: "complete",
    TenderState.CANCELLED: "cancelled",
}
CONTRACT_STATUS = {
    ProjectState.DRAFT: "pending",
    ProjectState.PENDING_APPROVAL: "pending",
    ProjectState.RECRUITING: "active",
    ProjectState.IN_PROGRESS: "active",
    ProjectState.COMPLETED: "terminated",
    ProjectState.EVALUATED: "terminated",
    ProjectState.CANCELLED: "cancelled",
}
#: Proposals that took part in the competition (withdrawn ones did not).
TENDERED = (ProposalState.SUBMITTED, ProposalState.AWARDED, ProposalState.NOT_AWARDED)


def money(fen: int) -> dict[str, Any]:
    """An OCDS Value: yuan as a number with two decimals, in CNY."""
    return {"amount": float(Decimal(fen) / 100), "currency": CURRENCY}


def _iso(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return datetime(value.year, value.month, value.day).isoformat() + "Z"


def _end_of(value: date) -> str:
    return _iso(value).replace("T00:00:00", "T23:59:59")


def street_party_id(street_id: int) -> str:
    return f"street-{street_id}"


def org_party_id(org_id: int) -> str:
    return f"org-{org_id}"


def _org_party(org: _Org, roles: set[str]) -> dict[str, Any]:
    party: dict[str, Any] = {
        "id": org_party_id(org.id),
        "name": org.name,
        "roles": sorted(roles),
    }
    if org.credit_code:
        # org-id.guide: CN-USCC, the unified social credit code (统一社会信用代码).
        party["identifier"] = {
            "scheme": "CN-USCC",
            "id": org.credit_code,
            "legalName": org.name,
        }
    return party


# What a release needs of the rows around a tender, read as plain columns: a page
# of 25 processes loaded as ORM objects (proposals, organizations, projects) cost
# twice the time of its queries.


@dataclass(frozen=True, slots=True)
class _Org:
    id: int
    name: str
    credit_code: str | None


@dataclass(frozen=True, slots=True)
class _Bid:
    organization_id: int
    organization: _Org
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class _Contract:
    id: int
    organization_id: int
    organization: _Org
    title: str
    description: str | None
    state: str
    amount_fen: int | None
    period_start: date
    period_end: date
    created_at: datetime
    state_changed_at: datetime


@dataclass(frozen=True, slots=True)
class _Meeting:
    conclusion: str
    summary: str | None
    held_on: date


@dataclass
class _Batch:
    """What one batch of tenders needs, fetched with one query per kind."""

    proposals: dict[int, list[_Bid]]
    projects: dict[int, _Contract]
    meetings: dict[int, _Meeting]
    hours: dict[int, list[tuple[int, int, int]]]  # project -> (year, month, minutes)


_ORG = (Organization.id, Organization.name, Organization.credit_code)
#: What a release reads of a tender (rows named as the model's attributes).
_TENDER = (
    Tender.id,
    Tender.street_id,
    Street.name.label("street_name"),
    Tender.state,
    Tender.title,
    Tender.description,
    Tender.category,
    Tender.budget_fen,
    Tender.created_at,
    Tender.deadline,
    Tender.period_start,
    Tender.period_end,
    Tender.awarded_at,
)


def _load_batch(tenders: Sequence[Row], now: datetime) -> _Batch:
    ids = [t.id for t in tenders]
    proposals: dict[int, list[_Bid]] = defaultdict(list)
    for tender_id, org_id, updated_at, *org in db.session.execute(
        select(Proposal.tender_id, Proposal.organization_id, Proposal.updated_at, *_ORG)
        .join(Proposal.organization)
        .where(Proposal.tender_id.in_(ids), Proposal.state.in_(TENDERED))
        .order_by(Proposal.id)
    ):
        proposals[tender_id].append(_Bid(org_id, _Org(*org), updated_at))
    projects: dict[int, _Contract] = {}
    meetings: dict[int, _Meeting] = {}
    # The contract, its supplier and its evaluation meeting (if any) in one query.
    for row in db.session.execute(
        select(
            Project.tender_id,
            Project.id,
            Project.organization_id,
            Project.title,
            Project.description,
            Project.state,
            Project.amount_fen,
            Project.period_start,
            Project.period_end,
            Project.created_at,
            Project.state_changed_at,
            *_ORG,
            EvaluationMeeting.conclusion,
            EvaluationMeeting.summary,
            EvaluationMeeting.held_on,
        )
        .join(Project.organization)
        .outerjoin(EvaluationMeeting, EvaluationMeeting.project_id == Project.id)
        .where(Project.tender_id.in_(ids))
    ):
        (tender_id, project_id, *fields), rest = row[:11], row[11:]
        org_id, org_name, credit_code, conclusion, summary, held_on = rest
        org = _Org(org_id, org_name, credit_code)
        projects[tender_id] = _Contract(project_id, fields[0], org, *fields[1:])
        if conclusion is not None:
            meetings[project_id] = _Meeting(conclusion, summary, held_on)
    project_ids = [p.id for p in projects.values()]
    hours: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    year = extract("year", HourRecord.served_on)
    month = extract("month", HourRecord.served_on)
    for project_id, y, m, minutes in db.session.execute(
        select(HourRecord.project_id, year, month, func.sum(HourRecord.minutes))
        .where(
            HourRecord.project_id.in_(project_ids),
            HourRecord.counting(now),
        )
        .group_by(HourRecord.project_id, year, month)
        .order_by(HourRecord.project_id, year, month)
    ):
        hours[project_id].append((int(y), int(m), int(minutes or 0)))
    return _Batch(proposals, projects, meetings, hours)


def _hours_milestones(rows: list[tuple[int, int, int]]) -> list[dict[str, Any]]:
    milestones = []
    for year, month, minutes in rows:
        last = date(year, month, calendar.monthrange(year, month)[1])
        hours = Decimal(minutes) / 60
        milestones.append(
            {
                "id": f"hours-{year:04d}-{month:02d}",
                "title": _(
                    "Confirmed volunteer service hours, %(month)s",
                    month=f"{year}-{month:02d}",
                ),
                "type": "delivery",
                "code": "volunteerHours",
                "description": _(
                    "%(hours)s hours of volunteer service confirmed.",
                    hours=f"{hours:.2f}",
                ),
                "status": "met",
                "dateMet": _end_of(last),
            }
        )
    return milestones


def _assessment(meeting: _Meeting) -> dict[str, Any]:
    return {
        "id": "evaluation-meeting",
        "title": _(
            "Evaluation meeting (成效评议会): %(conclusion)s",
            conclusion=conclusion_label(meeting.conclusion),
        ),
        "type": "assessment",
        "code": meeting.conclusion,
        "description": meeting.summary,
        "status": "met",
        "dateMet": _iso(meeting.held_on),
    }


def release(tender: Row, batch: _Batch, *, prefix: str) -> dict[str, Any]:
    """The release of one purchased-service process, as it stands now (``tender``:
    a row of ``_TENDER``)."""
    ocid = f"{prefix}-{tender.id}"
    buyer = {
        "id": street_party_id(tender.street_id),
        "name": _("%(street)s office", street=tender.street_name),
    }
    parties: dict[str, dict[str, Any]] = {
        buyer["id"]: {**buyer, "roles": ["buyer", "procuringEntity"]}
    }
    proposals = batch.proposals.get(tender.id, [])
    for p in proposals:
        parties.setdefault(
            org_party_id(p.organization_id), _org_party(p.organization, set())
        )
        parties[org_party_id(p.organization_id)]["roles"] = sorted(
            {*parties[org_party_id(p.organization_id)]["roles"], "tenderer"}
        )
    tags = (
        ["tender"] if tender.state != TenderState.CANCELLED else ["tenderCancellation"]
    )
    changed = max([tender.created_at, *(p.updated_at for p in proposals)])
    item = {
        "id": "1",
        "description": str(
            SERVICE_CATEGORY_LABELS.get(tender.category, tender.category)
        ),
        "classification": {
            "scheme": "x_shanzhi_service_category",
            "id": tender.category,
            "description": str(
                SERVICE_CATEGORY_LABELS.get(tender.category, tender.category)
            ),
        },
    }
    data: dict[str, Any] = {
        "ocid": ocid,
        "date": "",
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
        "buyer": buyer,
        "planning": {
            "budget": {
                "id": f"budget-{tender.id}",
                "description": tender.title,
                "amount": money(tender.budget_fen),
            }
        },
        "tender": {
            "id": f"tender-{tender.id}",
            "title": tender.title,
            "description": tender.description,
            "status": TENDER_STATUS[TenderState(tender.state)],
            "procuringEntity": buyer,
            "items": [item],
            "value": money(tender.budget_fen),
            "procurementMethod": "selective",
            "procurementMethodDetails": _(
                "Open to organizations filed in the street's incubation base."
            ),
            "mainProcurementCategory": "services",
            "tenderPeriod": {
                "startDate": _iso(tender.created_at),
                "endDate": _iso(tender.deadline),
            },
            "contractPeriod": {
                "startDate": _iso(tender.period_start),
                "endDate": _end_of(tender.period_end),
            },
            "numberOfTenderers": len(proposals),
            "tenderers": [
                {"id": org_party_id(p.organization_id), "name": p.organization.name}
                for p in proposals
            ],
        },
    }
    project = batch.projects.get(tender.id)
    if tender.state == TenderState.AWARDED and project is not None:
        supplier = {
            "id": org_party_id(project.organization_id),
            "name": project.organization.name,
        }
        party = parties.setdefault(
            supplier["id"], _org_party(project.organization, set())
        )
        party["roles"] = sorted({*party["roles"], "supplier"})
        amount = money(
            project.amount_fen if project.amount_fen is not None else tender.budget_fen
        )
        period = {
            "startDate": _iso(project.period_start),
            "endDate": _end_of(project.period_end),
        }
        award_id = f"award-{tender.id}"
        data["awards"] = [
            {
                "id": award_id,
                "title": project.title,
                "status": "active",
                "date": _iso(tender.awarded_at or project.created_at),
                "value": amount,
                "suppliers": [supplier],
                "items": [item],
                "contractPeriod": period,
            }
        ]
        milestones = _hours_milestones(batch.hours.get(project.id, []))
        meeting = batch.meetings.get(project.id)
        if meeting is not None:
            milestones.append(_assessment(meeting))
        contract: dict[str, Any] = {
            "id": f"contract-{project.id}",
            "awardID": award_id,
            "title": project.title,
            "description": project.description,
            "status": CONTRACT_STATUS[ProjectState(project.state)],
            "period": period,
            "value": amount,
            "items": [item],
            "dateSigned": _iso(tender.awarded_at or project.created_at),
        }
        if milestones:
            contract["implementation"] = {"milestones": milestones}
            tags.append("implementation")
        data["contracts"] = [contract]
        tags[1:1] = ["award", "contract"]
        changed = max(changed, project.state_changed_at)
    data["parties"] = list(parties.values())
    data["date"] = _iso(changed)
    data["id"] = f"{ocid}-{changed.strftime('%Y%m%dT%H%M%S')}"
    return data


def releases(*, prefix: str, now: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Every purchased-service process, a batch of tenders at a time."""
    for _tender_id, item in _releases(prefix=prefix, now=now or utcnow()):
        yield item


def _releases(
    *, prefix: str, now: datetime, after: int = 0, limit: int | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(tender id, release) for tenders after id ``after``, in id order, a batch
    at a time; all of them, or the first ``limit``."""
    last_id = after
    left = limit
    while left is None or left > 0:
        size = BATCH if left is None else min(BATCH, left)
        tenders = db.session.execute(
            select(*_TENDER)
            .join(Tender.street)
            .where(Tender.id > last_id)
            .order_by(Tender.id)
            .limit(size)
        ).all()
        if not tenders:
            return
        batch = _load_batch(tenders, now)
        for tender in tenders:
            yield tender.id, release(tender, batch, prefix=prefix)
        last_id = tenders[-1].id
        if left is not None:
            left -= len(tenders)


def _package_head(uri: str, publisher: str, now: datetime) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _iso(now),
        "publisher": {"name": publisher},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": uri.split("/open-data", 1)[0] + "/open-data",
    }


def package_page(
    *,
    uri: str,
    next_uri: Callable[[int], str],
    publisher: str,
    prefix: str,
    after: int = 0,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One page: the ``PAGE_SIZE`` releases after tender ``after``, and a link to
    the next page (``next_uri(last tender id)``) when there are more."""
    now = now or utcnow()
    found = list(_releases(prefix=prefix, now=now, after=after, limit=PAGE_SIZE + 1))
    package = _package_head(uri, publisher, now)
    package["extensions"] = [PAGINATION_EXTENSION]
    package["releases"] = [item for _tender_id, item in found[:PAGE_SIZE]]
    if len(found) > PAGE_SIZE:
        package["links"] = {"next": next_uri(found[PAGE_SIZE - 1][0])}
    return package


def package_chunks(
    *, uri: str, publisher: str, prefix: str, now: datetime | None = None
) -> Iterator[str]:
    """The whole release package as JSON text, written release by release."""
    now = now or utcnow()
    head = _package_head(uri, publisher, now)
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "releases": ['
    yield opening
    for i, item in enumerate(releases(prefix=prefix, now=now)):
        yield ("," if i else "") + json.dumps(item, ensure_ascii=False)
    yield "]}"
