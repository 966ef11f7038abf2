"""A volunteer's (or resident's) profile: where they live, what they can do, when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin, UTCDateTime
from hub.models.places import Community, Grid

#: Weekly availability is a 21-bit mask: bit ``day * 3 + part`` (Monday = day 0;
#: part 0 morning, 1 afternoon, 2 evening). An integer so SQL can filter on it.
DAYS = 7
PARTS = 3


def slot_bit(day: int, part: int) -> int:
    """The availability bit of one weekday part (day 0 = Monday)."""
    return 1 << (day * PARTS + part)


class VolunteerProfile(TimestampMixin, db.Model):
    """One per person; created by onboarding, editable at any time."""

    __tablename__ = "volunteer_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: Skill codes from ``hub.categories.Skill``.
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Service category codes from ``hub.categories.ServiceCategory``.
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[int] = mapped_column(Integer, default=0)
    home_community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id"), index=True
    )
    home_grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    #: Hours a month this person is willing to give; None means no limit set.
    monthly_hour_limit: Mapped[int | None] = mapped_column(Integer)
    birth_date: Mapped[date | None] = mapped_column(Date)
    guardian_name: Mapped[str | None] = mapped_column(String(60))
    guardian_mobile: Mapped[str | None] = mapped_column(String(11))
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A social worker of the home community confirmed this person lives there
    #: (residents' votes on that community's projects count only then).
    residence_confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id")
    )
    residence_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", foreign_keys=[user_id])
    home_community: Mapped[Community | None] = relationship()
    home_grid: Mapped[Grid | None] = relationship()

    AUDIT_TYPE = "volunteer_profile"

    @property
    def id(self) -> int:
        """The audit log refers to a profile by its person's id."""
        return self.user_id

    def is_available(self, day: int, part: int) -> bool:
        return bool(self.availability & slot_bit(day, part))

    @property
    def residence_confirmed(self) -> bool:
        return self.residence_confirmed_at is not None
