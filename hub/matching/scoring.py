"""Explainable matching of people and shifts: pure functions, no Flask, no database.

A match's score is a weighted sum of five terms, each between 0 and 1:

==============  ======  ===============================================================
term            weight  value
==============  ======  ===============================================================
skill           30      share of the shift's required skills the person has;
                        0.5 when the shift requires none (neither fit nor misfit)
interest        20      1 when the project's service category is one of theirs
closeness       25      1 same grid, 0.6 same community, 0.3 same street, else 0
availability    15      1 when the shift starts in a weekday part they marked free
                        (local time), 0 when not; 0.5 if they marked none
load            10      1 - (hours this month + 2 h per invitation in the last
                        7 days) / monthly limit (20 h when none is set), at least 0;
                        0 when the shift would take them over their own limit
==============  ======  ===============================================================

So a perfect match scores 100. Counting recent invitations as load spreads the
organizers' invitations over many people instead of the same few.

Each match carries up to three reasons, as codes with parameters (the web layer
puts them into words): the terms that contributed most, strongest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hub.localtime import local

#: Weights of the terms; they add up to 100.
WEIGHTS: Mapping[str, float] = {
    "skill": 30.0,
    "interest": 20.0,
    "closeness": 25.0,
    "availability": 15.0,
    "load": 10.0,
}
#: Closeness in the place hierarchy.
SAME_GRID, SAME_COMMUNITY, SAME_STREET = 1.0, 0.6, 0.3
#: The skill term when a shift requires no particular skill.
NO_SKILL_REQUIRED = 0.5
#: The availability term when a person has not marked any free time.
AVAILABILITY_UNKNOWN = 0.5
#: Hours a month the load term compares against when a person set no limit.
REFERENCE_MONTHLY_HOURS = 20.0
#: Each invitation received in the last week counts as this many hours of load.
INVITATION_LOAD_HOURS = 2.0
#: At most this many reasons are shown for one match.
MAX_REASONS = 3
#: A reason is given for a term only if it reached at least this value.
REASON_THRESHOLD = 0.5

MORNING, AFTERNOON, EVENING = 0, 1, 2
PARTS = 3


@dataclass(frozen=True)
class Person:
    """What matching knows about a volunteer."""

    user_id: int
    skills: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    #: 21-bit mask, bit day * 3 + part (Monday = 0; morning, afternoon, evening).
    availability: int = 0
    grid_id: int | None = None
    community_id: int | None = None
    street_id: int | None = None
    monthly_limit: int | None = None
    #: Hours of confirmed shifts this month.
    hours_this_month: float = 0.0
    #: Invitations received in the last seven days.
    recent_invitations: int = 0


@dataclass(frozen=True)
class Opening:
    """What matching knows about a shift."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    required_skills: frozenset[str] = frozenset()
    category: str | None = None
    grid_id: int | None = None
    community_id: int | None = None
    street_id: int | None = None
    is_full: bool = False

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


@dataclass(frozen=True)
class Reason:
    """Why a match was made, as a code and its parameters (put into words later)."""

    code: str
    params: tuple[tuple[str, str | int], ...] = ()

    def param(self, name: str) -> str | int | None:
        return dict(self.params).get(name)


@dataclass(frozen=True)
class Match:
    """One person and one shift, scored, with the reasons to show."""

    person: Person
    opening: Opening
    score: float
    terms: Mapping[str, float] = field(default_factory=dict)
    reasons: tuple[Reason, ...] = ()


# Terms ---------------------------------------------------------------------------


def skill_term(skills: Iterable[str], required: Iterable[str]) -> float:
    """Share of the required skills the person has; neutral when none required."""
    needed = set(required)
    if not needed:
        return NO_SKILL_REQUIRED
    return len(needed & set(skills)) / len(needed)


def interest_term(interests: Iterable[str], category: str | None) -> float:
    """1 when the shift's service category is one the person cares about."""
    return 1.0 if category is not None and category in set(interests) else 0.0


def closeness_term(person: Person, opening: Opening) -> float:
    """Same grid beats same community beats same street; elsewhere counts 0."""
    if person.grid_id is not None and person.grid_id == opening.grid_id:
        return SAME_GRID
    if person.community_id is not None and person.community_id == opening.community_id:
        return SAME_COMMUNITY
    if person.street_id is not None and person.street_id == opening.street_id:
        return SAME_STREET
    return 0.0


def part_of_day(hour: int) -> int:
    """Morning before 12:00, afternoon before 18:00, evening after."""
    if hour < 12:
        return MORNING
    return AFTERNOON if hour < 18 else EVENING


def slot_of(moment: datetime) -> tuple[int, int]:
    """(weekday, part of day) of a moment in local time; Monday is 0."""
    wall = local(moment)
    return wall.weekday(), part_of_day(wall.hour)


def availability_term(availability: int, starts_at: datetime) -> float:
    """1 when the person marked the shift's weekday part free; neutral if unmarked."""
    if not availability:
        return AVAILABILITY_UNKNOWN
    day, part = slot_of(starts_at)
    return 1.0 if availability & (1 << (day * PARTS + part)) else 0.0


def load_hours(person: Person) -> float:
    """Hours this month, plus each recent invitation as if it were a shift."""
    return person.hours_this_month + INVITATION_LOAD_HOURS * person.recent_invitations


def load_term(person: Person, shift_hours: float = 0.0) -> float:
    """How much room is left this month; 0 when this shift would pass their limit."""
    load = load_hours(person)
    if person.monthly_limit is not None:
        if person.hours_this_month + shift_hours > person.monthly_limit:
            return 0.0
        limit = float(person.monthly_limit)
    else:
        limit = REFERENCE_MONTHLY_HOURS
    if limit <= 0:
        return 0.0
    return max(0.0, 1.0 - load / limit)


# Scores and reasons ----------------------------------------------------------------


def terms_for(person: Person, opening: Opening) -> dict[str, float]:
    """Every term of this pairing, each between 0 and 1."""
    return {
        "skill": skill_term(person.skills, opening.required_skills),
        "interest": interest_term(person.interests, opening.category),
        "closeness": closeness_term(person, opening),
        "availability": availability_term(person.availability, opening.starts_at),
        "load": load_term(person, opening.hours),
    }


def score_of(terms: Mapping[str, float]) -> float:
    """The weighted sum of the terms (0 to 100)."""
    return sum(WEIGHTS[name] * value for name, value in terms.items())


def _closeness_reason(value: float) -> Reason:
    if value >= SAME_GRID:
        return Reason("same_grid")
    if value >= SAME_COMMUNITY:
        return Reason("same_community")
    return Reason("same_street")


def reasons_for(
    person: Person, opening: Opening, terms: Mapping[str, float]
) -> tuple[Reason, ...]:
    """One to three reasons, strongest contribution first."""
    found: list[tuple[float, int, Reason]] = []

    def add(name: str, reason: Reason) -> None:
        found.append((WEIGHTS[name] * terms[name], len(found), reason))

    shared = sorted(set(opening.required_skills) & person.skills)
    if shared:
        add("skill", Reason("skill", (("skill", shared[0]),)))
    if terms["interest"] >= REASON_THRESHOLD and opening.category:
        add("interest", Reason("interest", (("category", opening.category),)))
    if terms["closeness"] > 0:
        add("closeness", _closeness_reason(terms["closeness"]))
    if person.availability and terms["availability"] >= REASON_THRESHOLD:
        day, part = slot_of(opening.starts_at)
        add("availability", Reason("available", (("day", day), ("part", part))))
    if terms["load"] >= 0.75:
        add("load", Reason("light_load"))
    found.sort(key=lambda item: (-item[0], item[1]))
    reasons = tuple(reason for _weight, _order, reason in found[:MAX_REASONS])
    return reasons or (Reason("needs_people"),)


def match(person: Person, opening: Opening) -> Match:
    """Score one pairing and explain it."""
    terms = terms_for(person, opening)
    return Match(
        person, opening, score_of(terms), terms, reasons_for(person, opening, terms)
    )


# Who and what may be matched at all -----------------------------------------------


def overlaps(
    a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime
) -> bool:
    """Two half-open time ranges share a moment."""
    return a_start < b_end and b_start < a_end


def eligible(
    opening: Opening,
    *,
    now: datetime,
    busy: Sequence[tuple[datetime, datetime]] = (),
    taken: frozenset[int] = frozenset(),
) -> bool:
    """Not started, not one of ``taken`` (signed up), not clashing with ``busy``."""
    if opening.starts_at <= now or opening.shift_id in taken:
        return False
    return not any(
        overlaps(opening.starts_at, opening.ends_at, start, end) for start, end in busy
    )


def rank_openings(
    person: Person,
    openings: Iterable[Opening],
    *,
    now: datetime,
    busy: Sequence[tuple[datetime, datetime]] = (),
    taken: frozenset[int] = frozenset(),
    limit: int = 10,
) -> list[Match]:
    """The best eligible shifts for a person: highest score, then soonest."""
    scored = []
    for o in openings:
        if eligible(o, now=now, busy=busy, taken=taken):
            terms = terms_for(person, o)
            scored.append((-score_of(terms), o.starts_at, o.shift_id, o, terms))
    scored.sort(key=lambda item: item[:3])
    # Reasons only for the shown few (the same matches as scoring them all).
    return [
        Match(person, o, -score, terms, reasons_for(person, o, terms))
        for score, _starts, _id, o, terms in scored[:limit]
    ]


def rank_people(
    opening: Opening, people: Iterable[Person], *, limit: int = 30
) -> list[Match]:
    """The best people for a shift: highest score, then the least loaded."""
    matches = [match(p, opening) for p in people]
    matches.sort(key=lambda m: (-m.score, load_hours(m.person), m.person.user_id))
    return matches[:limit]


def month_start(now: datetime) -> datetime:
    """The first moment of this local month."""
    wall = local(now)
    return wall.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(now: datetime) -> datetime:
    """The first moment of next local month."""
    first = month_start(now)
    return (first + timedelta(days=32)).replace(day=1)
