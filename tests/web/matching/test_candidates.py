"""Organizers' candidates for a shift and one-tap invitations; the invitee answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.matching import services as matching
from hub.models import Invitation, Notification, Shift, Signup, User
from hub.models.matching import InvitationState
from hub.shifts import services as shift_services
from tests import factories

HX = {"HX-Request": "true"}


def _shift_and_candidate(**shift_kwargs) -> tuple[Shift, User]:  # noqa: ANN003
    project = factories.recruiting_project()
    grid = factories.GridFactory(community=project.community)
    shift = factories.shift(project, grid=grid, **shift_kwargs)
    person = factories.volunteer(name="张秀英", mobile="13812345678")
    factories.volunteer_profile(person, grid=grid)
    return shift, person


def _staff(shift: Shift) -> User:
    return factories.owner_of(shift.project.organization)


def _coordinator(shift: Shift) -> User:
    return db.session.get(User, shift.project.coordinator_id)


@pytest.mark.parametrize("organizer", [_staff, _coordinator], ids=["staff", "sw"])
def test_organizers_see_ranked_candidates_masked_with_reasons(
    client, login, organizer: Callable[[Shift], User]
) -> None:
    shift, person = _shift_and_candidate()
    login(organizer(shift))
    response = client.get(f"/shifts/{shift.id}/candidates")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "张*" in page and "张秀英" not in page
    assert "138****5678" in page and "13812345678" not in page
    assert "同一网格" in page
    assert f'action="/shifts/{shift.id}/candidates/{person.id}/invite"' in page


def _volunteer(shift: Shift) -> User:
    return factories.volunteer()


def _other_staff(shift: Shift) -> User:
    return factories.org_staff()


def _other_social_worker(shift: Shift) -> User:
    return factories.social_worker(community=shift.project.community)


@pytest.mark.parametrize(
    "outsider",
    [_volunteer, _other_staff, _other_social_worker],
    ids=["volunteer", "other-org", "other-sw"],
)
def test_only_the_shifts_organizers_see_candidates_or_invite(
    client, login, outsider: Callable[[Shift], User]
) -> None:
    shift, person = _shift_and_candidate()
    login(outsider(shift))
    assert client.get(f"/shifts/{shift.id}/candidates").status_code == 403
    url = f"/shifts/{shift.id}/candidates/{person.id}/invite"
    assert client.post(url).status_code == 403
    assert client.post(url, headers=HX).status_code == 403
    assert db.session.scalar(select(Invitation)) is None


def test_anonymous_are_sent_to_log_in(client) -> None:
    shift, _person = _shift_and_candidate()
    response = client.get(f"/shifts/{shift.id}/candidates")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_roster_links_to_the_candidates(client, login) -> None:
    shift, _person = _shift_and_candidate()
    login(_staff(shift))
    page = client.get(f"/shifts/{shift.id}/roster").get_data(as_text=True)
    assert f'href="/shifts/{shift.id}/candidates"' in page


def test_invite_in_one_tap_with_htmx(client, login) -> None:
    shift, person = _shift_and_candidate()
    login(_staff(shift))
    response = client.post(
        f"/shifts/{shift.id}/candidates/{person.id}/invite", headers=HX
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="candidate-{person.id}"' in html and "已邀请" in html
    assert 'hx-swap-oob="true"' in html
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.user_id, invitation.state) == (person.id, "pending")
    note = db.session.scalar(
        select(Notification).where(Notification.user_id == person.id)
    )
    assert note.kind == "shift_invitation"
    # Now listed as invited, no longer as a candidate.
    page = client.get(f"/shifts/{shift.id}/candidates").get_data(as_text=True)
    assert f'id="candidate-{person.id}"' not in page
    assert "等待对方回复" in page


def test_invite_without_javascript_redirects_back(client, login) -> None:
    shift, person = _shift_and_candidate()
    login(_staff(shift))
    response = client.post(f"/shifts/{shift.id}/candidates/{person.id}/invite")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/shifts/{shift.id}/candidates")
    assert db.session.scalar(select(Invitation.user_id)) == person.id


def test_invite_past_the_weekly_cap_is_refused(app, client, login, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setitem(app.config, "MATCHING_WEEKLY_INVITATIONS", 1)
    shift, person = _shift_and_candidate()
    other = factories.shift(shift.project, hours_from_now=90)
    matching.invite_to_shift(other, user=person, by=_staff(shift))
    login(_staff(shift))
    response = client.post(
        f"/shifts/{shift.id}/candidates/{person.id}/invite", headers=HX
    )
    assert response.status_code == 409
    assert "本周" in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(Invitation).where(Invitation.shift_id == shift.id))
        is None
    )


# The invitee's answer --------------------------------------------------------------


def _invited() -> tuple[Shift, User, Invitation]:
    shift, person = _shift_and_candidate(capacity=2)
    invitation = matching.invite_to_shift(shift, user=person, by=_staff(shift))
    return shift, person, invitation


def test_only_the_invitee_sees_and_answers(client, login) -> None:
    shift, _person, invitation = _invited()
    for other in (factories.volunteer(), _staff(shift)):
        login(other)
        assert client.get(f"/shift-invitations/{invitation.id}").status_code in (403,)
        for answer in ("accept", "decline"):
            url = f"/shift-invitations/{invitation.id}/{answer}"
            assert client.post(url).status_code == 403
            assert client.post(url, headers=HX).status_code == 403
        client.post("/logout")
    assert db.session.get(Invitation, invitation.id).state == "pending"
    assert db.session.scalar(select(Signup)) is None


def test_invitee_accepts_with_htmx_and_is_signed_up(client, login) -> None:
    shift, person, invitation = _invited()
    login(person)
    page = client.get(f"/shift-invitations/{invitation.id}").get_data(as_text=True)
    assert shift.project.title in page and "接受" in page
    response = client.post(f"/shift-invitations/{invitation.id}/accept", headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="invitation-{invitation.id}"' in html and "已接受" in html
    assert db.session.get(Invitation, invitation.id).state == InvitationState.ACCEPTED
    signup = db.session.scalar(select(Signup))
    assert (signup.user_id, signup.state) == (person.id, "confirmed")
    assert db.session.get(Shift, shift.id).confirmed_count == 1


def test_invitee_declines_without_javascript(client, login) -> None:
    _shift, person, invitation = _invited()
    login(person)
    response = client.post(f"/shift-invitations/{invitation.id}/decline")
    assert response.status_code == 303
    assert db.session.get(Invitation, invitation.id).state == InvitationState.DECLINED
    again = client.post(f"/shift-invitations/{invitation.id}/accept", headers=HX)
    assert again.status_code == 409
    assert db.session.scalar(select(Signup)) is None


def test_accepting_a_clashing_invitation_is_refused(client, login) -> None:
    shift, person, invitation = _invited()
    clash = factories.shift(shift.project, hours_from_now=48)
    shift_services.sign_up(clash, user=person)
    login(person)
    response = client.post(f"/shift-invitations/{invitation.id}/accept", headers=HX)
    assert response.status_code == 409
    assert db.session.get(Invitation, invitation.id).state == "pending"
