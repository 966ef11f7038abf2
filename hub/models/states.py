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


def move(
    record: Any, transitions: Mapping[S, set[S]], target: S, *, field: str = "state"
) -> S:
    """Set ``record.<field>`` to ``target`` if its transitions allow; returns the
    state it left. Raises TransitionNotAllowed otherwise (nothing changes)."""
    state_type = type(target)
    current = state_type(getattr(record, field))
    if target not in transitions[current]:
        raise TransitionNotAllowed(current, target)
    setattr(record, field, target)
    return current
