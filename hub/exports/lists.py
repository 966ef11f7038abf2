"""The lists a street reviewer can export, and the registry of all of them.

Each list reads its rows in batches (see ``batching``); anything a row needs from
other tables (served communities) is fetched once per batch. Rows are tuples of
plain values; labels are looked up in the reader's language as rows are produced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from hub.categories import SERVICE_CATEGORY_LABELS
from hub.evaluations.results import WEIGHTS
from hub.exports.batching import (
    LIST_SEPARATOR,
    TWO_PLACES,
    Rows,
    average,
    batches,
    label,
    yuan,
)
from hub.exports.people import (
    HOUR_COLUMNS,
    VOLUNTEER_COLUMNS,
    hour_rows,
    volunteer_rows,
)
from hub.extensions import db
from hub.models import Community, Organization, Project, Street, User
from hub.models.evaluations import CRITERIA, EvaluationMeeting, EvaluationWindow, Rating
from hub.models.organizations import FilingState, organization_communities
from hub.models.projects import ProjectState
from hub.organizations.labels import (
    filing_state_label,
    org_type_label,
    stage_label,
)
from hub.projects.labels import (
    conclusion_label,
    funding_label,
    link_state_label,
    project_state_label,
)

# Organizations --------------------------------------------------------------------


def _organizations_query(street_ids: Sequence[int], state: str | None) -> Select:
    query = (
        select(
            Organization.id,
            Organization.filing_number,
            Organization.name,
            Street.name,
            Organization.org_type,
            Organization.filing_state,
            Organization.stage,
            Organization.lead_person,
            Organization.contact_phone,
            Organization.member_count,
            Organization.credit_code,
            Organization.first_submitted_at,
            Organization.decided_at,
        )
        .join(Street, Street.id == Organization.street_id)
        .where(
            Organization.street_id.in_(street_ids),
            # A draft is the applicant's own until it is submitted.
            Organization.filing_state != FilingState.DRAFT,
        )
        .order_by(Organization.street_id, Organization.id)
    )
    if state:
        query = query.where(Organization.filing_state == state)
    return query


def organization_rows(street_ids: Sequence[int], state: str | None = None) -> Rows:
    """Filings of these streets (not drafts): number, state, stage, contacts."""
    for part in batches(_organizations_query(street_ids, state)):
        served: dict[int, list[str]] = defaultdict(list)
        for org_id, name in db.session.execute(
            select(organization_communities.c.organization_id, Community.name)
            .join(Community, Community.id == organization_communities.c.community_id)
            .where(organization_communities.c.organization_id.in_([r[0] for r in part]))
            .order_by(Community.name)
        ):
            served[org_id].append(name)
        for r in part:
            yield (
                r[1],
                r[2],
                r[3],
                org_type_label(r[4]) if r[4] else "",
                filing_state_label(r[5]),
                stage_label(r[6]) if r[6] else "",
                LIST_SEPARATOR.join(served.get(r[0], ())),
                r[7],
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
            )


ORGANIZATION_COLUMNS = (
    _l("Filing number"),
    _l("Organization name"),
    _l("Street"),
    _l("Type"),
    _l("Filing state"),
    _l("Incubation stage"),
    _l("Communities served"),
    _l("Lead person"),
    _l("Contact mobile number"),
    _l("Number of members"),
    _l("Unified social credit code"),
    _l("First submitted"),
    _l("Decided on"),
)


# Projects -------------------------------------------------------------------------


def _projects_query(street_ids: Sequence[int], state: str | None) -> Select:
    coordinator = aliased(User)
    query = (
        select(
            Project.id,
            Project.title,
            Organization.name,
            Street.name,
            Community.name,
            Project.category,
            Project.funding,
            Project.amount_fen,
            Project.period_start,
            Project.period_end,
            Project.state,
            Project.link_state,
            coordinator.name,
            Project.state_changed_at,
        )
        .join(Organization, Organization.id == Project.organization_id)
        .join(Street, Street.id == Project.street_id)
        .join(Community, Community.id == Project.community_id)
        .outerjoin(coordinator, coordinator.id == Project.coordinator_id)
        .where(Project.street_id.in_(street_ids))
        .order_by(Project.street_id, Project.id)
    )
    if state:
        query = query.where(Project.state == state)
    return query


def project_rows(street_ids: Sequence[int], state: str | None = None) -> Rows:
    """Projects of these streets, every state, with their linkage."""
    for part in batches(_projects_query(street_ids, state)):
        for r in part:
            yield (
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                label(SERVICE_CATEGORY_LABELS, r[5]),
                funding_label(r[6]),
                yuan(r[7]),
                r[8],
                r[9],
                project_state_label(r[10]),
                link_state_label(r[11]),
                r[12] or "",
                r[13],
            )


PROJECT_COLUMNS = (
    _l("Project number"),
    _l("Project"),
    _l("Organization"),
    _l("Street"),
    _l("Community"),
    _l("Service category"),
    _l("Funding"),
    _l("Amount (yuan)"),
    _l("Starts"),
    _l("Ends"),
    _l("State"),
    _l("Linkage"),
    _l("Coordinating social worker"),
    _l("State since"),
)


# Evaluations ----------------------------------------------------------------------


def _evaluations_query(street_ids: Sequence[int]) -> Select:
    sums = (
        select(
            Rating.project_id.label("project_id"),
            func.count(Rating.id).label("n"),
            *(func.sum(getattr(Rating, name)).label(name) for name in CRITERIA),
        )
        .group_by(Rating.project_id)
        .subquery()
    )
    return (
        select(
            Project.id,
            Project.title,
            Organization.name,
            Community.name,
            EvaluationWindow.opens_at,
            EvaluationWindow.closes_at,
            sums.c.n,
            *(getattr(sums.c, name) for name in CRITERIA),
            EvaluationMeeting.held_on,
            EvaluationMeeting.conclusion,
        )
        .join(Organization, Organization.id == Project.organization_id)
        .join(Community, Community.id == Project.community_id)
        .outerjoin(EvaluationWindow, EvaluationWindow.project_id == Project.id)
        .outerjoin(EvaluationMeeting, EvaluationMeeting.project_id == Project.id)
        .outerjoin(sums, sums.c.project_id == Project.id)
        .where(
            Project.street_id.in_(street_ids),
            (EvaluationWindow.id.is_not(None)) | (EvaluationMeeting.id.is_not(None)),
        )
        .order_by(Project.street_id, Project.id)
    )


def evaluation_rows(street_ids: Sequence[int], state: str | None = None) -> Rows:
    """Per evaluated project: responses, averages, weighted score, conclusion."""
    for part in batches(_evaluations_query(street_ids)):
        for r in part:
            n = int(r[6] or 0)
            totals = dict(zip(CRITERIA, r[7:10], strict=True))
            score = None
            if n:
                raw = sum(WEIGHTS[c] * Decimal(totals[c]) for c in CRITERIA) / n
                score = raw.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
            yield (
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                n,
                *(average(totals[c], n) for c in CRITERIA),
                score,
                r[10],
                conclusion_label(r[11]) if r[11] else "",
            )


EVALUATION_COLUMNS = (
    _l("Project number"),
    _l("Project"),
    _l("Organization"),
    _l("Community"),
    _l("Rating opens"),
    _l("Rating closes"),
    _l("Responses"),
    _l("Satisfaction (average)"),
    _l("Quality (average)"),
    _l("Responsiveness (average)"),
    _l("Weighted score"),
    _l("Meeting held on"),
    _l("Conclusion"),
)


# The registry ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExportList:
    kind: str
    title: Any
    description: Any
    columns: tuple[Any, ...]
    rows: Callable[[Sequence[int], str | None], Rows]
    #: Filter values ``?state=`` accepts (empty: no filter).
    states: tuple[str, ...] = ()
    #: Lists with full mobile numbers are audited with extra care.
    personal: bool = False


EXPORTS: dict[str, ExportList] = {
    "organizations": ExportList(
        "organizations",
        _l("Organizations"),
        _l("Filings of your streets with state, stage and filing number."),
        ORGANIZATION_COLUMNS,
        organization_rows,
        states=tuple(s.value for s in FilingState if s != FilingState.DRAFT),
    ),
    "projects": ExportList(
        "projects",
        _l("Projects"),
        _l("Every project of your streets, its state and linkage."),
        PROJECT_COLUMNS,
        project_rows,
        states=tuple(s.value for s in ProjectState),
    ),
    "volunteers": ExportList(
        "volunteers",
        _l("Volunteers"),
        _l("People who signed up for shifts of your streets' projects."),
        VOLUNTEER_COLUMNS,
        volunteer_rows,
        personal=True,
    ),
    "hours": ExportList(
        "hours",
        _l("Service hours"),
        _l("Confirmed hour records of your streets' projects."),
        HOUR_COLUMNS,
        hour_rows,
        personal=True,
    ),
    "evaluations": ExportList(
        "evaluations",
        _l("Evaluations"),
        _l("Ratings per project (no names), averages and the conclusion."),
        EVALUATION_COLUMNS,
        evaluation_rows,
    ),
}

#: The file formats by the names people know them by.
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel"}


def export_detail(data: dict[str, Any]) -> str:
    """Which list went out, as what: 评议 · CSV / Evaluations · CSV (reader's words)."""
    spec = EXPORTS.get(data.get("list", ""))
    title = str(spec.title) if spec is not None else str(data.get("list", ""))
    fmt = str(data.get("format", ""))
    return f"{title} · {FORMAT_NAMES.get(fmt, fmt.upper())}"
