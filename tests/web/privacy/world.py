"""A person with something in every table that can hold data about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hub.extensions import db
from hub.hours import certificates, records
from hub.matching import services as matching
from hub.models import (
    HourRecord,
    NumberRecovery,
    Organization,
    Rating,
    ServiceNeed,
    Shift,
    Signup,
    User,
    VolunteerProfile,
)
from hub.models.base import utcnow
from hub.notifications.services import notify
from hub.organizations import staff
from hub.permissions import Role
from hub.shifts import services as shifts
from tests import factories

NAME = "欧阳隐私"
MOBILE = "13987650001"
GUARDIAN_NAME = "欧阳监护"
GUARDIAN_MOBILE = "13987650002"
RATING_COMMENT = "组织得很好，有事请找欧阳隐私"


@dataclass
class Life:
    person: User
    record: HourRecord
    organizer: User
    future_shift: Shift
    signup: Signup
    waiting: User
    need: ServiceNeed
    org: Organization
    co_owner: User
    invited_staff: User
    rating: Rating


def full_life() -> Life:
    """Hours, a certificate, a dispute, a rating, a need, a future sign-up with
    someone waiting behind, an open invitation, a profile with a guardian, an
    organization (with a co-owner), staff invitations to and from the person."""
    person = factories.volunteer(name=NAME, mobile=MOBILE)
    db.session.add(
        VolunteerProfile(
            user_id=person.id,
            birth_date=date(2010, 5, 1),
            guardian_name=GUARDIAN_NAME,
            guardian_mobile=GUARDIAN_MOBILE,
            guardian_consent_at=utcnow(),
            skills=["first_aid"],
            onboarded_at=utcnow(),
        )
    )
    person.calendar_token = "calendar-secret-token-of-the-person"
    record, _shift, _person, organizer = factories.confirmed_hours(user=person)
    today = utcnow().date()
    certificates.issue_certificate(person, start=today - timedelta(days=30), end=today)
    records.open_dispute(record, user=person, reason="少算了半小时")
    rating = Rating(
        project_id=record.project_id,
        user_id=person.id,
        basis="attendee",
        satisfaction=5,
        quality=4,
        responsiveness=5,
        comment=RATING_COMMENT,
    )
    db.session.add(rating)

    future_shift = factories.shift(capacity=1)
    signup = shifts.sign_up(future_shift, user=person)
    waiting = factories.volunteer()
    shifts.sign_up(future_shift, user=waiting)
    invite_shift = factories.shift(future_shift.project, hours_from_now=96)
    matching.invite_to_shift(
        invite_shift,
        user=person,
        by=factories.owner_of(future_shift.project.organization),
    )

    need = factories.need(resident=person, description="我家在3号楼，请联系欧阳隐私")
    notify(person, "signup_promoted", params={"project": "测试项目"})

    org = factories.application(owner=person)
    co_owner = factories.UserFactory()
    factories.grant(co_owner, Role.ORG_OWNER, organization=org)
    invited_staff = factories.UserFactory()
    # Someone else's message quoting the person's name ("欧阳隐私 invited you").
    staff.invite_staff(
        org, mobile=invited_staff.mobile, role=Role.ORG_MANAGER, by=person
    )
    other_org = factories.application()
    staff.invite_staff(
        other_org,
        mobile=person.mobile,
        role=Role.ORG_MANAGER,
        by=factories.owner_of(other_org),
    )
    # A number change the street asked for and declined (the person kept the number).
    db.session.add(
        NumberRecovery(
            user_id=person.id,
            street_id=org.street_id,
            old_mobile=person.mobile,
            new_mobile="13700009999",
            reason="在办事大厅查验了身份证",
            state="declined",
            requested_by_id=organizer.id,
        )
    )
    db.session.flush()
    return Life(
        person=person,
        record=record,
        organizer=organizer,
        future_shift=future_shift,
        signup=signup,
        waiting=waiting,
        need=need,
        org=org,
        co_owner=co_owner,
        invited_staff=invited_staff,
        rating=rating,
    )
