"""Shifts as iCalendar: one event per shift, and a person's private feed."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hub.extensions import db
from hub.models import Project, Shift, Signup, User
from hub.models.base import utcnow
from hub.models.shifts import SignupState

#: Sign-ups that belong in a calendar: a place held, a place queued for, or done.
CALENDAR_STATES = (
    SignupState.CONFIRMED,
    SignupState.WAITLISTED,
    SignupState.ATTENDED,
)
#: How far back the feed reaches, and the most events it carries.
FEED_DAYS_BACK = 90
FEED_LIMIT = 500
PRODID = "-//Shanzhi Hub//Shifts//EN"


def issue_calendar_token(user: User) -> str:
    """Give this person a new feed secret; any earlier feed URL stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    return user.calendar_token


def revoke_calendar_token(user: User) -> None:
    """Turn this person's feed off."""
    user.calendar_token = None
    db.session.flush()


def user_for_token(token: str) -> User | None:
    """The active person whose feed this secret opens, if any."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    return user if user is not None and user.active else None


def calendar_signup(user: User, shift_id: int) -> Signup | None:
    """This person's sign-up for the shift, if it belongs in a calendar."""
    return db.session.scalar(
        select(Signup).where(
            Signup.user_id == user.id,
            Signup.shift_id == shift_id,
            Signup.state.in_(CALENDAR_STATES),
        )
    )


def feed_signups(user: User, now: datetime | None = None) -> list[Signup]:
    """The feed's sign-ups: upcoming, and those of the last 90 days (one query)."""
    since = (now or utcnow()) - timedelta(days=FEED_DAYS_BACK)
    return list(
        db.session.scalars(
            select(Signup)
            .where(
                Signup.user_id == user.id,
                Signup.state.in_(CALENDAR_STATES),
                Signup.ends_at >= since,
            )
            .options(
                joinedload(Signup.shift)
                .joinedload(Shift.project)
                .joinedload(Project.organization)
            )
            .order_by(Signup.starts_at)
            .limit(FEED_LIMIT)
        )
    )


def shift_event(
    signup: Signup,
    *,
    project_url: str,
    uid_domain: str,
    stamp: datetime,
    waitlist_note: str,
) -> Event:
    """One shift as a VEVENT; its UID is the same every time, so updates replace it."""
    shift = signup.shift
    project = shift.project
    waiting = signup.state == SignupState.WAITLISTED
    description = "\n".join(
        line
        for line in (project.organization.name, waitlist_note if waiting else "")
        if line
    )
    return Event.new(
        uid=f"shift-{shift.id}@{uid_domain}",
        stamp=stamp,
        start=shift.starts_at.astimezone(UTC),
        end=shift.ends_at.astimezone(UTC),
        summary=project.title,
        location=shift.place,
        url=project_url,
        description=description,
        status="TENTATIVE" if waiting else "CONFIRMED",
    )


def calendar_ics(
    signups: Iterable[Signup],
    *,
    name: str,
    uid: str,
    project_url: Callable[[int], str],
    uid_domain: str,
    waitlist_note: str,
    feed: bool = False,
) -> bytes:
    """A calendar of these sign-ups' shifts, as the bytes of an .ics file."""
    stamp = utcnow().replace(microsecond=0)
    calendar = Calendar.new(
        prodid=PRODID,
        name=name,
        uid=uid,
        method=None if feed else "PUBLISH",
        subcomponents=[
            shift_event(
                signup,
                project_url=project_url(signup.shift.project_id),
                uid_domain=uid_domain,
                stamp=stamp,
                waitlist_note=waitlist_note,
            )
            for signup in signups
        ],
    )
    if feed:
        # How often subscribed calendars should look again (RFC 7986 and Outlook's).
        every = timedelta(hours=4)
        calendar.add("refresh-interval", every, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT4H")
    return calendar.to_ical()
