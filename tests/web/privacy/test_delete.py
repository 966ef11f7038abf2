"""Delete my account: personal data erased everywhere, hours and the log kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import JSON, String, Text, select

from hub.extensions import db
from hub.hours.ledger import minutes_by_organization
from hub.models import (
    AuditEntry,
    HourRecord,
    Invitation,
    Notification,
    OutboxMessage,
    Rating,
    RoleGrant,
    ServiceNeed,
    Signup,
    StaffInvitation,
    User,
    VolunteerProfile,
)
from hub.models.needs import NeedState
from hub.models.shifts import SignupState
from hub.ops.audit_chain import verify_chain
from hub.permissions import Role
from hub.privacy import erasure
from tests import factories
from tests.conftest import second_device
from tests.factories import DEFAULT_PASSWORD
from tests.sms import register
from tests.web.privacy.world import (
    GUARDIAN_MOBILE,
    GUARDIAN_NAME,
    MOBILE,
    NAME,
    RATING_COMMENT,
    full_life,
)

CONFIRM = {"password": DEFAULT_PASSWORD, "understood": "y"}


def _text_values() -> list[tuple[str, str, str]]:
    """Every text and JSON value in every table: (table, column, text)."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)).mappings():
            for column in columns:
                value: Any = row[column.name]
                if value is None:
                    continue
                if not isinstance(value, str):
                    value = json.dumps(value, ensure_ascii=False)
                found.append((table.name, column.name, value))
    return found


def _anywhere(needle: str) -> list[tuple[str, str]]:
    return [(t, c) for t, c, value in _text_values() if needle in value]


def test_page_explains_what_is_erased_and_kept(client, login) -> None:
    login(factories.volunteer())
    response = client.get("/account/delete")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="panel"') == 3  # erased, ends, kept
    assert 'type="password"' in page and 'name="understood"' in page
    assert 'action="/account/delete"' in page


def test_wrong_password_or_no_tick_deletes_nothing(client, login) -> None:
    person = login(factories.volunteer(name=NAME))
    wrong = client.post("/account/delete", data={"password": "nope", "understood": "y"})
    assert wrong.status_code == 422
    assert 'class="error"' in wrong.get_data(as_text=True)
    unticked = client.post("/account/delete", data={"password": DEFAULT_PASSWORD})
    assert unticked.status_code == 422
    assert db.session.get(User, person.id).name == NAME
    assert client.get("/account").status_code == 200


def test_sole_owner_must_hand_over_first(client, login) -> None:
    org = factories.application()
    owner = login(factories.owner_of(org))
    page = client.get("/account/delete").get_data(as_text=True)
    assert org.name in page
    assert 'action="/account/delete"' not in page
    response = client.post("/account/delete", data=CONFIRM)
    assert response.status_code == 422
    assert db.session.get(User, owner.id).active


def test_deleting_erases_the_person_and_keeps_the_record(app, client, login) -> None:
    life = full_life()
    person_id = life.person.id
    org_id = life.record.organization_id
    minutes_before = minutes_by_organization([org_id])[org_id]
    # The scan finds them before (so finding nothing afterwards means something).
    for needle in (NAME, MOBILE, GUARDIAN_NAME, GUARDIAN_MOBILE, RATING_COMMENT):
        assert _anywhere(needle), needle
    login(life.person)
    other_phone = second_device(app, life.person)

    response = client.post("/account/delete", data=CONFIRM)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"

    # Logged out here and everywhere; the account cannot log in again.
    assert client.get("/account").status_code == 302
    assert other_phone.get("/account").status_code == 302
    login_again = client.post(
        "/login", data={"mobile": MOBILE, "password": DEFAULT_PASSWORD}
    )
    assert login_again.status_code == 422

    person = db.session.get(User, person_id)
    assert person.name == f"已注销用户#{person_id}"
    assert person.mobile == f"x{person_id:010d}" and len(person.mobile) == 11
    assert not person.active and person.calendar_token is None
    assert db.session.get(VolunteerProfile, person_id) is None

    # Organizations' totals are unchanged; the hours stay under the anonymous id.
    assert minutes_by_organization([org_id])[org_id] == minutes_before
    assert db.session.get(HourRecord, life.record.id).user_id == person_id
    rating = db.session.get(Rating, life.rating.id)
    assert (rating.satisfaction, rating.quality, rating.comment) == (5, 4, "")

    # Commitments end: the waitlist moves up, the invitation is declined.
    assert db.session.get(Signup, life.signup.id).state == SignupState.CANCELLED
    promoted = db.session.scalar(
        select(Signup).where(Signup.user_id == life.waiting.id)
    )
    assert promoted.state == SignupState.CONFIRMED
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.user_id == person_id)
    )
    assert invitation.state == "declined"
    need = db.session.get(ServiceNeed, life.need.id)
    assert need.state == NeedState.WITHDRAWN and need.description == "—"
    assert not db.session.scalars(
        select(RoleGrant).where(
            RoleGrant.user_id == person_id, RoleGrant.revoked_at.is_(None)
        )
    ).all()
    for model in (Notification, OutboxMessage):
        assert not db.session.scalars(
            select(model).where(model.user_id == person_id)
        ).all()
    staff_invitations = db.session.scalars(
        select(StaffInvitation).where(StaffInvitation.mobile == person.mobile)
    ).all()
    assert len(staff_invitations) == 1 and staff_invitations[0].declined_at

    # The log: one entry on the account, with counts only; the chain still holds.
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "account.delete")
    ).one()
    assert (entry.object_type, entry.object_id, entry.actor_id) == (
        "user",
        person_id,
        person_id,
    )
    assert entry.data["signups_cancelled"] == 1
    assert entry.data["invitations_declined"] == 1
    assert NAME not in json.dumps(entry.data, ensure_ascii=False)
    report = verify_chain()
    assert report.ok, report.problems

    # The name, number, guardian and words are nowhere in the database.
    for needle in (NAME, MOBILE, GUARDIAN_NAME, GUARDIAN_MOBILE, RATING_COMMENT):
        assert _anywhere(needle) == [], needle
    # Others' messages that quoted the name now quote the anonymous label.
    quoted = db.session.scalars(
        select(Notification).where(Notification.user_id == life.invited_staff.id)
    ).one()
    assert quoted.params["inviter"] == f"已注销用户#{person_id}"


def test_the_number_is_free_to_register_again(client, login) -> None:
    person = login(factories.volunteer(name=NAME, mobile=MOBILE))
    assert client.post("/account/delete", data=CONFIRM).status_code == 303
    response = register(client, MOBILE, name="新的人", password="lantern-river-43")
    assert response.status_code == 303
    fresh = db.session.scalar(select(User).where(User.mobile == MOBILE))
    assert fresh.id != person.id and fresh.name == "新的人"


def test_htmx_delete_redirects_with_hx_redirect(client, login) -> None:
    login(factories.volunteer())
    response = client.post(
        "/account/delete", data=CONFIRM, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/"


def test_a_coordinator_can_delete_and_projects_keep_the_anonymous_id(
    client, login
) -> None:
    project, worker = factories.linked_project()
    login(worker)
    assert client.post("/account/delete", data=CONFIRM).status_code == 303
    assert project.coordinator_id == worker.id
    assert db.session.get(User, worker.id).name.startswith("已注销用户")


@pytest.mark.parametrize("role", [Role.ORG_OWNER])
def test_co_owner_may_leave(client, login, role: Role) -> None:
    org = factories.application()
    other = factories.UserFactory()
    factories.grant(other, role, organization=org)
    login(other)
    assert client.post("/account/delete", data=CONFIRM).status_code == 303
    # The original owner is left, still in charge.
    assert erasure.sole_owned_organizations(factories.owner_of(org)) == [org]
