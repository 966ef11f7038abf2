"""Forms say which rule a value broke, beside the field, and keep what was typed:
hours, money and counts with their own limits; names that can be read and told
apart; a street chosen without its community kept and asked about."""

from __future__ import annotations

import html as html_lib
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.extensions import db
from hub.models import Organization, Project, Shift, Tender, User, VolunteerProfile
from hub.models.base import utcnow
from tests import factories
from tests.factories import SHANGHAI
from tests.sms import register
from tests.unit.test_imports import HEADER, csv_bytes
from tests.web.profiles.test_profile_pages import _form as profile_form
from tests.web.profiles.test_profile_pages import _places

ZERO_WIDTH = "王\u200b五"
#: Man, woman, girl joined by zero-width joiners: no letter, and invisible joiners.
FAMILY_EMOJI = "\U0001f468\u200d\U0001f469\u200d\U0001f467"


def _error(page: str, field_id: str) -> str:
    """The message beside a field ('' when none)."""
    found = re.search(
        rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page
    )
    return html_lib.unescape(found.group(1)) if found else ""


def _english(user: User) -> User:
    user.locale = "en"
    db.session.flush()
    return user


# Money ------------------------------------------------------------------------------


def _tender_form(community, budget: str) -> dict:  # noqa: ANN001
    deadline = (utcnow() + timedelta(days=10)).astimezone(SHANGHAI)
    return {
        "title": "锁三社区独居老人探访",
        "category": "elderly",
        "community_id": str(community.id),
        "budget": budget,
        "period_start": "2026-09-01",
        "period_end": "2027-08-31",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "description": "每周两次上门探访。",
    }


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("99999999999", "At most ¥100,000,000.00."),
        ("-1", "An amount cannot be negative."),
        ("1,2,3", "Commas go between thousands"),
        ("８０，０００．５", None),  # full-width, grouped: read as ¥80,000.50
    ],
)
def test_a_budget_gets_the_rule_it_broke(client, login, budget, message) -> None:  # noqa: ANN001
    community = factories.CommunityFactory()
    login(_english(factories.reviewer(street=community.street)))
    response = client.post(
        "/review/tenders/new", data=_tender_form(community, budget=budget)
    )
    if message is None:
        assert response.status_code == 303
        assert db.session.scalar(select(Tender.budget_fen)) == 8_000_050
        return
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error(page, "budget").startswith(message)
    assert "Enter the budget" not in page  # not a generic question on top
    assert f'value="{budget}"' in page
    assert db.session.scalar(select(func.count()).select_from(Tender)) == 0


def test_a_project_budget_of_1_2_3_is_not_123_yuan(client, login) -> None:
    org = factories.approved_organization()
    login(_english(factories.owner_of(org)))
    response = client.post(
        f"/organizations/{org.id}/projects/new",
        data={
            "title": "社区助餐",
            "category": "elderly",
            "community_id": org.communities[0].id,
            "funding": "self",
            "amount": "1,2,3",
            "period_start": "2026-12-01",
            "period_end": "2027-03-31",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Commas go between thousands" in _error(page, "amount")
    assert 'value="1,2,3"' in page
    assert db.session.scalar(select(Project)) is None


# Counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        ("2.5", "Enter a whole number"),
        ("-1", "This cannot be negative."),
        ("501", "At most 500 places."),
    ],
)
def test_shift_places_get_the_rule_not_how_many(
    client, login, capacity: str, message: str
) -> None:
    project = factories.recruiting_project()
    login(_english(factories.owner_of(project.organization)))
    response = client.post(
        f"/projects/{project.id}/shifts/new",
        data={
            "starts_at": "2027-01-09T09:00",
            "ends_at": "2027-01-09T11:00",
            "place": "活动室",
            "grid_id": "0",
            "capacity": capacity,
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error(page, "capacity").startswith(message)
    assert "How many volunteers" not in page
    assert f'value="{capacity}"' in page
    assert db.session.scalar(select(Shift)) is None


def test_monthly_hours_in_full_width_digits_are_read(client, login) -> None:
    user = login(factories.volunteer())
    street, community, grid = _places()
    data = profile_form(street, community, grid, monthly_hour_limit="２０")
    assert client.post("/me/profile", data=data).status_code == 303
    assert db.session.get(VolunteerProfile, user.id).monthly_hour_limit == 20


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("24.25", "Enter a whole number"),
        ("-1", "This cannot be negative."),
        ("301", "At most 300 hours a month."),
    ],
)
def test_monthly_hours_get_the_rule(client, login, typed: str, message: str) -> None:
    login(_english(factories.volunteer()))
    street, community, grid = _places()
    response = client.post(
        "/me/profile",
        data=profile_form(street, community, grid, monthly_hour_limit=typed),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error(page, "monthly_hour_limit").startswith(message)
    assert f'value="{typed}"' in page


# The profile's street -----------------------------------------------------------------


def test_a_street_chosen_without_a_community_is_kept_and_asked_about(
    client, login
) -> None:
    user = login(_english(factories.volunteer()))
    street, community, grid = _places()
    factories.StreetFactory()  # a second street: the street is really chosen
    response = client.post(
        "/me/profile",
        data=profile_form(
            street, community, grid, home_community_id="", home_grid_id=""
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<option selected value="{street.id}">{street.name}</option>' in page
    assert "Choose your community in this street" in _error(page, "home_community_id")
    assert db.session.get(VolunteerProfile, user.id) is None  # nothing half-saved

    # With the community as well, everything is saved.
    response = client.post("/me/profile", data=profile_form(street, community, grid))
    assert response.status_code == 303
    assert db.session.get(VolunteerProfile, user.id).home_community_id == community.id


def test_no_street_at_all_is_still_allowed(client, login) -> None:
    user = login(factories.volunteer())
    street, community, grid = _places()
    factories.StreetFactory()
    data = profile_form(street, community, grid, street_id="", home_community_id="")
    data["home_grid_id"] = ""
    assert client.post("/me/profile", data=data).status_code == 303
    assert db.session.get(VolunteerProfile, user.id).home_community_id is None


# Names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (ZERO_WIDTH, "invisible characters"),
        ("王五\u202e", "invisible characters"),
        ("😀😀", "not only emoji"),
        ("★", "not only emoji"),
    ],
)
def test_registering_with_a_name_nobody_can_read_or_tell_apart(
    client, typed: str, message: str
) -> None:
    client.post("/language", data={"locale": "en"})
    response = register(client, "13912345678", name=typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in _error(page, "name")
    assert f'value="{typed}"' in page
    assert db.session.scalar(select(User).where(User.mobile == "13912345678")) is None


def test_a_name_is_kept_trimmed_with_one_space(client) -> None:
    assert register(client, "13912345678", name="  欧阳  娜娜 ").status_code == 303
    user = db.session.scalar(select(User).where(User.mobile == "13912345678"))
    assert user.name == "欧阳 娜娜"


def test_a_guardian_name_of_emoji_is_refused(client, login) -> None:
    login(_english(factories.volunteer()))
    street, community, grid = _places()
    minor = (utcnow() - timedelta(days=365 * 15)).date().isoformat()
    response = client.post(
        "/me/profile",
        data=profile_form(
            street,
            community,
            grid,
            birth_date=minor,
            guardian_name=FAMILY_EMOJI,
            guardian_mobile="13812345678",
            guardian_consent="y",
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error(page, "guardian_name")


def test_an_organization_name_and_lead_person_must_be_readable(client, login) -> None:
    owner = login(_english(factories.volunteer()))
    org = factories.application(owner=owner)
    response = client.post(
        f"/filings/{org.id}/step/2",
        data={"lead_person": "陈\u200d静", "address": "锁金村路1号"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "invisible characters" in _error(page, "lead_person")
    assert 'value="陈\u200d静"' in page
    assert db.session.get(Organization, org.id).lead_person == ""

    response = client.post(f"/filings/{org.id}/step/1", data={"name": "🌟🌟🌟"})
    assert response.status_code == 422
    assert "not only emoji" in _error(response.get_data(as_text=True), "name")


def test_an_imported_name_with_a_zero_width_space_is_a_row_problem(
    client, login
) -> None:
    street = factories.StreetFactory()
    factories.CommunityFactory(street=street, name="锁三社区")
    login(_english(factories.reviewer(street=street)))
    rows = [
        HEADER,
        [ZERO_WIDTH, "13812345670", "锁三社区", "", ""],
        ["🙂", "13812345671", "锁三社区", "", ""],
        ["王芳", "13812345672", "锁三社区", "", ""],
    ]
    response = client.post(
        "/imports/volunteers",
        data={"file": (io.BytesIO(csv_bytes(rows, "utf-8-sig")), "名单.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    preview = response.headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    assert "invisible characters" in page
    assert "not only emoji" in page
    assert client.post(preview + "/confirm").status_code == 303
    imported = db.session.scalars(
        select(User.name).where(User.mobile.like("1381234567%"))
    ).all()
    assert imported == ["王芳"]
