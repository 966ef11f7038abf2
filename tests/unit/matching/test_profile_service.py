"""The profile service's rules: vocabularies, places, minors' guardians, residence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.models import AuditEntry
from hub.models.base import utcnow
from hub.profiles import services
from hub.profiles.services import ProfileInput
from tests import factories


def _minor_birth_date() -> date:
    return date.today() - timedelta(days=365 * 15)


def _minor(**kwargs) -> ProfileInput:  # noqa: ANN003
    values = {
        "birth_date": _minor_birth_date(),
        "guardian_name": "王建国",
        "guardian_mobile": "138 1234 5678",
        "guardian_consent": True,
    }
    values.update(kwargs)
    return ProfileInput(**values)


def test_first_save_onboards_and_is_audited() -> None:
    user = factories.volunteer()
    grid = factories.GridFactory()
    profile = services.save_profile(
        user,
        ProfileInput(
            skills=["elderly_care", "driving"],
            interests=["elderly"],
            availability=services.availability_mask([15, 16]),
            home_community=grid.community,
            home_grid=grid,
            monthly_hour_limit=12,
        ),
    )
    assert services.get_profile(user.id) is profile
    assert profile.onboarded_at is not None
    assert profile.skills == ["driving", "elderly_care"]
    assert profile.is_available(5, 0) and profile.is_available(5, 1)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "profile.create")
    )
    assert entry.object_id == user.id
    assert entry.street_id == grid.community.street_id
    assert "monthly_hour_limit" in entry.data["fields"]


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"guardian_name": " "}, "guardian_name"),
        ({"guardian_mobile": "12345"}, "guardian_mobile"),
        ({"guardian_mobile": None}, "guardian_mobile"),
        ({"guardian_consent": False}, "guardian_consent"),
    ],
)
def test_minor_needs_guardian_name_mobile_and_consent(
    missing: dict, field: str
) -> None:
    user = factories.volunteer()
    with pytest.raises(services.GuardianRequired) as refused:
        services.save_profile(user, _minor(**missing))
    assert refused.value.field == field
    assert services.get_profile(user.id) is None


def test_minor_with_guardian_is_saved_with_consent_time() -> None:
    profile = services.save_profile(factories.volunteer(), _minor())
    assert profile.guardian_mobile == "13812345678"
    assert profile.guardian_consent_at is not None


def test_turning_18_on_the_birthday() -> None:
    now = utcnow()
    today = now.date()
    eighteen_today = date(today.year - 18, today.month, min(today.day, 28))
    assert not services.is_minor(eighteen_today.replace(day=1), now)
    assert services.age_on(date(2008, 12, 6), date(2026, 12, 5)) == 17
    assert services.age_on(date(2008, 12, 6), date(2026, 12, 6)) == 18


def test_adults_keep_no_guardian_data() -> None:
    user = factories.volunteer()
    services.save_profile(user, _minor())
    profile = services.save_profile(
        user, _minor(birth_date=date(1960, 5, 1), guardian_consent=False)
    )
    assert profile.guardian_name is None and profile.guardian_mobile is None
    assert profile.guardian_consent_at is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"skills": ["juggling"]}, "skills"),
        ({"interests": ["space"]}, "interests"),
        ({"availability": 1 << 21}, "availability"),
        ({"monthly_hour_limit": 0}, "monthly_hour_limit"),
        ({"birth_date": date.today() + timedelta(days=2)}, "birth_date"),
    ],
)
def test_values_outside_the_rules_are_refused(data: dict, field: str) -> None:
    with pytest.raises(services.BadProfileValue) as refused:
        services.save_profile(factories.volunteer(), ProfileInput(**data))
    assert refused.value.field == field


def test_grid_must_be_in_the_community() -> None:
    grid = factories.GridFactory()
    with pytest.raises(services.BadProfileValue):
        services.save_profile(
            factories.volunteer(),
            ProfileInput(home_community=factories.CommunityFactory(), home_grid=grid),
        )


def test_moving_home_clears_the_residence_confirmation_only_then() -> None:
    grid = factories.GridFactory()
    profile = factories.volunteer_profile(grid=grid)
    worker = factories.social_worker(community=grid.community)
    profile.residence_confirmed_by_id = worker.id
    profile.residence_confirmed_at = utcnow()
    db.session.flush()
    other_grid = factories.GridFactory(community=grid.community)
    services.save_profile(
        profile.user, ProfileInput(home_community=grid.community, home_grid=other_grid)
    )
    assert profile.residence_confirmed
    services.save_profile(
        profile.user, ProfileInput(home_community=factories.CommunityFactory())
    )
    assert profile.residence_confirmed_by_id is None
    assert profile.residence_confirmed_at is None


def test_availability_mask_round_trip() -> None:
    assert services.slots_of(services.availability_mask([0, 20])) == [0, 20]
    with pytest.raises(services.BadProfileValue):
        services.availability_mask([21])
