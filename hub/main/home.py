"""The home page's "next actions": what each of a person's roles should do now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from hub.auth.policy import assisting_community_ids
from hub.extensions import db
from hub.matching import labels, queries, services
from hub.models import Community, Invitation, Organization, Project, Shift, User
from hub.models.base import utcnow
from hub.models.projects import LinkState
from hub.organizations.labels import filing_state_label
from hub.organizations.policy import STAFF, reviewed_street_ids
from hub.organizations.services import review_queue
from hub.organizations.staff import invitations_for
from hub.permissions import Permission
from hub.projects.queue import approval_queue
from hub.tenders.queries import awaiting_award_count, open_tender_count

if TYPE_CHECKING:
    from hub.projects.queue import WaitingProject


@dataclass(frozen=True)
class NextAction:
    title: str
    detail: str
    url: str
    primary: bool = False


def next_actions(user: User) -> list[NextAction]:
    """The actions to offer this person on the home page, most important first."""
    actions: list[NextAction] = []
    actions += _reviewer_actions(user)
    actions += _staff_actions(user)
    actions += _coordinator_actions(user)
    actions += _tender_actions(user)
    if user.has_permission(Permission.PLACES_MANAGE):
        actions.append(
            NextAction(
                _("Streets, communities and grids"),
                _("Add or rename the places of the district."),
                url_for("admin.places"),
                primary=True,
            )
        )
    if user.has_permission(Permission.ROLES_MANAGE):
        actions.append(
            NextAction(
                _("Accounts and roles"),
                _("Find a person and grant or revoke their roles."),
                url_for("admin.users"),
            )
        )
    if user.has_permission(Permission.SHIFTS_SIGNUP):
        actions.append(
            NextAction(
                _("Find volunteer work"),
                _("Upcoming shifts that need volunteers, soonest first."),
                url_for("finding.index"),
                # The one primary action, unless a role's duty already is.
                primary=not any(a.primary for a in actions),
            )
        )
    if user.has_permission(Permission.ORGANIZATIONS_APPLY) and not any(
        g.organization_id for g in user.grants
    ):
        actions.append(
            NextAction(
                _("File an organization"),
                _(
                    "Bring your community organization into the street's "
                    "incubation base."
                ),
                url_for("organizations.start"),
            )
        )
    actions.append(
        NextAction(
            _("Organizations near you"),
            _("See the organizations filed with the streets."),
            url_for("organizations.directory"),
        )
    )
    actions.append(
        NextAction(
            _("Text size and language"),
            _("Make the text larger, or switch between 中文 and English."),
            url_for("auth.account"),
        )
    )
    return actions


def projects_waiting(user: User) -> list[WaitingProject] | None:
    """A reviewer's projects waiting for approval, oldest first; None for others."""
    if not user.has_permission(Permission.PROJECTS_APPROVE):
        return None
    return approval_queue(reviewed_street_ids(user))


def _reviewer_actions(user: User) -> list[NextAction]:
    """A reviewer's queue size, with how many are overdue."""
    street_ids = reviewed_street_ids(user)
    if not street_ids:
        return []
    queue = review_queue(street_ids)
    overdue = sum(1 for item in queue if item.overdue)
    if overdue:
        detail = ngettext(
            "%(num)d filing waiting for review, %(overdue)d overdue.",
            "%(num)d filings waiting for review, %(overdue)d overdue.",
            len(queue),
            overdue=overdue,
        )
    else:
        detail = ngettext(
            "%(num)d filing waiting for review.",
            "%(num)d filings waiting for review.",
            len(queue),
        )
    return [
        NextAction(_("Review filings"), detail, url_for("review.queue"), primary=True)
    ]


def _staff_actions(user: User) -> list[NextAction]:
    """Each of my organizations' filing state, and invitations waiting for me."""
    actions = [
        NextAction(
            _("Invitation from %(organization)s", organization=inv.organization.name),
            _("Accept it to work for this organization."),
            url_for("organizations.mine"),
            primary=True,
        )
        for inv in invitations_for(user)
    ]
    org_ids = [g.organization_id for g in user.grants if g.organization_id]
    if org_ids:
        for org in db.session.scalars(
            select(Organization)
            .where(Organization.id.in_(org_ids))
            .order_by(Organization.name)
        ):
            actions.append(
                NextAction(
                    org.name,
                    filing_state_label(org.filing_state)
                    + (f" · {org.filing_number}" if org.filing_number else ""),
                    url_for("organizations.application", org_id=org.id),
                    primary=org.is_editable,
                )
            )
    return actions


def _tender_actions(user: User) -> list[NextAction]:
    """Purchase needs: reviewers see those waiting for an award; staff, open ones."""
    actions = []
    street_ids = reviewed_street_ids(user)
    if street_ids:
        waiting = awaiting_award_count(street_ids)
        detail = ngettext(
            "%(num)d purchase need waiting for your award.",
            "%(num)d purchase needs waiting for your award.",
            waiting,
        )
        url = url_for("tenders.review_list")
        actions.append(NextAction(_("Purchase needs"), detail, url, bool(waiting)))
    if any(g.role in STAFF for g in user.grants):
        detail = ngettext(
            "%(num)d purchase need taking proposals.",
            "%(num)d purchase needs taking proposals.",
            open_tender_count(),
        )
        actions.append(NextAction(_("Open tenders"), detail, url_for("tenders.index")))
    return actions


def _coordinator_actions(user: User) -> list[NextAction]:
    """A social worker's coordination requests waiting for an answer."""
    if not user.has_permission(Permission.PROJECTS_COORDINATE):
        return []
    waiting = db.session.scalar(
        select(func.count()).where(
            Project.coordinator_id == user.id, Project.link_state == LinkState.REQUESTED
        )
    )
    detail = (
        ngettext(
            "%(num)d project asks you to coordinate.",
            "%(num)d projects ask you to coordinate.",
            waiting,
        )
        if waiting
        else _("Projects of your community that you coordinate.")
    )
    actions = [
        NextAction(
            _("Coordination"),
            detail,
            url_for("projects.coordination"),
            primary=bool(waiting),
        )
    ]
    for community_id in assisting_community_ids(user):
        community = db.session.get(Community, community_id)
        actions.append(
            NextAction(
                _("Register a resident"),
                _(
                    "Help a resident of %(community)s open an account with their "
                    "own phone number.",
                    community=community.name,
                ),
                url_for("auth.assisted_register", community_id=community_id),
            )
        )
    return actions


# "For you": shifts ranked for this volunteer, and invitations waiting ----------------


@dataclass(frozen=True)
class Pick:
    """A recommended shift with its reasons in the reader's language."""

    shift: Shift
    reasons: list[str]

    @property
    def waitlist(self) -> bool:
        return self.shift.is_full


@dataclass(frozen=True)
class ForYou:
    onboarded: bool
    picks: list[Pick]
    invitations: list[Invitation]


def for_you(user: User) -> ForYou | None:
    """The volunteer home's "For you" (a bounded number of queries); None otherwise."""
    if not user.has_permission(Permission.SHIFTS_SIGNUP):
        return None
    now = utcnow()
    invitations = queries.pending_invitations(user.id, now)
    person = services.person_for(user, now)
    if person is None:
        return ForYou(False, [], invitations)
    recommended = services.recommend_for(person, now=now)
    picks = [Pick(r.shift, labels.reason_texts(r.match)) for r in recommended]
    return ForYou(True, picks, invitations)
