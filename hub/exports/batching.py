"""Read a query in batches from a server-side cursor; small value helpers.

Every exported list is a plain Core query over the reviewer's streets, executed
with ``yield_per`` (a server-side cursor on PostgreSQL) and read partition by
partition, so only one batch of rows is in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select

from hub.extensions import db

#: Rows fetched from the database at a time.
BATCH_SIZE = 1000
TWO_PLACES = Decimal("0.01")
LIST_SEPARATOR = "、"

Rows = Iterator[tuple[Any, ...]]


def batches(statement: Select) -> Iterator[Sequence[Any]]:
    """The statement's rows, ``BATCH_SIZE`` at a time, from a server-side cursor."""
    result = db.session.execute(statement.execution_options(yield_per=BATCH_SIZE))
    try:
        yield from result.partitions()
    finally:
        result.close()


def label(labels: dict, value: Any) -> str:
    """A code in words ("" for none; the code itself when it has no label)."""
    return "" if value is None else str(labels.get(value, value))


def joined(values: Sequence[str] | None, labels: dict) -> str:
    """Several codes in words, separated by 、."""
    return LIST_SEPARATOR.join(label(labels, v) for v in values or ())


def yuan(fen: int | None) -> Decimal | None:
    """Fen as yuan, exactly."""
    return None if fen is None else Decimal(fen) / 100


def average(total: int | None, n: int) -> Decimal | None:
    """``total / n`` to two places, half up (None without responses)."""
    if not n or total is None:
        return None
    return (Decimal(total) / n).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
