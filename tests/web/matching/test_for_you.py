"""The volunteer home's "For you": ranked shifts with translated reasons, bounded
queries, waitlist marks, sign-up in place, and invitations waiting."""

from __future__ import annotations

from hub.extensions import db
from hub.matching import services as matching
from hub.matching.scoring import slot_of
from hub.models import Signup
from hub.permissions import Role
from hub.shifts import services as shift_services
from tests import factories
from tests.querycount import statements

HX = {"HX-Request": "true"}
ZH_DAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
ZH_PARTS = ["上午", "下午", "晚上"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_PARTS = ["morning", "afternoon", "evening"]


def _volunteer_near_a_shift(locale: str | None = None, **shift_kwargs):  # noqa: ANN003, ANN202
    """A same-grid shift needing elderly care, and a volunteer free at its time."""
    project = factories.recruiting_project(title="独居老人探访")
    grid = factories.GridFactory(community=project.community)
    shift = factories.shift(
        project, grid=grid, required_skills=["elderly_care"], **shift_kwargs
    )
    profile = factories.volunteer_profile(
        grid=grid, skills=["elderly_care"], slots=[slot_of(shift.starts_at)]
    )
    profile.user.locale = locale
    db.session.flush()
    return shift, profile.user


def test_for_you_shows_the_shift_with_reasons_in_chinese(client, login) -> None:
    shift, user = _volunteer_near_a_shift("zh_CN")
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert "为您推荐" in page
    assert f'id="shift-{shift.id}"' in page
    day, part = slot_of(shift.starts_at)
    for reason in ("需要：助老", "同一网格", f"{ZH_DAYS[day]}{ZH_PARTS[part]}您有空"):
        assert reason in page


def test_for_you_reasons_in_english(client, login) -> None:
    shift, user = _volunteer_near_a_shift("en")
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert "For you" in page
    day, part = slot_of(shift.starts_at)
    assert "Needs: Helping older people" in page
    assert "Same grid" in page
    assert f"You are free on {EN_DAYS[day]} {EN_PARTS[part]}" in page


def test_full_shift_is_marked_waitlist(client, login) -> None:
    shift, user = _volunteer_near_a_shift("en", capacity=1)
    shift_services.sign_up(shift, user=factories.volunteer())
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert "Full — waitlist" in page
    assert "Join the waitlist" in page


def test_without_a_profile_the_home_asks_to_onboard(client, login) -> None:
    login(factories.volunteer())
    page = client.get("/").get_data(as_text=True)
    assert 'href="/me/profile"' in page


def test_staff_without_volunteering_see_no_for_you(client, login) -> None:
    staff = factories.UserFactory(roles=[])
    factories.grant(staff, Role.ORG_OWNER, organization=factories.OrganizationFactory())
    login(staff)
    assert 'id="for-you"' not in client.get("/").get_data(as_text=True)


def test_sign_up_from_for_you_uses_the_shift_sign_up(client, login) -> None:
    shift, user = _volunteer_near_a_shift()
    login(user)
    response = client.post(
        f"/shifts/{shift.id}/signup",
        data={"next": "/", "with_project": "1"},
        headers=HX,
    )
    assert response.status_code == 200
    assert f'id="shift-{shift.id}"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Signup.state)) == "confirmed"
    # Signed up: no longer recommended.
    assert f'id="shift-{shift.id}"' not in client.get("/").get_data(as_text=True)


def test_home_query_count_does_not_grow_with_shifts(client, login) -> None:
    shift, user = _volunteer_near_a_shift()
    login(user)
    client.get("/")
    with statements() as few:
        assert client.get("/").status_code == 200
    for hours in range(60, 60 + 5 * 12, 5):
        factories.shift(shift.project, grid=shift.grid, hours_from_now=hours)
    other = factories.shift(shift.project, hours_from_now=300, capacity=1)
    shift_services.sign_up(other, user=factories.volunteer())
    with statements() as many:
        page = client.get("/").get_data(as_text=True)
    assert page.count('class="card shift pick"') == 5
    assert len(many) == len(few)
    assert len(many) <= 25


def test_pending_invitation_shows_on_home_with_accept(client, login) -> None:
    shift, user = _volunteer_near_a_shift()
    invitation = matching.invite_to_shift(
        shift, user=user, by=factories.owner_of(shift.project.organization)
    )
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert f'id="invitation-{invitation.id}"' in page
    assert f'action="/shift-invitations/{invitation.id}/accept"' in page


def test_nothing_fits_says_so_without_the_for_you_heading(client, login) -> None:
    profile = factories.volunteer_profile()
    login(profile.user)
    page = client.get("/").get_data(as_text=True)
    assert 'id="for-you"' in page
    assert "暂时没有合适的班次" in page
    assert "为您推荐" not in page and 'id="for-you-heading"' not in page


def test_onboarding_card_has_no_for_you_heading(client, login) -> None:
    login(factories.volunteer())
    page = client.get("/").get_data(as_text=True)
    assert 'href="/me/profile"' in page
    assert 'id="for-you-heading"' not in page
