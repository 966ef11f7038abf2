"""Lists shown one state at a time, with a count on each state's tab."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask import request
from sqlalchemy import func, select

from hub.extensions import db


def chosen_state(states: type[StrEnum], default: StrEnum) -> str:
    """The ``?state=`` asked for, or ``default`` when it names no state."""
    wanted = request.args.get("state", default)
    return wanted if wanted in states._value2member_map_ else default


def counts_by_state(state_column: Any, *where: Any) -> dict[str, int]:
    """How many rows are in each state (one grouped query)."""
    return dict(
        db.session.execute(
            select(state_column, func.count()).where(*where).group_by(state_column)
        ).all()
    )
