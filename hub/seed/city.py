"""``flask seed city``: a city-scale dataset (DESIGN §5), reproducible from a seed.

About 100 streets, 1,200 communities, 10,000 grids, 11,000 organizations, 10,000
social workers, 200,000 volunteers, 30,000 projects, 300,000 shifts and 1,000,000
sign-ups with their attendances, hour records and evaluations (at ``scale=1``).

How it stays correct at speed:

* Rows are generated in Python from one ``random.Random(seed)`` and written with
  COPY (PostgreSQL) or executemany (SQLite) in one transaction, parents first, so
  every foreign key, unique and check constraint is enforced by the database.
* Dates are relative to the day it runs (Asia/Shanghai): the same seed and scale
  give the same data, shifted to today, so future shifts stay in the future.
* No two active sign-ups of one person overlap: every shift lies inside one of
  three disjoint parts of a day (morning, afternoon, evening), and a person takes
  at most one shift per (day, part) slot. One person per shift follows from it.
* ``confirmed_count`` is the number of sign-ups holding a place (confirmed,
  attended, no-show), as the sign-up service counts it; never above capacity.
* No audit entries are written: seeded rows are the starting state, not changes
  (``flask audit verify`` checks an empty chain, which is valid).
* Every seeded account has the password ``CITY_PASSWORD``, stored as one
  precomputed argon2id hash (``CITY_PASSWORD_HASH``): seeding hashes nothing.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from hub.seed.names import Namer
from hub.seed.writer import Writer

CITY_PASSWORD = "shanzhi-city-2026"  # noqa: S105 - published seed login, never production
#: argon2id (argon2-cffi defaults) of CITY_PASSWORD, computed once.
CITY_PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$buRezcJHlJ2+FuMwIWh/Vw$"  # noqa: S105 - seed login
    "VaejlekBIN786cPbIywMFwsP7wXjKXleAIUxBUHze7s"
)
#: The sizes at scale 1 (DESIGN §5).
BASE = {
    "streets": 100,
    "communities": 1_200,
    "grids": 10_000,
    "organizations": 11_000,
    "social_workers": 10_000,
    "volunteers": 200_000,
    "projects": 30_000,
    "shifts": 300_000,
    "signups": 1_000_000,
}
MINIMUM = {
    "streets": 2,
    "communities": 4,
    "grids": 8,
    "organizations": 12,
    "social_workers": 12,
    "volunteers": 150,
    "projects": 40,
    "shifts": 300,
    "signups": 900,
}
MOBILE_PREFIXES = ("38", "39", "50", "51", "58", "59", "86", "87", "88", "77", "36")
SHANGHAI_OFFSET = timedelta(hours=8)


def sizes(scale: float) -> dict[str, int]:
    """How many of each at this scale (never fewer than a small working set)."""
    return {k: max(MINIMUM[k], round(n * scale)) for k, n in BASE.items()}


def marker(seed: int, scale: float) -> str:
    """What ``streets``' table comment says after seeding (the bench's cache key)."""
    return f"seed city: seed={seed} scale={scale:g}"


def skewed(rng: random.Random, n: int, sigma: float = 1.0) -> list[float]:
    """``n`` positive weights with a long tail (log-normal)."""
    return [rng.lognormvariate(0, sigma) for _ in range(n)]


def spread(
    rng: random.Random, total: int, weights: list[float], floor: int
) -> list[int]:
    """Split ``total`` into parts by weight, each at least ``floor``."""
    n = len(weights)
    rest = max(0, total - floor * n)
    whole = sum(weights)
    parts = [floor + int(rest * w / whole) for w in weights]
    for i in (
        rng.sample(range(n), min(n, total - sum(parts))) if total > sum(parts) else []
    ):
        parts[i] += 1
    return parts


def as_json(value: list | dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class World:
    """What later phases need to know about what earlier phases made."""

    rng: random.Random
    namer: Namer
    size: dict[str, int]
    now: datetime
    today: date
    #: Asia/Shanghai midnight of ``today``, in UTC.
    midnight: datetime
    consent_version: str
    mobile_salt: int
    streets: list[tuple[int, str, str]] = field(default_factory=list)
    #: community id -> (street id, name)
    communities: dict[int, tuple[int, str]] = field(default_factory=dict)
    street_communities: dict[int, list[int]] = field(default_factory=dict)
    community_grids: dict[int, list[int]] = field(default_factory=dict)
    community_weight: dict[int, float] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    admin_id: int = 0
    reviewers: dict[int, list[int]] = field(default_factory=dict)
    owners: list[int] = field(default_factory=list)
    #: community id -> social worker user ids
    workers: dict[int, list[int]] = field(default_factory=dict)
    volunteers: list[int] = field(default_factory=list)
    volunteer_home: dict[int, int] = field(default_factory=dict)
    next_user_id: int = 1
    next_grant_id: int = 1
    #: organization rows (dicts) and what projects need of them
    organizations: list[dict] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    grants_pending: list[tuple] = field(default_factory=list)
    filing_counters: dict[tuple[int, int], int] = field(default_factory=dict)
    staff_count: int = 0

    def at(self, day: int, minutes: int = 0) -> datetime:
        """Asia/Shanghai ``today + day`` at ``minutes`` past midnight, in UTC."""
        return self.midnight + timedelta(days=day, minutes=minutes)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def mobile(self, user_id: int) -> str:
        body = (user_id * 48_271 + self.mobile_salt) % 100_000_000
        return f"1{MOBILE_PREFIXES[user_id % len(MOBILE_PREFIXES)]}{body:08d}"

    def past(self, max_days: float, min_days: float = 0.0) -> datetime:
        """A random moment between ``max_days`` and ``min_days`` ago."""
        return self.now - timedelta(days=self.rng.uniform(min_days, max_days))


def new_world(seed: int, scale: float, consent_version: str, now: datetime) -> World:
    rng = random.Random(seed)  # noqa: S311 - data generation, not secrets
    local = (now + SHANGHAI_OFFSET).date()
    midnight = (
        datetime(local.year, local.month, local.day, tzinfo=UTC) - SHANGHAI_OFFSET
    )
    return World(
        rng=rng,
        namer=Namer(rng),
        size=sizes(scale),
        now=now,
        today=local,
        midnight=midnight,
        consent_version=consent_version,
        mobile_salt=(seed * 7_919) % 100_000_000,
    )


# Places -------------------------------------------------------------------------


def make_places(w: World, out: Writer) -> None:
    rng, size = w.rng, w.size
    street_names = w.namer.streets(size["streets"])
    w.streets = [(i + 1, f"S{i + 1:03d}", name) for i, name in enumerate(street_names)]
    per_street = spread(rng, size["communities"], skewed(rng, len(w.streets), 0.4), 2)
    created = w.past(2000, 1500)
    community_rows = []
    cid = 0
    for (sid, _code, _name), n in zip(w.streets, per_street, strict=True):
        w.street_communities[sid] = []
        for name in w.namer.communities(n):
            cid += 1
            w.communities[cid] = (sid, name)
            w.street_communities[sid].append(cid)
            w.community_weight[cid] = rng.lognormvariate(0, 0.6)
            community_rows.append((cid, sid, name, created))
    ids = list(w.communities)
    per_community = spread(rng, size["grids"], [w.community_weight[c] for c in ids], 1)
    grid_rows = []
    gid = 0
    for c, n in zip(ids, per_community, strict=True):
        w.community_grids[c] = []
        for k in range(n):
            gid += 1
            w.community_grids[c].append(gid)
            grid_rows.append((gid, c, f"第{k + 1}网格", created))
    out.write("streets", ("id", "code", "name", "created_at"),
              ((i, code, name, created) for i, code, name in w.streets))  # fmt: skip
    out.write("communities", ("id", "street_id", "name", "created_at"), community_rows)
    out.write("grids", ("id", "community_id", "name", "created_at"), grid_rows)


# People -------------------------------------------------------------------------

USER_COLUMNS = (
    "id", "name", "mobile", "password_hash", "active", "session_nonce", "locale",
    "large_text", "last_login_at", "created_at", "calendar_token",
    "mobile_verified_at",
)  # fmt: skip
GRANT_COLUMNS = (
    "id", "user_id", "role", "street_id", "community_id", "organization_id",
    "qualification", "granted_by_id", "granted_at",
)  # fmt: skip
QUALIFICATIONS = ("graduate", "assistant_social_worker", "social_worker", "none")
SKILLS = (
    "elderly_care", "disability_support", "nursing", "counselling", "legal",
    "tutoring", "recreation", "it", "driving", "translation", "photography",
    "cooking", "repair", "sign_language", "first_aid",
)  # fmt: skip
SKILL_WEIGHTS = (30, 8, 6, 5, 3, 14, 16, 9, 6, 2, 4, 10, 5, 1, 7)
CATEGORIES = (
    "elderly", "children", "disability", "health", "education", "culture",
    "legal", "mediation", "environment", "emergency", "employment", "governance",
)  # fmt: skip
CATEGORY_WEIGHTS = (30, 14, 6, 9, 8, 12, 3, 5, 8, 3, 3, 5)


def _availability(rng: random.Random) -> int:
    """A weekly mask: retirees' weekday mornings, workers' evenings and weekends."""
    kind = rng.random()
    mask = 0
    for day in range(7):
        for part in range(3):
            if kind < 0.45:  # retired: weekdays by day
                p = 0.7 if part < 2 else 0.15
            elif kind < 0.85:  # working: evenings and weekends
                p = 0.6 if (day >= 5 or part == 2) else 0.03
            else:  # students and others: scattered
                p = 0.3
            if rng.random() < p:
                mask |= 1 << (day * 3 + part)
    return mask


def make_people(w: World, out: Writer) -> None:
    """Admin, reviewers, owners, social workers, volunteers: users, consents, grants."""
    rng, size = w.rng, w.size
    users: list[tuple] = []
    grants: list[tuple] = []
    joined = w.now - timedelta(days=900)

    def user(created: datetime) -> int:
        uid = w.next_user_id
        w.next_user_id += 1
        name = w.namer.person()
        w.names[uid] = name
        users.append(
            (uid, name, w.mobile(uid), CITY_PASSWORD_HASH, True,
             f"{rng.getrandbits(128):032x}", None, rng.random() < 0.05,
             w.past(60) if rng.random() < 0.6 else None, created, None, created)
        )  # fmt: skip
        grant(uid, "volunteer", created=created)
        return uid

    def grant(
        uid: int,
        role: str,
        *,
        street=None,
        community=None,
        org=None,  # noqa: ANN001
        qualification=None,
        created: datetime | None = None,
        by=None,
    ) -> None:  # noqa: ANN001
        grants.append((w.next_grant_id, uid, role, street, community, org,
                       qualification, by, created or joined))  # fmt: skip
        w.next_grant_id += 1

    w.admin_id = user(joined)
    grant(w.admin_id, "admin")
    for sid, _code, _name in w.streets:
        w.reviewers[sid] = []
        for _ in range(2 if rng.random() < 0.3 else 1):
            uid = user(joined)
            grant(uid, "street_reviewer", street=sid, by=w.admin_id)
            w.reviewers[sid].append(uid)
    for _ in range(round(size["organizations"] * 0.85)):
        w.owners.append(user(w.past(1800, 30)))
    # Social workers: skewed per community, so some communities meet the staffing
    # standard (>= 6, a graduate, a certified one) and some do not.
    ids = list(w.communities)
    per = spread(rng, size["social_workers"], skewed(rng, len(ids), 0.5), 1)
    for cid, n in zip(ids, per, strict=True):
        sid = w.communities[cid][0]
        w.workers[cid] = []
        for _ in range(n):
            uid = user(w.past(1500, 20))
            q = rng.choices(QUALIFICATIONS, weights=(30, 30, 15, 25))[0]
            grant(uid, "social_worker", community=cid, qualification=q,
                  by=w.reviewers[sid][0])  # fmt: skip
            w.workers[cid].append(uid)
    out.write("users", USER_COLUMNS, users, label="users (staff)")
    staff = len(users)
    users.clear()

    # Volunteers, with profiles (most onboarded), homes weighted by community size.
    weights = [w.community_weight[c] for c in ids]
    cum = []
    total = 0.0
    for x in weights:
        total += x
        cum.append(total)
    profiles: list[tuple] = []
    homes = rng.choices(ids, cum_weights=cum, k=size["volunteers"])
    for home in homes:
        created = w.past(900, 1)
        uid = user(created)
        w.volunteers.append(uid)
        w.volunteer_home[uid] = home
        if rng.random() < 0.9:
            skills = sorted(
                set(
                    rng.choices(
                        SKILLS, SKILL_WEIGHTS, k=rng.choice((0, 1, 1, 2, 2, 3, 4))
                    )
                )
            )
            interests = sorted(
                set(
                    rng.choices(
                        CATEGORIES, CATEGORY_WEIGHTS, k=rng.choice((1, 1, 2, 2, 3))
                    )
                )
            )
            grid = rng.choice(w.community_grids[home]) if rng.random() < 0.85 else None
            born = w.day(-rng.randint(18 * 365 + 5, 80 * 365))
            limit = rng.choice((None, None, None, 8, 12, 20, 40))
            profiles.append(
                (uid, as_json(skills), as_json(interests), _availability(rng), home,
                 grid, limit, born, created, created)
            )  # fmt: skip
        if len(users) >= 50_000:
            out.write("users", USER_COLUMNS, users, label="users (volunteers)")
            users.clear()
    out.write("users", USER_COLUMNS, users, label="users (volunteers)")
    n_users = w.next_user_id - 1
    out.write(
        "consents", ("id", "user_id", "notice", "version", "given_at"),
        ((u, u, "privacy", w.consent_version, joined) for u in range(1, n_users + 1)),
        total=n_users,
    )  # fmt: skip
    out.write(
        "volunteer_profiles",
        ("user_id", "skills", "interests", "availability", "home_community_id",
         "home_grid_id", "monthly_hour_limit", "birth_date", "onboarded_at",
         "created_at"),
        profiles, total=len(profiles),
    )  # fmt: skip
    w.grants_pending = grants  # written after organizations (FK)
    w.staff_count = staff


# Organizations ------------------------------------------------------------------

ORG_COLUMNS = (
    "id", "name", "name_key", "street_id", "created_at", "org_type",
    "service_categories", "lead_person", "contact_phone", "address", "member_count",
    "description", "credit_code", "filing_state", "submitted_at", "first_submitted_at",
    "decided_at", "filing_number", "stage", "stage_changed_at", "stage_reason",
    "created_by_id", "barred_until",
)  # fmt: skip
ORG_TYPES = (
    "community_service", "elderly_care", "youth", "disability", "culture_sports",
    "social_work_agency", "volunteer_team", "other",
)  # fmt: skip
FILING_STATES = ("approved", "submitted", "changes_requested", "draft", "rejected")
STAGES = ("incubating", "graduated", "exited", "revoked")
STAGE_REASONS = {
    "graduated": "孵化期满，顺利出壳。",
    "exited": "组织主动申请退驻。",
    "revoked": "连续两年未开展活动。",
}


def plan_organizations(w: World) -> None:
    """Organizations in memory (projects may bar some); written later."""
    rng = w.rng
    taken: set[str] = set()
    owners = w.owners
    street_ids = [s for s, _c, _n in w.streets]
    street_weight = [len(w.street_communities[s]) for s in street_ids]
    for i in range(w.size["organizations"]):
        oid = i + 1
        owner = owners[i] if i < len(owners) else rng.choice(owners)
        sid = rng.choices(street_ids, weights=street_weight)[0]
        comms = rng.sample(
            w.street_communities[sid],
            min(len(w.street_communities[sid]), rng.choice((1, 1, 1, 2, 3))),
        )
        org_type = rng.choices(ORG_TYPES, weights=(30, 18, 10, 6, 12, 8, 12, 4))[0]
        base = w.namer.organization(
            w.communities[comms[0]][1].removesuffix("社区")[:3], org_type
        )
        name, k = base, 1
        while "".join(name.split()).casefold() in taken:
            k += 1
            name = f"{base}{k}"
        taken.add("".join(name.split()).casefold())
        state = rng.choices(FILING_STATES, weights=(78, 7, 3, 5, 7))[0]
        first = w.past(1800, 30) if state != "submitted" else w.past(30, 0.1)
        org = {
            "id": oid, "name": name, "name_key": "".join(name.split()).casefold(),
            "street_id": sid, "created_at": first - timedelta(days=rng.uniform(0, 20)),
            "org_type": org_type,
            "service_categories": as_json(sorted(set(rng.choices(
                CATEGORIES, CATEGORY_WEIGHTS, k=rng.randint(1, 3))))),
            "lead_person": w.names[owner], "contact_phone": w.mobile(owner),
            "address": f"南京市{w.streets[sid - 1][2]}{w.communities[comms[0]][1]}",
            "member_count": int(rng.lognormvariate(2.8, 0.7)) + 3,
            "description": "扎根社区，服务居民："
            + "、".join(rng.sample(("助老", "助残", "托幼", "文体", "议事", "调解"), 3))
            + "。",
            "credit_code": None, "filing_state": state, "submitted_at": None,
            "first_submitted_at": None, "decided_at": None, "filing_number": None,
            "stage": None, "stage_changed_at": None, "stage_reason": None,
            "created_by_id": owner, "barred_until": None,
            "_owner": owner, "_communities": comms,
            "_weight": rng.lognormvariate(0, 1.0),
        }  # fmt: skip
        if state != "draft":
            org["first_submitted_at"] = first
            org["submitted_at"] = first
        if state in ("approved", "rejected"):
            org["decided_at"] = min(first + timedelta(days=rng.uniform(2, 40)), w.now)
        if state == "changes_requested":
            org["decided_at"] = w.past(20, 0.5)
        if state == "submitted" and rng.random() < 0.3:  # resubmitted after changes
            org["first_submitted_at"] = first - timedelta(days=rng.uniform(5, 30))
        if state == "approved":
            stage = rng.choices(STAGES, weights=(65, 22, 9, 4))[0]
            org["stage"] = stage
            org["stage_changed_at"] = org["decided_at"]
            if stage != "incubating":
                org["stage_changed_at"] = min(
                    org["decided_at"] + timedelta(days=rng.uniform(30, 700)), w.now
                )
                org["stage_reason"] = STAGE_REASONS[stage]
        w.organizations.append(org)
    # Filing numbers per street and year in the order of decision, gap-free.
    counters: dict[tuple[int, int], int] = {}
    approved = [o for o in w.organizations if o["filing_state"] == "approved"]
    for org in sorted(approved, key=lambda o: (o["decided_at"], o["id"])):
        year = (org["decided_at"] + SHANGHAI_OFFSET).year
        key = (org["street_id"], year)
        counters[key] = counters.get(key, 0) + 1
        code = w.streets[org["street_id"] - 1][1]
        org["filing_number"] = f"{code}-{year}-{counters[key]:04d}"
    w.filing_counters = counters


def write_organizations(w: World, out: Writer) -> None:
    rng = w.rng
    orgs = w.organizations
    out.write(
        "organizations",
        ORG_COLUMNS,
        (tuple(o[c] for c in ORG_COLUMNS) for o in orgs),
        total=len(orgs),
    )
    out.write(
        "organization_communities", ("organization_id", "community_id"),
        ((o["id"], c) for o in orgs for c in o["_communities"]),
    )  # fmt: skip
    out.write(
        "filing_sequences", ("street_id", "year", "last_value"),
        ((s, y, n) for (s, y), n in sorted(w.filing_counters.items())),
    )  # fmt: skip
    grants = w.grants_pending
    for org in orgs:
        grants.append(
            (
                w.next_grant_id,
                org["_owner"],
                "org_owner",
                None,
                None,
                org["id"],
                None,
                None,
                org["created_at"],
            )
        )
        w.next_grant_id += 1
        if org["filing_state"] == "approved" and rng.random() < 0.25:
            manager = rng.choice(w.volunteers)
            grants.append(
                (
                    w.next_grant_id,
                    manager,
                    "org_manager",
                    None,
                    None,
                    org["id"],
                    None,
                    org["_owner"],
                    org["decided_at"],
                )
            )
            w.next_grant_id += 1
    out.write("role_grants", GRANT_COLUMNS, grants, total=len(grants))
    w.grants_pending = []
