"""A bar chart of hours by month, drawn on the server as SVG geometry."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WIDTH = 340
HEIGHT = 160
LABEL_SPACE = 20
TOP_SPACE = 16
MAX_BAR = 40


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    hours: Decimal


def hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimals."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def bars(months: list[tuple[int, int, int]]) -> list[Bar]:
    """One bar per month, scaled to the largest; labels are month numbers."""
    if not months:
        return []
    top = max(m for _, _, m in months) or 1
    slot = WIDTH / len(months)
    usable = HEIGHT - LABEL_SPACE - TOP_SPACE
    result = []
    for i, (_year, month, minutes) in enumerate(months):
        height = round(usable * minutes / top, 1)
        width = min(slot * 0.7, MAX_BAR)
        result.append(
            Bar(
                x=round(i * slot + (slot - width) / 2, 1),
                y=round(TOP_SPACE + usable - height, 1),
                width=round(width, 1),
                height=height,
                label=str(month),
                hours=hours(minutes),
            )
        )
    return result
