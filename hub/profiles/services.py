"""Volunteer profiles: what people can do, care about, when, where; minors' guardians.

The rules live here, not only in the form: a person under 18 cannot save a profile
without a guardian's name, mobile number and consent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from hub import audit
from hub.categories import ServiceCategory, Skill
from hub.errors import DomainError
from hub.extensions import db
from hub.localtime import local_date
from hub.models import Community, Grid, User
from hub.models.base import utcnow
from hub.models.profiles import DAYS, PARTS, VolunteerProfile
from hub.phones import normalize_mobile

ADULT_AGE = 18
#: The most hours a month anyone can sensibly offer (every hour of a month is 744).
MAX_MONTHLY_HOURS = 300
ALL_SLOTS = (1 << (DAYS * PARTS)) - 1
SKILLS = frozenset(s.value for s in Skill)
INTERESTS = frozenset(c.value for c in ServiceCategory)


class ProfileError(DomainError):
    """A profile value the rules refuse; ``field`` names the form field."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class GuardianRequired(ProfileError):
    """Under 18: a guardian's name, mobile number and consent are needed."""


class BadProfileValue(ProfileError):
    """Unknown skill or interest, impossible date or hours, grid of another place."""


@dataclass(frozen=True)
class ProfileInput:
    """What a person tells about themselves (form or API alike)."""

    skills: Iterable[str] = ()
    interests: Iterable[str] = ()
    availability: int = 0
    home_community: Community | None = None
    home_grid: Grid | None = None
    monthly_hour_limit: int | None = None
    birth_date: date | None = None
    guardian_name: str | None = None
    guardian_mobile: str | None = None
    guardian_consent: bool = False


def get_profile(user_id: int) -> VolunteerProfile | None:
    """This person's profile, or None before onboarding."""
    return db.session.get(VolunteerProfile, user_id)


def age_on(birth_date: date, today: date) -> int:
    """Full years of age on ``today``."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def is_minor(birth_date: date | None, now: datetime | None = None) -> bool:
    """Under 18 today in local time (unknown birth date: not known to be)."""
    if birth_date is None:
        return False
    today = local_date(now or utcnow())
    return age_on(birth_date, today) < ADULT_AGE


def availability_mask(slots: Iterable[int]) -> int:
    """Slot numbers (day * 3 + part) as the 21-bit mask."""
    mask = 0
    for slot in slots:
        if not 0 <= slot < DAYS * PARTS:
            raise BadProfileValue("availability")
        mask |= 1 << slot
    return mask


def slots_of(mask: int) -> list[int]:
    """The slot numbers set in a mask."""
    return [slot for slot in range(DAYS * PARTS) if mask & (1 << slot)]


def _checked(data: ProfileInput, now: datetime) -> dict:
    """The values to store, or a ProfileError naming the field at fault."""
    skills = sorted(set(data.skills))
    interests = sorted(set(data.interests))
    if not set(skills) <= SKILLS:
        raise BadProfileValue("skills")
    if not set(interests) <= INTERESTS:
        raise BadProfileValue("interests")
    if not 0 <= data.availability <= ALL_SLOTS:
        raise BadProfileValue("availability")
    if data.home_grid is not None and (
        data.home_community is None
        or data.home_grid.community_id != data.home_community.id
    ):
        raise BadProfileValue("home_grid")
    limit = data.monthly_hour_limit
    if limit is not None and not 1 <= limit <= MAX_MONTHLY_HOURS:
        raise BadProfileValue("monthly_hour_limit")
    today = local_date(now)
    if data.birth_date is not None and (
        data.birth_date > today or today.year - data.birth_date.year > 120
    ):
        raise BadProfileValue("birth_date")
    values = {
        "skills": skills,
        "interests": interests,
        "availability": data.availability,
        "home_community_id": data.home_community.id if data.home_community else None,
        "home_grid_id": data.home_grid.id if data.home_grid else None,
        "monthly_hour_limit": limit,
        "birth_date": data.birth_date,
        "guardian_name": None,
        "guardian_mobile": None,
    }
    if is_minor(data.birth_date, now):
        name = (data.guardian_name or "").strip()
        if not name or len(name) > 60:
            raise GuardianRequired("guardian_name")
        mobile = normalize_mobile(data.guardian_mobile)
        if mobile is None:
            raise GuardianRequired("guardian_mobile")
        if not data.guardian_consent:
            raise GuardianRequired("guardian_consent")
        values.update(guardian_name=name, guardian_mobile=mobile)
    return values


def save_profile(
    user: User, data: ProfileInput, *, now: datetime | None = None
) -> VolunteerProfile:
    """Create or change my profile; moving home clears the residence confirmation."""
    now = now or utcnow()
    values = _checked(data, now)
    profile = get_profile(user.id)
    created = profile is None
    if created:
        profile = VolunteerProfile(user_id=user.id, created_at=now)
        db.session.add(profile)
    changed = sorted(k for k, v in values.items() if getattr(profile, k) != v)
    if not created and profile.home_community_id != values["home_community_id"]:
        # A social worker confirmed the old home, not the new one.
        profile.residence_confirmed_by_id = None
        profile.residence_confirmed_at = None
    if values["guardian_name"] is None:
        profile.guardian_consent_at = None
    elif (
        profile.guardian_consent_at is None
        or profile.guardian_name != values["guardian_name"]
        or profile.guardian_mobile != values["guardian_mobile"]
    ):
        profile.guardian_consent_at = now  # this guardian's consent, given now
    for key, value in values.items():
        setattr(profile, key, value)
    if profile.onboarded_at is None:
        profile.onboarded_at = now
    db.session.flush()
    street_id = data.home_community.street_id if data.home_community else None
    # Which fields changed, not their values: the log is read by street reviewers.
    audit.record(
        user,
        profile,
        "profile.create" if created else "profile.update",
        street_id=street_id,
        data={"fields": changed},
        now=now,
    )
    return profile
