"""Check an uploaded volunteer list against the importer's places and the accounts.

Each row ends up as "new" (will be created), "exists" (that mobile number already
has an account: skipped, not an error) or "error" (with every problem found).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hub.categories import SKILL_LABELS, Skill
from hub.extensions import db
from hub.i18n import LANGUAGES
from hub.imports.reading import RawRow
from hub.models import Community, Grid, User
from hub.models.places import place_sort_key
from hub.names import BadName, clean_name
from hub.permissions import Role
from hub.phones import normalize_mobile

MAX_NAME = 60
_SKILL_SPLIT = re.compile(r"[、,，;；/|]+|\s{2,}")


@dataclass(frozen=True)
class ImportScope:
    """Where an importer may place people: communities (with their grids)."""

    communities: tuple[Community, ...]

    @property
    def street_ids(self) -> set[int]:
        return {c.street_id for c in self.communities}

    @property
    def is_empty(self) -> bool:
        return not self.communities


def import_scope(user: Any) -> ImportScope:
    """Communities of my streets (reviewer) and my communities (social worker)."""
    if not (user and user.is_authenticated):
        return ImportScope(())
    street_ids = [g.street_id for g in user.grants if g.role == Role.STREET_REVIEWER]
    community_ids = [
        g.community_id for g in user.grants if g.role == Role.SOCIAL_WORKER
    ]
    if not street_ids and not community_ids:
        return ImportScope(())
    communities = db.session.scalars(
        select(Community)
        .where(Community.street_id.in_(street_ids) | Community.id.in_(community_ids))
        .options(selectinload(Community.grids), selectinload(Community.street))
    )
    return ImportScope(
        tuple(sorted(communities, key=lambda c: (c.street_id, place_sort_key(c.name))))
    )


@dataclass(frozen=True)
class Problem:
    code: str
    value: str = ""


@dataclass
class CheckedRow:
    raw: RawRow
    #: The name as it will be kept (``hub.names.clean_name``).
    name: str = ""
    mobile: str | None = None
    community: Community | None = None
    grid: Grid | None = None
    skills: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    exists: bool = False

    @property
    def status(self) -> str:
        if self.exists:
            return "exists"
        return "error" if self.problems else "new"


@dataclass
class Preview:
    rows: list[CheckedRow]

    def _with(self, status: str) -> list[CheckedRow]:
        return [r for r in self.rows if r.status == status]

    @property
    def new(self) -> list[CheckedRow]:
        return self._with("new")

    @property
    def existing(self) -> list[CheckedRow]:
        return self._with("exists")

    @property
    def errors(self) -> list[CheckedRow]:
        return self._with("error")

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "exists": 0, "error": 0}
        for row in self.rows:
            counts[row.status] += 1
        counts["total"] = len(self.rows)
        return counts


def place_key(name: str) -> str:
    """Names compared without spaces and case."""
    return "".join(name.split()).casefold()


def _skill_words() -> dict[str, str]:
    """Every way to write a skill: its code, and its label in each language."""
    words = {place_key(s.value): s.value for s in Skill}
    for code, _name in LANGUAGES:
        with force_locale(code):
            for skill, label in SKILL_LABELS.items():
                words.setdefault(place_key(str(label)), skill.value)
    return words


def _places(scope: ImportScope) -> dict[str, list[Community]]:
    by_name: dict[str, list[Community]] = {}
    for community in scope.communities:
        by_name.setdefault(place_key(community.name), []).append(community)
    return by_name


def _find(by_name: dict[str, list[Any]], text: str, suffix: str) -> list[Any]:
    """Exact name first; then with the usual suffix (锁三 → 锁三社区)."""
    key = place_key(text)
    return by_name.get(key) or by_name.get(key + place_key(suffix)) or []


def _existing_mobiles(mobiles: Iterable[str]) -> set[str]:
    wanted = sorted(set(mobiles))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            db.session.scalars(select(User.mobile).where(User.mobile.in_(chunk)))
        )
    return found


def _check_place(row: CheckedRow, scope: ImportScope, by_name: dict) -> None:
    raw = row.raw
    if not raw.community:
        if len(scope.communities) == 1:
            row.community = scope.communities[0]
        else:
            row.problems.append(Problem("community_missing"))
            return
    else:
        found = _find(by_name, raw.community, "社区")
        if not found:
            row.problems.append(Problem("community_unknown", raw.community))
            return
        if len(found) > 1:
            row.problems.append(Problem("community_ambiguous", raw.community))
            return
        row.community = found[0]
    if raw.grid:
        grids: dict[str, list[Grid]] = {}
        for grid in row.community.grids:
            grids.setdefault(place_key(grid.name), []).append(grid)
        found_grids = _find(grids, raw.grid, "网格")
        if len(found_grids) != 1:
            row.problems.append(Problem("grid_unknown", raw.grid))
        else:
            row.grid = found_grids[0]


def _check_skills(row: CheckedRow, words: dict[str, str]) -> None:
    for part in _SKILL_SPLIT.split(row.raw.skills):
        part = part.strip()
        if not part:
            continue
        code = words.get(place_key(part))
        if code is None:
            row.problems.append(Problem("skill_unknown", part))
        elif code not in row.skills:
            row.skills.append(code)


def check_rows(rows: Sequence[RawRow], scope: ImportScope) -> Preview:
    """Every row with its problems; existing accounts are marked to be skipped."""
    by_name = _places(scope)
    words = _skill_words()
    checked: list[CheckedRow] = []
    first_line: dict[str, int] = {}
    for raw in rows:
        row = CheckedRow(raw=raw)
        try:
            row.name = clean_name(raw.name)
        except BadName as e:
            row.problems.append(Problem(f"name_{e.reason}"))
        else:
            if not row.name:
                row.problems.append(Problem("name_missing"))
            elif len(row.name) > MAX_NAME:
                row.problems.append(Problem("name_too_long"))
        if not raw.mobile:
            row.problems.append(Problem("mobile_missing"))
        else:
            row.mobile = normalize_mobile(raw.mobile)
            if row.mobile is None:
                row.problems.append(Problem("mobile_bad", raw.mobile))
            elif row.mobile in first_line:
                row.problems.append(
                    Problem("mobile_duplicate", str(first_line[row.mobile]))
                )
            else:
                first_line[row.mobile] = raw.line
        _check_place(row, scope, by_name)
        _check_skills(row, words)
        checked.append(row)
    existing = _existing_mobiles(first_line)
    for row in checked:
        duplicate = any(p.code == "mobile_duplicate" for p in row.problems)
        if row.mobile in existing and not duplicate:
            row.exists = True
    return Preview(checked)
