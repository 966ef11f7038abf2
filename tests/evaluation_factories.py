"""Factories for evaluations: a completed project with attendees and residents."""

from __future__ import annotations

from datetime import datetime, timedelta

from hub.evaluations import services
from hub.extensions import db
from hub.models import Project, User, VolunteerProfile
from hub.models.base import utcnow
from hub.models.evaluations import EvaluationWindow
from hub.models.shifts import SignupState
from hub.projects import services as project_services
from hub.shifts import services as shift_services
from tests import factories


def completed_project(
    attendees: int = 2,
    no_shows: int = 0,
    **kwargs,  # noqa: ANN003
) -> tuple[Project, list[User]]:
    """A project that ran one shift, attended by ``attendees`` volunteers.

    ``no_shows`` more signed up but did not come (in ``completed_project.no_shows``).
    """
    project = factories.recruiting_project(**kwargs)
    shift = factories.shift(project, capacity=attendees + no_shows + 1)
    people = []
    completed_project.no_shows = []
    for i in range(attendees + no_shows):
        person = factories.volunteer(name=f"志愿者{i}")
        signup = shift_services.sign_up(shift, user=person)
        if i < attendees:
            signup.state = SignupState.ATTENDED
            people.append(person)
        else:
            signup.state = SignupState.NO_SHOW
            completed_project.no_shows.append(person)
    owner = factories.owner_of(project.organization)
    project_services.start_project(project, by=owner)
    project_services.complete_project(project, by=owner)
    db.session.flush()
    return project, people


def resident(project: Project, *, confirmed: bool = True, **kwargs) -> User:  # noqa: ANN003
    """A person whose home community is the project's (confirmed by default)."""
    person = factories.volunteer(**kwargs)
    profile = VolunteerProfile(
        user_id=person.id, home_community_id=project.community_id
    )
    if confirmed:
        profile.residence_confirmed_at = utcnow() - timedelta(days=30)
    db.session.add(profile)
    db.session.flush()
    return person


def open_evaluation(
    project: Project,
    *,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> EvaluationWindow:
    """The street opens the project's evaluation now, for two weeks."""
    now = utcnow()
    return services.open_window(
        project,
        by=factories.reviewer(street=project.street),
        opens_at=opens_at or now - timedelta(minutes=1),
        closes_at=closes_at or now + timedelta(days=14),
    )


def close(window: EvaluationWindow) -> None:
    """Move the close into the past (as time passing would)."""
    window.closes_at = utcnow() - timedelta(seconds=1)
    if window.opens_at >= window.closes_at:
        window.opens_at = window.closes_at - timedelta(days=1)
    db.session.flush()
