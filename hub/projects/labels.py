"""Words for project states, funding and links, in the reader's language."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from hub.models.evaluations import Conclusion
from hub.models.projects import (
    Funding,
    LinkState,
    ProjectState,
    ProposalState,
    TenderState,
)

PROJECT_STATE_LABELS = {
    ProjectState.DRAFT: _p("project state", "Draft"),
    ProjectState.PENDING_APPROVAL: _p("project state", "Waiting for street approval"),
    ProjectState.RECRUITING: _p("project state", "Recruiting volunteers"),
    ProjectState.IN_PROGRESS: _p("project state", "In progress"),
    ProjectState.COMPLETED: _p("project state", "Completed"),
    ProjectState.EVALUATED: _p("project state", "Evaluated"),
    ProjectState.CANCELLED: _p("project state", "Cancelled"),
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
    LinkState.NONE: _p("coordination state", "No social worker asked yet"),
    LinkState.REQUESTED: _p("coordination state", "Waiting for the social worker"),
    LinkState.ACCEPTED: _p("coordination state", "Coordinating"),
    LinkState.DECLINED: _p("coordination state", "Declined"),
}
#: The chip beside the coordination state (the word goes with it, never colour alone).
LINK_STATE_CHIPS = {
    LinkState.NONE: "chip chip-wait",
    LinkState.REQUESTED: "chip chip-wait",
    LinkState.ACCEPTED: "chip chip-ok",
    LinkState.DECLINED: "chip chip-danger",
}
#: The organization's next step on its project, by state: (step, button words).
#: The step names are those of ``projects.staff_step``.
NEXT_STEPS = {
    ProjectState.DRAFT: ("submit", _l("Send to the street for approval")),
    ProjectState.RECRUITING: ("start", _l("Start the work")),
    ProjectState.IN_PROGRESS: ("complete", _l("Mark as completed")),
}
TENDER_STATE_LABELS = {
    TenderState.OPEN: _p("tender state", "Open"),
    TenderState.AWARDED: _p("tender state", "Awarded"),
    TenderState.CANCELLED: _p("tender state", "Cancelled"),
}
PROPOSAL_STATE_LABELS = {
    ProposalState.SUBMITTED: _p("proposal state", "Submitted"),
    ProposalState.WITHDRAWN: _p("proposal state", "Withdrawn"),
    ProposalState.AWARDED: _p("proposal state", "Awarded"),
    ProposalState.NOT_AWARDED: _p("proposal state", "Not chosen"),
}
PROPOSAL_STATE_CHIPS = {
    ProposalState.SUBMITTED: "chip",
    ProposalState.WITHDRAWN: "chip",
    ProposalState.AWARDED: "chip chip-ok",
    ProposalState.NOT_AWARDED: "chip",
}


def project_state_label(value: str) -> str:
    return str(PROJECT_STATE_LABELS[ProjectState(value)])


def project_state_chip(value: str) -> str:
    return PROJECT_STATE_CHIPS[ProjectState(value)]


def funding_label(value: str) -> str:
    return str(FUNDING_LABELS[Funding(value)])


def link_state_label(value: str) -> str:
    return str(LINK_STATE_LABELS[LinkState(value)])


def link_state_chip(value: str) -> str:
    return LINK_STATE_CHIPS[LinkState(value)]


def project_next_step(value: str) -> tuple[str, str] | None:
    """The organization's next step from this state, or None (nothing to do)."""
    step = NEXT_STEPS.get(ProjectState(value))
    return (step[0], str(step[1])) if step else None


def tender_state_label(value: str) -> str:
    return str(TENDER_STATE_LABELS[TenderState(value)])


def proposal_state_label(value: str) -> str:
    return str(PROPOSAL_STATE_LABELS[ProposalState(value)])


def proposal_state_chip(value: str) -> str:
    return PROPOSAL_STATE_CHIPS[ProposalState(value)]


CONCLUSION_LABELS = {
    Conclusion.EXCELLENT: _p("evaluation conclusion", "Excellent (优秀)"),
    Conclusion.GOOD: _p("evaluation conclusion", "Good (良好)"),
    Conclusion.PASS: _p("evaluation conclusion", "Pass (合格)"),
    Conclusion.FAIL: _p("evaluation conclusion", "Fail (不合格)"),
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
