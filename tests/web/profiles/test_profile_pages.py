"""Onboarding after registering, and "My volunteer profile" from Me."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from hub.extensions import db
from hub.models import AuditEntry, VolunteerProfile
from hub.models.base import utcnow
from hub.profiles import services
from tests import factories
from tests.sms import register

HX = {"HX-Request": "true"}


def _places():  # noqa: ANN202
    street = factories.StreetFactory()
    community = factories.CommunityFactory(street=street)
    grid = factories.GridFactory(community=community)
    return street, community, grid


def _form(street, community, grid, **extra) -> dict:  # noqa: ANN001, ANN003
    data = {
        "skills": ["elderly_care", "first_aid"],
        "interests": ["elderly"],
        "availability": ["15", "16", "20"],
        "street_id": str(street.id),
        "home_community_id": str(community.id),
        "home_grid_id": str(grid.id),
        "monthly_hour_limit": "10",
    }
    data.update(extra)
    return data


def _error_beside(html: str, name: str) -> str:
    match = re.search(rf'<p class="error" id="{name}-error">([^<]*)</p>', html)
    return match.group(1) if match else ""


def test_registering_leads_into_onboarding(client) -> None:
    response = register(client, "13912345678", name="张伟")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/me/profile")
    page = client.get("/me/profile").get_data(as_text=True)
    assert "关于您" in page


def test_onboarding_offers_skills_interests_and_21_time_toggles(client, login) -> None:
    login(factories.volunteer())
    page = client.get("/me/profile").get_data(as_text=True)
    assert page.count('name="skills"') >= 15
    assert page.count('name="interests"') >= 12
    assert page.count('type="checkbox" name="availability"') == 21
    for word in ("助老", "应急救护", "手语", "周六", "上午", "晚上"):
        assert word in page


def test_onboarding_saves_and_goes_home(client, login) -> None:
    user = login(factories.volunteer())
    street, community, grid = _places()
    response = client.post("/me/profile", data=_form(street, community, grid))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/")
    profile = db.session.get(VolunteerProfile, user.id)
    assert profile.skills == ["elderly_care", "first_aid"]
    assert profile.home_grid_id == grid.id
    assert profile.monthly_hour_limit == 10
    assert profile.is_available(5, 0) and profile.is_available(6, 2)
    assert not profile.is_available(0, 0)
    assert (
        db.session.scalar(
            select(AuditEntry.action).where(
                AuditEntry.object_type == "volunteer_profile"
            )
        )
        == "profile.create"
    )


def test_profile_is_editable_later_from_me(client, login) -> None:
    user = login(factories.volunteer())
    street, community, grid = _places()
    factories.volunteer_profile(user, grid=grid, skills=["driving"])
    assert 'href="/me/profile"' in client.get("/account").get_data(as_text=True)
    page = client.get("/me/profile").get_data(as_text=True)
    assert re.search(r'value="driving"[^>]*checked|checked[^>]*value="driving"', page)
    assert f'<option selected value="{grid.id}">' in page
    response = client.post(
        "/me/profile", data=_form(street, community, grid, skills=["it"])
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account")
    assert db.session.get(VolunteerProfile, user.id).skills == ["it"]


def test_minor_without_guardian_is_refused_beside_each_field(client, login) -> None:
    user = login(factories.volunteer())
    street, community, grid = _places()
    minor = (date.today() - timedelta(days=365 * 14)).isoformat()
    response = client.post(
        "/me/profile",
        data=_form(street, community, grid, birth_date=minor, guardian_name="王建国"),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _error_beside(html, "guardian_mobile")
    assert _error_beside(html, "guardian_consent")
    assert not _error_beside(html, "guardian_name")
    assert 'value="王建国"' in html  # what was typed is kept
    assert db.session.get(VolunteerProfile, user.id) is None


def test_minor_with_guardian_consent_is_saved(client, login) -> None:
    user = login(factories.volunteer())
    street, community, grid = _places()
    minor = (date.today() - timedelta(days=365 * 14)).isoformat()
    data = _form(
        street,
        community,
        grid,
        birth_date=minor,
        guardian_name="王建国",
        guardian_mobile="138-1234-5678",
        guardian_consent="y",
    )
    assert client.post("/me/profile", data=data).status_code == 303
    profile = db.session.get(VolunteerProfile, user.id)
    assert profile.guardian_mobile == "13812345678"
    assert profile.guardian_consent_at is not None


def test_bad_values_are_422(client, login) -> None:
    login(factories.volunteer())
    street, community, grid = _places()
    for bad in ({"availability": ["99"]}, {"monthly_hour_limit": "0"}):
        response = client.post(
            "/me/profile", data=_form(street, community, grid, **bad)
        )
        assert response.status_code == 422


def test_grid_choices_follow_the_community_with_htmx(client, login) -> None:
    login(factories.volunteer())
    street, community, grid = _places()
    elsewhere = factories.GridFactory()
    response = client.get(
        "/me/profile/places",
        query_string={"street_id": street.id, "home_community_id": community.id},
        headers=HX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="places"' in html
    grids = re.search(r'<select[^>]*name="home_grid_id".*?</select>', html, re.S)
    assert f'value="{grid.id}"' in grids.group(0)
    assert f'value="{elsewhere.id}"' not in grids.group(0)
    assert "<html" not in html


def test_places_without_htmx_go_to_the_form(client, login) -> None:
    login(factories.volunteer())
    response = client.get("/me/profile/places")
    assert response.status_code == 303


def test_without_javascript_show_the_choices_refreshes_without_saving(
    client, login
) -> None:
    user = login(factories.volunteer())
    street, community, grid = _places()
    data = {
        "street_id": str(street.id),
        "home_community_id": str(community.id),
        "refresh": "1",
    }
    response = client.post("/me/profile", data=data)
    assert response.status_code == 200
    assert f'value="{grid.id}"' in response.get_data(as_text=True)
    assert db.session.get(VolunteerProfile, user.id) is None


def test_a_grid_of_another_community_is_dropped(client, login) -> None:
    user = login(factories.volunteer())
    street, community, _grid = _places()
    elsewhere = factories.GridFactory()
    client.post("/me/profile", data=_form(street, community, elsewhere))
    profile = db.session.get(VolunteerProfile, user.id)
    assert profile.home_community_id == community.id
    assert profile.home_grid_id is None


def test_moving_community_clears_the_residence_confirmation(client, login) -> None:
    user = login(factories.volunteer())
    street, community, grid = _places()
    profile = factories.volunteer_profile(user, grid=grid)
    profile.residence_confirmed_at = utcnow()
    db.session.flush()
    other = factories.CommunityFactory(street=street)
    data = _form(street, other, grid, home_grid_id="")
    assert client.post("/me/profile", data=data).status_code == 303
    assert services.get_profile(user.id).residence_confirmed_at is None


def test_anonymous_are_sent_to_log_in(client) -> None:
    assert client.get("/me/profile").status_code == 302
