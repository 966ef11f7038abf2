"""Match reasons in the reader's language, and names masked for organizers."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hub.categories import SERVICE_CATEGORY_LABELS, SKILL_LABELS
from hub.matching.scoring import Match, Reason

#: Monday first, as ``datetime.weekday()`` counts.
DAY_LABELS = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]
PART_LABELS = [_l("morning"), _l("afternoon"), _l("evening")]

#: What a volunteer reads about a shift ("for you").
FOR_VOLUNTEER: dict[str, Any] = {
    "same_grid": _l("Same grid"),
    "same_community": _l("Same community"),
    "same_street": _l("Same street"),
    "skill": _l("Needs: %(skill)s"),
    "interest": _l("You care about: %(category)s"),
    "available": _l("You are free on %(day)s %(part)s"),
    "light_load": _l("You have time this month"),
    "needs_people": _l("Still needs volunteers"),
}
#: What an organizer reads about a candidate.
FOR_ORGANIZER: dict[str, Any] = {
    **FOR_VOLUNTEER,
    "skill": _l("Can do: %(skill)s"),
    "interest": _l("Cares about: %(category)s"),
    "available": _l("Free on %(day)s %(part)s"),
    "light_load": _l("Few hours this month"),
    "needs_people": _l("Lives in the street"),
}


def _words(reason: Reason) -> dict[str, str]:
    """The reason's parameters as words of the current language."""
    words: dict[str, str] = {}
    for name, value in reason.params:
        if name == "skill":
            words[name] = str(SKILL_LABELS.get(value, value))
        elif name == "category":
            words[name] = str(SERVICE_CATEGORY_LABELS.get(value, value))
        elif name == "day":
            words[name] = str(DAY_LABELS[int(value)])
        elif name == "part":
            words[name] = str(PART_LABELS[int(value)])
        else:
            words[name] = str(value)
    return words


def reason_text(reason: Reason, *, organizer: bool = False) -> str:
    """One reason as a short phrase, e.g. 同一网格 or 周六上午您有空."""
    messages = FOR_ORGANIZER if organizer else FOR_VOLUNTEER
    message = messages.get(reason.code)
    if message is None:
        return ""
    return str(message) % _words(reason)


def reason_texts(found: Match, *, organizer: bool = False) -> list[str]:
    """A match's reasons (one to three) as phrases."""
    return [
        text
        for text in (reason_text(r, organizer=organizer) for r in found.reasons)
        if text
    ]


def mask_name(name: str) -> str:
    """张*: the family name only, for people who have not said yes yet."""
    name = (name or "").strip()
    return f"{name[0]}*" if name else "*"


def score_label(score: float) -> str:
    """A score as a whole number out of 100."""
    return _("%(score)d of 100", score=round(score))
