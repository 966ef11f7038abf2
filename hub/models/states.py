"""How a record with states changes state: one rule, used by every model.

Each model declares its transitions as ``{state: {states it may move to}}`` and
moves only through :func:`move`, so a wrong step is refused the same way
everywhere, with a typed error the routes turn into a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from hub.errors import DomainError

S = TypeVar("S", bound=StrEnum)


class TransitionNotAllowed(DomainError):
    """The record is not in a state that allows this step."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"{current} -> {wanted}")
        self.current, self.wanted = current, wanted


def may_move(
    record: Any, transitions: Mapping[S, set[S]], target: S, *, field: str = "state"
) -> bool:
    """Whether :func:`move` would take ``record`` to ``target`` now: the one
    question pages and policies ask before offering a step."""
    return target in transitions[type(target)(getattr(record, field))]


def move(
    record: Any, transitions: Mapping[S, set[S]], target: S, *, field: str = "state"
) -> S:
    """Set ``record.<field>`` to ``target`` if its transitions allow; returns the
    state it left. Raises TransitionNotAllowed otherwise (nothing changes)."""
    current = type(target)(getattr(record, field))
    if not may_move(record, transitions, target, field=field):
        raise TransitionNotAllowed(current, target)
    setattr(record, field, target)
    return current
