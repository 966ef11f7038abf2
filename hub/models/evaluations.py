"""Residents rate projects (社会评议); the street holds a meeting (成效评议会)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin, UTCDateTime, utcnow


class Conclusion(StrEnum):
    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    PASS = "pass"  # 合格  # noqa: S105 - a grade, not a password
    FAIL = "fail"  # 不合格: no tenders for 12 months


class EvaluationMeeting(TimestampMixin, db.Model):
    """One meeting per project: when, who attended, what was said, the conclusion."""

    __tablename__ = "evaluation_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    conclusion: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project = relationship("Project", back_populates="meeting")

    AUDIT_TYPE = "evaluation_meeting"


#: The three questions, each rated 1–5.
CRITERIA = ("satisfaction", "quality", "responsiveness")


class EvaluationWindow(TimestampMixin, db.Model):
    """The period in which a completed project may be rated; one per project."""

    __tablename__ = "evaluation_windows"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        Index("ix_evaluation_windows_closes_at", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project = relationship("Project", back_populates="evaluation_window")

    AUDIT_TYPE = "evaluation_window"

    def is_open(self, now: datetime | None = None) -> bool:
        return self.opens_at <= (now or utcnow()) < self.closes_at

    def is_closed(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.closes_at


class Rating(TimestampMixin, db.Model):
    """One person's rating of one project; changed in place until the window closes."""

    __tablename__ = "ratings"
    __table_args__ = (
        # One rating per person per project, whatever the application does.
        UniqueConstraint("project_id", "user_id"),
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_1_5"),
        CheckConstraint("quality BETWEEN 1 AND 5", name="quality_1_5"),
        CheckConstraint("responsiveness BETWEEN 1 AND 5", name="responsiveness_1_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Why this person could vote: "volunteer" (attended) or "resident".
    basis: Mapped[str] = mapped_column(String(20))
    satisfaction: Mapped[int] = mapped_column(Integer)
    quality: Mapped[int] = mapped_column(Integer)
    responsiveness: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(500), default="")
    #: When it was given or last changed.
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    project = relationship("Project")
    user = relationship("User", foreign_keys=[user_id])

    AUDIT_TYPE = "rating"

    @property
    def comment_hidden(self) -> bool:
        return self.hidden_at is not None
