"""Residents' evaluation of a project: the window, who may rate, ratings, hiding.

The rules in one place:
- the street opens one window per completed project (start and end);
- eligible are the volunteers who attended one of its shifts, and the residents
  whose home community is the project's, confirmed by a social worker there;
  staff of the project's organization and its coordinator are not (they would be
  rating themselves);
- each eligible person has one rating (the database holds that), changed in place
  until the window closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from hub import audit
from hub.errors import DomainError
from hub.extensions import db
from hub.models import Project, Shift, Signup, User, VolunteerProfile
from hub.models.base import utcnow
from hub.models.evaluations import EvaluationWindow, Rating
from hub.models.organizations import TransitionNotAllowed
from hub.models.shifts import SignupState
from hub.notifications.services import notify
from hub.organizations.policy import is_staff

#: Why a person may rate: they served on it, or they live where it was done.
BASIS_VOLUNTEER = "volunteer"
BASIS_RESIDENT = "resident"
COMMENT_MAX = 500


class WindowAlreadyOpened(DomainError):
    """The project already has an evaluation window."""


class BadWindow(DomainError):
    """The window closes before it opens, or closes in the past."""


class WindowNotOpen(DomainError):
    """Ratings are taken only while the window is open."""


class NotEligible(DomainError):
    """This person neither attended a shift nor is a confirmed resident there."""


class BadScore(DomainError):
    """Scores are whole numbers from 1 to 5; a comment has at most 500 characters."""


def attended(user: User, project: Project) -> bool:
    """Whether the person attended one of the project's shifts."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Signup.user_id == user.id,
                    Signup.state == SignupState.ATTENDED,
                    Signup.shift_id == Shift.id,
                    Shift.project_id == project.id,
                )
            )
        )
    )


def is_confirmed_resident(user: User, community_id: int) -> bool:
    """Whether a social worker confirmed the person lives in the community."""
    profile = db.session.get(VolunteerProfile, user.id)
    return bool(
        profile is not None
        and profile.home_community_id == community_id
        and profile.residence_confirmed
    )


def eligibility(user: User | None, project: Project) -> str | None:
    """Why this person may rate the project ("volunteer", "resident"), or None."""
    if user is None or not user.is_authenticated:
        return None
    if is_staff(user, project.organization) or project.coordinator_id == user.id:
        return None
    if attended(user, project):
        return BASIS_VOLUNTEER
    if is_confirmed_resident(user, project.community_id):
        return BASIS_RESIDENT
    return None


def _notify_attendees(project: Project) -> None:
    attendees = db.session.scalars(
        select(User)
        .join(Signup, Signup.user_id == User.id)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.project_id == project.id, Signup.state == SignupState.ATTENDED)
        .distinct()
    )
    url = url_for("evaluations.project", project_id=project.id)
    for user in attendees:
        notify(user, "evaluation_open", params={"project": project.title}, url=url)


def open_window(
    project: Project,
    *,
    by: User,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime | None = None,
) -> EvaluationWindow:
    """Open the evaluation of a completed project; attendees are told."""
    now = now or utcnow()
    if not project.is_finished:
        raise TransitionNotAllowed(project.state, "evaluation_open")
    if project.evaluation_window is not None:
        raise WindowAlreadyOpened(project.id)
    if closes_at <= opens_at or closes_at <= now:
        raise BadWindow(opens_at, closes_at)
    window = EvaluationWindow(
        project_id=project.id,
        opens_at=opens_at,
        closes_at=closes_at,
        opened_by_id=by.id,
    )
    db.session.add(window)
    db.session.flush()
    project.evaluation_window = window
    audit.record(
        by,
        window,
        "evaluation.open",
        street_id=project.street_id,
        data={
            "project_id": project.id,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
        },
    )
    _notify_attendees(project)
    return window


def rating_of(user: User, project: Project) -> Rating | None:
    """The person's rating of the project, if they gave one."""
    return db.session.scalar(
        select(Rating).where(Rating.project_id == project.id, Rating.user_id == user.id)
    )


def _check_scores(scores: dict[str, int], comment: str) -> None:
    for value in scores.values():
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise BadScore(value)
    if len(comment) > COMMENT_MAX:
        raise BadScore(len(comment))


def rate_project(
    project: Project,
    *,
    user: User,
    satisfaction: int,
    quality: int,
    responsiveness: int,
    comment: str = "",
    now: datetime | None = None,
) -> Rating:
    """Give or change one's rating while the window is open."""
    now = now or utcnow()
    window = project.evaluation_window
    if window is None or not window.is_open(now):
        raise WindowNotOpen(project.id)
    basis = eligibility(user, project)
    if basis is None:
        raise NotEligible(user.id, project.id)
    comment = comment.strip()
    scores = {
        "satisfaction": satisfaction,
        "quality": quality,
        "responsiveness": responsiveness,
    }
    _check_scores(scores, comment)
    rating = rating_of(user, project)
    action = "rating.change"
    if rating is None:
        rating = Rating(project_id=project.id, user_id=user.id, basis=basis, **scores)
        rating.comment = comment
        rating.rated_at = now
        try:
            # A second tap racing the first meets the unique constraint; it then
            # changes the rating the first one wrote.
            with db.session.begin_nested():
                db.session.add(rating)
            action = "rating.give"
        except IntegrityError:
            rating = rating_of(user, project)
            assert rating is not None  # noqa: S101 - the constraint just said so
    if action == "rating.change":
        for name, value in scores.items():
            setattr(rating, name, value)
        rating.comment = comment
        rating.rated_at = now
    db.session.flush()
    audit.record(
        user,
        rating,
        action,
        street_id=project.street_id,
        data={"project_id": project.id, **scores},
        now=now,
    )
    return rating


def hide_comment(rating: Rating, *, by: User, reason: str) -> None:
    """Hide an abusive comment from the public; the rating still counts."""
    if rating.hidden_at is not None:
        return
    rating.hidden_at = utcnow()
    rating.hidden_by_id = by.id
    rating.hidden_reason = reason.strip()
    db.session.flush()
    audit.record(
        by,
        rating,
        "rating.hide_comment",
        reason=rating.hidden_reason,
        street_id=rating.project.street_id,
        data={"project_id": rating.project_id},
    )


@dataclass(frozen=True)
class OpenEvaluation:
    project: Project
    window: EvaluationWindow
    basis: str
    rated: bool


def open_for(user: User, *, now: datetime | None = None) -> list[OpenEvaluation]:
    """Evaluations open now that this person may take part in, closing soonest first."""
    now = now or utcnow()
    profile = db.session.get(VolunteerProfile, user.id)
    served = (
        select(Shift.project_id)
        .join(Signup, Signup.shift_id == Shift.id)
        .where(Signup.user_id == user.id, Signup.state == SignupState.ATTENDED)
    )
    where = Project.id.in_(served)
    if profile is not None and profile.residence_confirmed:
        where = where | (Project.community_id == profile.home_community_id)
    rows = db.session.execute(
        select(Project, EvaluationWindow)
        .join(EvaluationWindow, EvaluationWindow.project_id == Project.id)
        .where(
            where,
            EvaluationWindow.opens_at <= now,
            EvaluationWindow.closes_at > now,
        )
        .order_by(EvaluationWindow.closes_at, Project.id)
        .limit(50)
    ).all()
    rated = set(
        db.session.scalars(
            select(Rating.project_id).where(
                Rating.user_id == user.id,
                Rating.project_id.in_([p.id for p, _ in rows]),
            )
        )
    )
    result = []
    for project, window in rows:
        basis = eligibility(user, project)
        if basis is not None:
            result.append(OpenEvaluation(project, window, basis, project.id in rated))
    return result
