"""Full numbers are masked until a permitted viewer asks; each reveal is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.models import AuditEntry, Shift, User
from hub.permissions import Role
from hub.shifts import services
from tests import factories

HX = {"HX-Request": "true"}
NUMBER = "13912349876"


def _reveals() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "phone.reveal")
            .order_by(AuditEntry.id)
        )
    )


def _roster() -> tuple[Shift, User, int]:
    shift = factories.shift()
    person = factories.volunteer(name="王秀兰", mobile=NUMBER)
    signup = services.sign_up(shift, user=person)
    return shift, person, signup.id


# The roster ----------------------------------------------------------------------


def test_roster_shows_numbers_masked_with_show_number(client, login) -> None:
    shift, _person, signup_id = _roster()
    login(factories.owner_of(shift.project.organization))
    page = client.get(f"/shifts/{shift.id}/roster").get_data(as_text=True)
    assert NUMBER not in page
    assert "139****9876" in page
    assert f'action="/phone/signup/{signup_id}"' in page
    assert _reveals() == []


def test_organizer_reveals_with_htmx_and_it_is_audited(client, login) -> None:
    shift, person, signup_id = _roster()
    organizer = login(factories.owner_of(shift.project.organization))
    response = client.post(f"/phone/signup/{signup_id}", headers=HX)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert f'href="tel:{NUMBER}"' in fragment  # calling still works
    assert f'id="phone-signup-{signup_id}"' in fragment
    assert "<html" not in fragment
    assert response.headers["Cache-Control"] == "private, no-store"
    (entry,) = _reveals()
    assert entry.actor_id == organizer.id  # who saw
    assert (entry.object_type, entry.object_id) == ("user", person.id)  # whose
    assert entry.street_id == shift.project.street_id  # in the street's log
    assert entry.data == {"on": "signup", "id": signup_id}
    assert NUMBER not in str(entry.data) and NUMBER not in (entry.reason or "")


def test_reveal_without_javascript_shows_a_page(client, login) -> None:
    shift, _person, signup_id = _roster()
    login(factories.owner_of(shift.project.organization))
    back = f"/shifts/{shift.id}/roster"
    response = client.post(f"/phone/signup/{signup_id}", data={"next": back})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="tel:{NUMBER}"' in page and f'href="{back}"' in page
    assert len(_reveals()) == 1


def test_coordinator_may_reveal(client, login) -> None:
    shift, _person, signup_id = _roster()
    login(db.session.get(User, shift.project.coordinator_id))
    assert client.post(f"/phone/signup/{signup_id}", headers=HX).status_code == 200


@pytest.mark.parametrize("who", ["volunteer", "other_org", "reviewer_elsewhere"])
def test_others_may_not_reveal(client, login, who: str) -> None:
    shift, _person, signup_id = _roster()
    viewer = {
        "volunteer": factories.volunteer,
        "other_org": factories.org_staff,
        "reviewer_elsewhere": factories.reviewer,
    }[who]()
    login(viewer)
    response = client.post(f"/phone/signup/{signup_id}", headers=HX)
    assert response.status_code == 403
    assert NUMBER not in response.get_data(as_text=True)
    assert _reveals() == []


def test_unknown_object_or_kind_is_404(client, login) -> None:
    login(factories.volunteer())
    assert client.post("/phone/signup/999999").status_code == 404
    assert client.post("/phone/passport/1").status_code == 404


def test_visitors_are_sent_to_log_in(client) -> None:
    shift, _person, signup_id = _roster()
    response = client.post(f"/phone/signup/{signup_id}")
    assert response.status_code == 302
    assert _reveals() == []


def test_reveal_is_a_post_with_csrf(client, login) -> None:
    shift, _person, signup_id = _roster()
    login(factories.owner_of(shift.project.organization))
    assert client.get(f"/phone/signup/{signup_id}").status_code == 405
    assert client.post(f"/phone/signup/{signup_id}", csrf=False).status_code == 400
    assert _reveals() == []


def test_reveals_are_rate_limited(app, client, login, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "PHONE_REVEAL_LIMIT", "2 per hour")
    shift, _person, signup_id = _roster()
    login(factories.owner_of(shift.project.organization))
    for _ in range(2):
        assert client.post(f"/phone/signup/{signup_id}", headers=HX).status_code == 200
    assert client.post(f"/phone/signup/{signup_id}", headers=HX).status_code == 429


# A resident's need -----------------------------------------------------------------


def test_social_worker_reveals_the_residents_number(client, login) -> None:
    org = factories.approved_organization()
    resident = factories.volunteer(mobile=NUMBER)
    need = factories.need(
        resident=resident, grid=factories.GridFactory(community=org.communities[0])
    )
    worker = login(factories.social_worker(community=need.community))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert NUMBER not in page and f'action="/phone/need/{need.id}"' in page
    response = client.post(f"/phone/need/{need.id}", headers=HX)
    assert f'href="tel:{NUMBER}"' in response.get_data(as_text=True)
    (entry,) = _reveals()
    assert (entry.actor_id, entry.object_id) == (worker.id, resident.id)


def test_street_reviewer_sees_the_residents_number_masked_only(client, login) -> None:
    resident = factories.volunteer(mobile=NUMBER)
    need = factories.need(resident=resident)
    login(factories.reviewer(street=need.street))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "139****9876" in page
    assert f'action="/phone/need/{need.id}"' not in page
    assert client.post(f"/phone/need/{need.id}", headers=HX).status_code == 403
    assert _reveals() == []


# An organization's filing -----------------------------------------------------------


def test_reviewer_reveals_a_filings_contact_number(client, login) -> None:
    org = factories.submitted_application()
    reviewer = login(factories.reviewer(street=org.street))
    response = client.get(f"/review/filings/{org.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert org.contact_phone not in page
    assert f'action="/phone/filing/{org.id}"' in page
    response = client.post(f"/phone/filing/{org.id}", headers=HX)
    assert response.status_code == 200
    assert f'href="tel:{org.contact_phone}"' in response.get_data(as_text=True)
    (entry,) = _reveals()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        reviewer.id,
        "organization",
        org.id,
    )


def test_other_streets_reviewer_may_not_see_a_filings_number(client, login) -> None:
    org = factories.submitted_application()
    login(factories.reviewer())
    assert client.post(f"/phone/filing/{org.id}", headers=HX).status_code == 403
    staff = factories.org_staff(role=Role.ORG_MANAGER)
    client.post("/logout")
    login(staff)
    assert client.post(f"/phone/filing/{org.id}", headers=HX).status_code == 403
    assert _reveals() == []


def test_roster_download_is_recorded_as_a_reveal(client, login) -> None:
    shift, person, _signup_id = _roster()
    organizer = login(factories.owner_of(shift.project.organization))
    response = client.get(f"/shifts/{shift.id}/roster.csv", buffered=True)
    assert response.status_code == 200
    assert NUMBER in response.get_data(as_text=True)
    (entry,) = _reveals()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        organizer.id,
        "shift",
        shift.id,
    )
    assert entry.data == {"on": "roster_csv", "user_ids": [person.id]}


def test_roster_download_refused_is_not_recorded(client, login) -> None:
    shift, _person, _signup_id = _roster()
    login(factories.volunteer())
    assert client.get(f"/shifts/{shift.id}/roster.csv").status_code == 403
    assert _reveals() == []


def test_the_streets_reviewer_sees_who_saw_whose_number(client, login) -> None:
    shift, _person, signup_id = _roster()
    organizer = login(factories.owner_of(shift.project.organization))
    client.post(f"/phone/signup/{signup_id}", headers=HX)
    client.post("/logout")
    login(factories.reviewer(street=shift.project.street))
    page = client.get("/review/audit").get_data(as_text=True)
    assert "Full phone number shown" in page or "查看完整手机号" in page
    assert organizer.name in page and "王秀兰" in page
    assert NUMBER not in page
