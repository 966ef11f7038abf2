"""Words for audit actions and states, in the reader's language.

A state word belongs to a kind of record: "confirmed" is 已报名 for a sign-up and
已确认 for an hour record, "open" is 征集中 for a tender and 等待对方回复 for a question
about hours. So the log looks a state up by (record type, state), in the mapping
the owning feature shows on its own pages; features hand those mappings over
with ``register_state_labels`` (the same objects, never a copy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from hub.permissions import ROLE_LABELS

#: Known actions; an unknown one is shown as written.
ACTION_LABELS: dict[str, Any] = {
    "filing.create": _l("Filing started"),
    "filing.submit": _l("Filing submitted for review"),
    "filing.request_changes": _l("Filing sent back for changes"),
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

#: (record type, state value) -> lazy label, from the owning feature's mapping.
_STATE_LABELS: dict[tuple[str, str], Any] = {
    ("role_grant", str(role)): label for role, label in ROLE_LABELS.items()
}


#: Every mapping handed over, with the kind of record it was given for.
_VOCABULARIES: list[tuple[str, Mapping[Any, Any]]] = [("role_grant", ROLE_LABELS)]

#: action -> what the entry's data says, in words of the reader's language.
#: Written at read time: text stored with an entry is in the writer's language.
DETAIL_WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {}


class StateWordsClash(ValueError):
    """Two features gave different words to one state of one kind of record."""


def register_action_labels(labels: Mapping[str, Any]) -> None:
    """Let a feature name (or rename) its actions (action → lazy label)."""
    ACTION_LABELS.update(labels)


def register_state_labels(object_type: str, *mappings: Mapping[Any, Any]) -> None:
    """Teach the log the words for the states of one kind of record.

    ``object_type`` is the record's audit type (``hub.audit.audit_type``); each
    mapping goes from enum value to lazy label. One state of one kind of record has
    one word: another label object for a known (type, state) is refused.
    """
    given = {
        (object_type, str(key)): label
        for labels in mappings
        for key, label in labels.items()
    }
    for slot, label in given.items():
        known = _STATE_LABELS.get(slot)
        if known is not None and known is not label:
            raise StateWordsClash(slot)
    _STATE_LABELS.update(given)
    for labels in mappings:
        if not any(t == object_type and m is labels for t, m in _VOCABULARIES):
            _VOCABULARIES.append((object_type, labels))


def register_detail_writer(
    action: str, writer: Callable[[dict[str, Any]], str]
) -> None:
    """Let a feature say what an action's stored data means (e.g. which list)."""
    DETAIL_WRITERS[action] = writer


def entry_detail(action: str, data: dict[str, Any] | None) -> str:
    """The entry's data in words, or "" when its action has no writer."""
    writer = DETAIL_WRITERS.get(action)
    return writer(data) if writer is not None and data else ""


def state_vocabularies() -> list[tuple[str, Mapping[Any, Any]]]:
    """Each (record type, mapping of state -> label) handed over, for checks."""
    return list(_VOCABULARIES)


def action_label(action: str) -> str:
    """The action in words, or the action itself when it has none yet."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def state_label(object_type: str, value: str | None) -> str:
    """A record's state in its feature's words, or the stored value if it has none."""
    if not value:
        return ""
    label = _STATE_LABELS.get((object_type, value))
    return str(label) if label is not None else value
