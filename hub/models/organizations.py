"""Social organizations (社会组织): the body that organization roles are granted on."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin
from hub.models.places import Street


def name_key(name: str) -> str:
    """The form of a name used for uniqueness: case and all spaces ignored."""
    return "".join(name.split()).casefold()


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: ``name_key(name)``: unique in the district.
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)

    street: Mapped[Street] = relationship()

    def __str__(self) -> str:
        return self.name
