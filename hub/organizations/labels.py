"""Words for states, stages, actions and missing items, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from hub.categories import (
    ORG_TYPE_LABELS,
    SERVICE_CATEGORY_LABELS,
    OrgType,
    ServiceCategory,
)
from hub.models.organizations import DocumentKind, FilingState, Stage
from hub.organizations.forms import DOCUMENT_KIND_LABELS

FILING_STATE_LABELS = {
    FilingState.DRAFT: _p("filing state", "Draft"),
    FilingState.SUBMITTED: _p("filing state", "Waiting for review"),
    FilingState.CHANGES_REQUESTED: _p("filing state", "Changes requested"),
    FilingState.APPROVED: _p("filing state", "Approved"),
    FilingState.REJECTED: _p("filing state", "Rejected"),
}

#: CSS chip per state: the word always goes with the colour.
FILING_STATE_CHIPS = {
    FilingState.DRAFT: "chip",
    FilingState.SUBMITTED: "chip chip-wait",
    FilingState.CHANGES_REQUESTED: "chip chip-wait",
    FilingState.APPROVED: "chip chip-ok",
    FilingState.REJECTED: "chip chip-danger",
}

STAGE_LABELS = {
    Stage.INCUBATING: _p("incubation stage", "Incubating (入驻)"),
    Stage.GRADUATED: _p("incubation stage", "Graduated (出壳)"),
    Stage.EXITED: _p("incubation stage", "Exited (退驻)"),
    Stage.REVOKED: _p("incubation stage", "Revoked"),
}

_FIELD_LABELS = {
    "name": _l("Organization name"),
    "org_type": _l("Type"),
    "service_categories": _l("Services"),
    "communities": _l("Communities served"),
    "lead_person": _l("Lead person"),
    "contact_phone": _l("Contact mobile number"),
    "address": _l("Address"),
    "member_count": _l("Number of members"),
    "description": _l("What the organization does"),
    "reason": _l("Reason"),
}

#: Which step of the form holds each field.
FIELD_STEPS = {
    "name": 1,
    "org_type": 1,
    "service_categories": 1,
    "communities": 1,
    "lead_person": 2,
    "contact_phone": 2,
    "address": 2,
    "member_count": 2,
    "description": 3,
}


def missing_label(item: str) -> dict:
    """A missing item as text and the step (or the documents) where it is fixed."""
    if item.startswith("document:"):
        kind = DocumentKind(item.split(":", 1)[1])
        return {"label": DOCUMENT_KIND_LABELS[kind], "step": None}
    return {"label": _FIELD_LABELS[item], "step": FIELD_STEPS.get(item)}


def upload_error(reason: str) -> str:
    return str(
        {
            "empty": _l("The file is empty."),
            "too_large": _l(
                "The file is larger than 5 MB. Take a smaller photo or scan."
            ),
            "type": _l("Only PDF, JPEG or PNG files are accepted."),
        }[reason]
    )


def org_type_label(value: str) -> str:
    return str(ORG_TYPE_LABELS.get(OrgType(value), value))


def service_label(value: str) -> str:
    return str(SERVICE_CATEGORY_LABELS.get(ServiceCategory(value), value))


def filing_state_label(value: str) -> str:
    return str(FILING_STATE_LABELS[FilingState(value)])


def stage_label(value: str | None) -> str:
    return str(STAGE_LABELS[Stage(value)]) if value else ""


def document_kind_label(value: str) -> str:
    return str(DOCUMENT_KIND_LABELS[DocumentKind(value)])


def state_chip(value: str) -> str:
    return FILING_STATE_CHIPS[FilingState(value)]
