"""Words for project states, funding and links, in the reader's language."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hub.models.evaluations import Conclusion
from hub.models.projects import (
    Funding,
    LinkState,
    ProjectState,
    ProposalState,
    TenderState,
)

PROJECT_STATE_LABELS = {
    ProjectState.DRAFT: _l("Draft"),
    ProjectState.PENDING_APPROVAL: _l("Waiting for street approval"),
    ProjectState.RECRUITING: _l("Recruiting volunteers"),
    ProjectState.IN_PROGRESS: _l("In progress"),
    ProjectState.COMPLETED: _l("Completed"),
    ProjectState.EVALUATED: _l("Evaluated"),
    ProjectState.CANCELLED: _l("Cancelled"),
}
PROJECT_STATE_CHIPS = {
    ProjectState.DRAFT: "chip",
    ProjectState.PENDING_APPROVAL: "chip chip-wait",
    ProjectState.RECRUITING: "chip chip-ok",
    ProjectState.IN_PROGRESS: "chip chip-ok",
    ProjectState.COMPLETED: "chip",
    ProjectState.EVALUATED: "chip",
    ProjectState.CANCELLED: "chip chip-danger",
}
FUNDING_LABELS = {
    Funding.TENDER: _l("Government-purchased service"),
    Funding.SELF: _l("Self-funded"),
    Funding.CHARITY: _l("Charity funding"),
    Funding.DISTRICT: _l("District programme"),
}
LINK_STATE_LABELS = {
    LinkState.NONE: _l("No social worker asked yet"),
    LinkState.REQUESTED: _l("Waiting for the social worker"),
    LinkState.ACCEPTED: _l("Coordinating"),
    LinkState.DECLINED: _l("Declined"),
}
TENDER_STATE_LABELS = {
    TenderState.OPEN: _l("Open"),
    TenderState.AWARDED: _l("Awarded"),
    TenderState.CANCELLED: _l("Cancelled"),
}
PROPOSAL_STATE_LABELS = {
    ProposalState.SUBMITTED: _l("Submitted"),
    ProposalState.WITHDRAWN: _l("Withdrawn"),
    ProposalState.AWARDED: _l("Awarded"),
    ProposalState.NOT_AWARDED: _l("Not chosen"),
}


def project_state_label(value: str) -> str:
    return str(PROJECT_STATE_LABELS[ProjectState(value)])


def project_state_chip(value: str) -> str:
    return PROJECT_STATE_CHIPS[ProjectState(value)]


def funding_label(value: str) -> str:
    return str(FUNDING_LABELS[Funding(value)])


def link_state_label(value: str) -> str:
    return str(LINK_STATE_LABELS[LinkState(value)])


def tender_state_label(value: str) -> str:
    return str(TENDER_STATE_LABELS[TenderState(value)])


def proposal_state_label(value: str) -> str:
    return str(PROPOSAL_STATE_LABELS[ProposalState(value)])


CONCLUSION_LABELS = {
    Conclusion.EXCELLENT: _l("Excellent (优秀)"),
    Conclusion.GOOD: _l("Good (良好)"),
    Conclusion.PASS: _l("Pass (合格)"),
    Conclusion.FAIL: _l("Fail (不合格)"),
}


def conclusion_label(value: str) -> str:
    return str(CONCLUSION_LABELS[Conclusion(value)])


def not_started_message(starts: date) -> str:
    """Why a project cannot be completed yet: its period has not begun."""
    return _(
        "The project's period starts on %(date)s. You can mark it completed from "
        "that day.",
        date=format_date(starts, "long"),
    )
