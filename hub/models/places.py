"""Places: Street → Community → Grid (网格化)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin

T = TypeVar("T")

#: A run of Arabic digits, or of Chinese numerals (第十一网格, 二〇二六).
_NUMBER = re.compile(r"(\d+|[〇零一二两三四五六七八九十百千]+)")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def _chinese_number(text: str) -> int:
    """十一 → 11, 一百零五 → 105; digits alone are read in place (二〇二六)."""
    if not any(c in _UNITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total = digit = 0
    for c in text:
        if c in _UNITS:
            total += (digit or 1) * _UNITS[c]
            digit = 0
        else:
            digit = _DIGITS[c]
    return total + digit


def place_sort_key(name: str) -> tuple[Any, ...]:
    """Sort places as people count them: 第2网格 < 第十网格 < 第11网格.

    The one order for grids and communities wherever they are listed. Numbers,
    in Arabic digits (full-width too) or Chinese numerals, compare by value; the
    rest by text; the name itself breaks ties (第2网格 and 第二网格).
    """
    text = unicodedata.normalize("NFKC", name).strip()
    parts = _NUMBER.split(text)
    # Text at even places, numbers at odd ones: like is compared with like.
    key = [
        (int(p) if p.isdigit() else _chinese_number(p)) if i % 2 else p
        for i, p in enumerate(parts)
    ]
    return (tuple(key), name)


def in_place_order(
    items: Iterable[T], name: Callable[[T], str] = lambda item: item.name
) -> list[T]:
    """``items`` (places, or rows with a name) in ``place_sort_key`` order."""
    return sorted(items, key=lambda item: place_sort_key(name(item)))


class Street(TimestampMixin, db.Model):
    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)

    communities: Mapped[list[Community]] = relationship(
        back_populates="street", order_by="Community.name"
    )

    def __str__(self) -> str:
        return self.name


class Community(TimestampMixin, db.Model):
    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("street_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))

    street: Mapped[Street] = relationship(back_populates="communities")
    grids: Mapped[list[Grid]] = relationship(
        back_populates="community", order_by="Grid.name"
    )

    def __str__(self) -> str:
        return self.name


class Grid(TimestampMixin, db.Model):
    __tablename__ = "grids"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))

    community: Mapped[Community] = relationship(back_populates="grids")

    def __str__(self) -> str:
        return self.name
