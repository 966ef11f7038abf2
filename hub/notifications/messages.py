"""What each kind of notification says, rendered in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from hub.permissions import ROLE_LABELS, Role

#: kind -> message with %(name)s parameters; translated when shown, not when sent.
MESSAGES: dict[str, Any] = {
    "filing_submitted": _l("%(organization)s submitted its filing for review."),
    "filing_changes_requested": _l(
        "The street asked for changes to the filing of %(organization)s: %(comment)s"
    ),
    "filing_rejected": _l("The filing of %(organization)s was rejected: %(reason)s"),
    "filing_approved": _l(
        "%(organization)s is approved. Filing number: %(filing_number)s"
    ),
    "incubation_stage_changed": _l("%(organization)s is now: %(stage)s"),
    "staff_invited": _l(
        "%(inviter)s invited you to join %(organization)s as %(role)s."
    ),
    "staff_role_changed": _l("You are now %(role)s of %(organization)s."),
    "staff_removed": _l("You are no longer on the staff of %(organization)s."),
    "role_granted": _l("You have been given the role %(role)s (%(scope)s)."),
    "role_revoked": _l("Your role %(role)s (%(scope)s) has ended."),
}

#: Shown for a kind this version does not know (say, one since retired).
GENERIC_MESSAGE = _l("You have a new message.")


def _role_label(value: str) -> str:
    try:
        return str(ROLE_LABELS[Role(value)])
    except ValueError:
        return value


#: Parameters stored as codes, put into words at display time.
PARAM_LABELS: dict[str, Callable[[str], str]] = {"role": _role_label}


def register_kind(kind: str, message: Any) -> None:
    """Add a kind of notification (a lazy_gettext message)."""
    MESSAGES[kind] = message


def register_param_label(name: str, label: Callable[[str], str]) -> None:
    """Show parameter ``name`` through ``label`` (e.g. a stage code as its word)."""
    PARAM_LABELS[name] = label


class _Params(dict):
    """Parameters for %-formatting; a missing one is left blank, not an error."""

    def __missing__(self, key: str) -> str:
        return ""


def _words(params: Mapping[str, Any]) -> _Params:
    result = _Params()
    for name, value in params.items():
        label = PARAM_LABELS.get(name)
        result[name] = label(value) if label is not None and value else value
    return result


def render_message(kind: str, params: Mapping[str, Any] | None) -> str:
    """The message in the current language; a generic text for an unknown kind."""
    message = MESSAGES.get(kind)
    if message is None:
        return str(GENERIC_MESSAGE)
    try:
        return str(message) % _words(params or {})
    except (TypeError, ValueError, KeyError):  # a broken translation or parameter
        return str(GENERIC_MESSAGE)
