"""Evaluation meetings (成效评议会): the street's recorded conclusion on a project."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import TimestampMixin


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
