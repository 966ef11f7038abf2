"""Words for audit actions and states, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from hub.permissions import ROLE_LABELS

#: Known actions; an unknown one is shown as written.
ACTION_LABELS: dict[str, Any] = {
    "filing.create": _l("Filing started"),
    "filing.submit": _l("Filing submitted for review"),
    "filing.request_changes": _l("Changes requested"),
    "filing.reject": _l("Filing rejected"),
    "filing.approve": _l("Filing approved"),
    "filing.document_add": _l("Document added"),
    "filing.document_remove": _l("Document removed"),
    "incubation.stage": _l("Incubation stage changed"),
    "staff.invite": _l("Staff member invited"),
    "staff.accept": _l("Invitation accepted"),
    "staff.decline": _l("Invitation declined"),
    "staff.role": _l("Staff role changed"),
    "staff.remove": _l("Staff member removed"),
}

#: State values to words; features add theirs with ``register_state_labels``.
_STATE_LABELS: dict[str, Any] = {
    str(role): label for role, label in ROLE_LABELS.items()
}


def register_action_labels(labels: Mapping[str, Any]) -> None:
    """Let a feature name (or rename) its actions (action → lazy label)."""
    ACTION_LABELS.update(labels)


def register_state_labels(labels: Mapping[Any, Any]) -> None:
    """Teach the log the words for a feature's states (enum value → lazy label)."""
    _STATE_LABELS.update({str(key): label for key, label in labels.items()})


def action_label(action: str) -> str:
    """The action in words, or the action itself when it has none yet."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def state_label(value: str | None) -> str:
    """A state in words, or the stored value when no feature has named it."""
    if not value:
        return ""
    label = _STATE_LABELS.get(value)
    return str(label) if label is not None else value
