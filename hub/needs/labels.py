"""Words for need states, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from hub.categories import SERVICE_CATEGORY_LABELS, ServiceCategory
from hub.models.needs import NeedState

NEED_STATE_LABELS = {
    NeedState.OPEN: _p("need state", "Waiting for a social worker"),
    NeedState.TRIAGED: _p("need state", "Assigned"),
    NeedState.IN_PROGRESS: _p("need state", "In progress"),
    NeedState.RESOLVED: _p("need state", "Resolved"),
    NeedState.DECLINED: _p("need state", "Declined"),
    NeedState.WITHDRAWN: _p("need state", "Withdrawn"),
}
NEED_STATE_CHIPS = {
    NeedState.OPEN: "chip chip-wait",
    NeedState.TRIAGED: "chip chip-wait",
    NeedState.IN_PROGRESS: "chip chip-ok",
    NeedState.RESOLVED: "chip chip-ok",
    NeedState.DECLINED: "chip chip-danger",
    NeedState.WITHDRAWN: "chip",
}
#: What happens next, said to the resident.
NEED_STATE_HINTS = {
    NeedState.OPEN: _l("A social worker of your community will look at it soon."),
    NeedState.TRIAGED: _l("It has been passed on; they will get in touch with you."),
    NeedState.IN_PROGRESS: _l("Someone is working on it."),
    NeedState.RESOLVED: _l("It has been dealt with."),
    NeedState.DECLINED: _l("It could not be taken on. The reason is below."),
    NeedState.WITHDRAWN: _l("You withdrew it."),
}
#: The path a need normally takes, shown as steps.
NEED_STEPS = (
    NeedState.OPEN,
    NeedState.TRIAGED,
    NeedState.IN_PROGRESS,
    NeedState.RESOLVED,
)

PHOTO_ERRORS = {
    "empty": _l("The photo is empty."),
    "too_large": _l("The photo is larger than 5 MB. Take a smaller one."),
    "type": _l("Only JPEG or PNG photos are accepted."),
}


def need_state_label(value: str) -> str:
    return str(NEED_STATE_LABELS[NeedState(value)])


def need_state_chip(value: str) -> str:
    return NEED_STATE_CHIPS[NeedState(value)]


def need_state_hint(value: str) -> str:
    return str(NEED_STATE_HINTS[NeedState(value)])


def photo_error(reason: str) -> str:
    return str(PHOTO_ERRORS[reason])


def need_category_label(value: str) -> str:
    return str(SERVICE_CATEGORY_LABELS[ServiceCategory(value)])
