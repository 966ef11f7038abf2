"""The score's terms, its reasons and eligibility: pure functions, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.categories import Skill
from hub.matching import scoring
from hub.matching.scoring import (
    Opening,
    Person,
    Reason,
    availability_term,
    closeness_term,
    eligible,
    interest_term,
    load_term,
    match,
    rank_openings,
    rank_people,
    skill_term,
)
from hub.models.profiles import slot_bit

SKILLS = sorted(s.value for s in Skill)
# Saturday 5 Dec 2026, 09:00 in Shanghai is 01:00 UTC.
SATURDAY_MORNING = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def opening(**kwargs) -> Opening:  # noqa: ANN003
    kwargs.setdefault("shift_id", 1)
    kwargs.setdefault("starts_at", SATURDAY_MORNING)
    kwargs.setdefault("ends_at", kwargs["starts_at"] + timedelta(hours=2))
    return Opening(**kwargs)


# Terms ---------------------------------------------------------------------------


def test_skill_term_is_the_share_of_required_skills_held() -> None:
    assert skill_term({"nursing"}, {"nursing", "driving"}) == 0.5
    assert skill_term({"nursing", "driving"}, {"nursing", "driving"}) == 1.0
    assert skill_term(set(), {"nursing"}) == 0.0


def test_skill_term_is_neutral_when_nothing_is_required() -> None:
    assert skill_term({"nursing"}, set()) == scoring.NO_SKILL_REQUIRED


def test_interest_term() -> None:
    assert interest_term({"elderly"}, "elderly") == 1.0
    assert interest_term({"elderly"}, "legal") == 0.0
    assert interest_term({"elderly"}, None) == 0.0


def test_closeness_same_grid_beats_community_beats_street() -> None:
    person = Person(1, grid_id=10, community_id=20, street_id=30)
    grid = closeness_term(person, opening(grid_id=10, community_id=20, street_id=30))
    community = closeness_term(
        person, opening(grid_id=11, community_id=20, street_id=30)
    )
    street = closeness_term(person, opening(community_id=21, street_id=30))
    elsewhere = closeness_term(person, opening(community_id=22, street_id=31))
    assert grid > community > street > elsewhere == 0.0


def test_closeness_without_a_home_is_zero() -> None:
    assert closeness_term(Person(1), opening(grid_id=None, community_id=None)) == 0.0


def test_availability_uses_shanghai_weekday_and_part_of_day() -> None:
    saturday_morning = slot_bit(5, 0)
    assert availability_term(saturday_morning, SATURDAY_MORNING) == 1.0
    # 15:00 UTC on Friday is 23:00 Friday evening in Shanghai, not Saturday.
    friday_night = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # a Friday
    assert availability_term(saturday_morning, friday_night) == 0.0
    assert availability_term(slot_bit(4, 2), friday_night) == 1.0


def test_availability_is_neutral_when_nothing_marked() -> None:
    assert availability_term(0, SATURDAY_MORNING) == scoring.AVAILABILITY_UNKNOWN


def test_load_term_falls_with_hours_and_recent_invitations() -> None:
    idle = Person(1, monthly_limit=20)
    busy = Person(1, monthly_limit=20, hours_this_month=10)
    asked = Person(1, monthly_limit=20, hours_this_month=10, recent_invitations=2)
    assert load_term(idle) == 1.0
    assert load_term(busy) == 0.5
    assert load_term(asked) == pytest.approx(0.3)


def test_load_term_is_zero_when_the_shift_passes_the_persons_limit() -> None:
    assert load_term(Person(1, monthly_limit=10, hours_this_month=9), 2.0) == 0.0
    assert load_term(Person(1, monthly_limit=10, hours_this_month=8), 2.0) > 0


def test_load_term_without_a_limit_uses_the_reference_hours() -> None:
    assert load_term(Person(1, hours_this_month=scoring.REFERENCE_MONTHLY_HOURS)) == 0


def test_weights_add_up_to_100_and_a_perfect_match_scores_100() -> None:
    assert sum(scoring.WEIGHTS.values()) == 100
    person = Person(
        1,
        skills=frozenset({"nursing"}),
        interests=frozenset({"health"}),
        availability=slot_bit(5, 0),
        grid_id=10,
        community_id=20,
        street_id=30,
    )
    perfect = match(
        person,
        opening(
            required_skills=frozenset({"nursing"}),
            category="health",
            grid_id=10,
            community_id=20,
            street_id=30,
        ),
    )
    assert perfect.score == pytest.approx(100)


# Reasons ---------------------------------------------------------------------------


def test_reasons_are_codes_strongest_first_at_most_three() -> None:
    person = Person(
        1,
        skills=frozenset({"elderly_care"}),
        interests=frozenset({"elderly"}),
        availability=slot_bit(5, 0),
        grid_id=10,
        community_id=20,
    )
    found = match(
        person,
        opening(
            required_skills=frozenset({"elderly_care"}),
            category="elderly",
            grid_id=10,
            community_id=20,
        ),
    )
    assert found.reasons == (
        Reason("skill", (("skill", "elderly_care"),)),
        Reason("same_grid"),
        Reason("interest", (("category", "elderly"),)),
    )


def test_availability_reason_names_the_day_and_part() -> None:
    found = match(Person(1, availability=slot_bit(5, 0)), opening())
    assert Reason("available", (("day", 5), ("part", 0))) in found.reasons


def test_there_is_always_at_least_one_reason() -> None:
    found = match(
        Person(1, monthly_limit=10, hours_this_month=9),
        opening(community_id=99, required_skills=frozenset({"it"})),
    )
    assert found.reasons == (Reason("needs_people"),)


# Properties ------------------------------------------------------------------------

skill_sets = st.frozensets(st.sampled_from(SKILLS), max_size=6)
people = st.builds(
    Person,
    user_id=st.just(1),
    skills=skill_sets,
    interests=st.frozensets(st.sampled_from(["elderly", "health", "legal"])),
    availability=st.integers(0, (1 << 21) - 1),
    grid_id=st.sampled_from([None, 1, 2]),
    community_id=st.sampled_from([None, 1, 2]),
    street_id=st.sampled_from([None, 1]),
    monthly_limit=st.sampled_from([None, 5, 20, 60]),
    hours_this_month=st.floats(0, 80),
    recent_invitations=st.integers(0, 5),
)
openings = st.builds(
    opening,
    starts_at=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)
    ).map(lambda d: d.replace(tzinfo=UTC)),
    required_skills=skill_sets,
    category=st.sampled_from([None, "elderly", "health", "legal"]),
    grid_id=st.sampled_from([None, 1, 2]),
    community_id=st.sampled_from([None, 1, 2]),
    street_id=st.sampled_from([None, 1]),
)


@given(person=people, shift=openings, data=st.data())
def test_requiring_a_skill_the_person_has_never_lowers_the_score(
    person: Person, shift: Opening, data: st.DataObject
) -> None:
    if not person.skills:
        person = Person(**{**person.__dict__, "skills": frozenset({"nursing"})})
    added = data.draw(st.sampled_from(sorted(person.skills)))
    before = match(person, shift).score
    more = Opening(
        **{**shift.__dict__, "required_skills": shift.required_skills | {added}}
    )
    assert match(person, more).score >= before - 1e-9


@given(person=people, shift=openings)
def test_every_term_stays_between_0_and_1_with_one_to_three_reasons(
    person: Person, shift: Opening
) -> None:
    found = match(person, shift)
    assert all(0.0 <= value <= 1.0 for value in found.terms.values())
    assert 0 <= found.score <= 100
    assert 1 <= len(found.reasons) <= 3


@given(
    starts=st.integers(-72, 72),
    length=st.integers(1, 8),
    busy_start=st.integers(-72, 72),
    busy_length=st.integers(1, 8),
)
def test_past_or_overlapping_shifts_are_never_ranked(
    starts: int, length: int, busy_start: int, busy_length: int
) -> None:
    start = NOW + timedelta(hours=starts)
    shift = opening(starts_at=start, ends_at=start + timedelta(hours=length))
    busy_from = NOW + timedelta(hours=busy_start)
    busy = [(busy_from, busy_from + timedelta(hours=busy_length))]
    ranked = rank_openings(Person(1), [shift], now=NOW, busy=busy)
    if ranked:
        assert shift.starts_at > NOW
        assert not scoring.overlaps(shift.starts_at, shift.ends_at, *busy[0])
    else:
        assert not eligible(shift, now=NOW, busy=busy)


def test_shifts_already_signed_up_are_not_ranked() -> None:
    shift = opening(starts_at=NOW + timedelta(days=1))
    assert rank_openings(Person(1), [shift], now=NOW, taken=frozenset({1})) == []
    assert len(rank_openings(Person(1), [shift], now=NOW)) == 1


def test_people_ranked_by_score_then_least_loaded() -> None:
    shift = opening(community_id=1)
    near_busy = Person(1, community_id=1, hours_this_month=30)
    near_idle = Person(2, community_id=1)
    far = Person(3, community_id=2)
    ranked = rank_people(shift, [far, near_busy, near_idle])
    assert [m.person.user_id for m in ranked] == [2, 1, 3]


def test_recent_invitations_push_a_person_down_the_list() -> None:
    shift = opening(community_id=1)
    asked_often = Person(1, community_id=1, recent_invitations=3)
    never_asked = Person(2, community_id=1)
    ranked = rank_people(shift, [asked_often, never_asked])
    assert [m.person.user_id for m in ranked] == [2, 1]


def test_month_boundaries_are_shanghai_months() -> None:
    # 1 Dec 2026 01:00 in Shanghai is still 30 Nov in UTC.
    now = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert scoring.month_start(now) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert scoring.next_month_start(now) == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
