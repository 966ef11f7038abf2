"""Run the city seed in one transaction and report what it made."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine

from hub.seed import activity, city
from hub.seed.writer import Progress, Writer

#: Tables with an integer ``id`` sequence that seeding writes explicit ids into.
ID_TABLES = (
    "streets", "communities", "grids", "users", "consents", "role_grants",
    "organizations", "tenders", "proposals", "projects", "evaluation_windows",
    "evaluation_meetings", "shifts", "signups", "attendances", "hour_records",
    "ratings",
)  # fmt: skip


def seed_city(
    engine: Engine,
    *,
    seed: int,
    scale: float,
    consent_version: str,
    now: datetime,
    quiet: bool = False,
) -> dict:
    """Generate and write the whole data set; returns counts, logins and seconds."""
    started = time.monotonic()
    progress = Progress(quiet)
    w = city.new_world(seed, scale, consent_version, now)
    with engine.begin() as connection:
        if connection.scalar(text("SELECT count(*) FROM streets")):
            raise RuntimeError("the database already has places; seed an empty one")
        out = Writer(connection, progress)
        city.make_places(w, out)
        city.make_people(w, out)
        city.plan_organizations(w)
        plan = activity.plan_projects(w)
        city.write_organizations(w, out)
        activity.write_projects(w, out, plan)
        projects = plan[0]
        shifts = activity.plan_shifts(w, projects)
        signups, counts, raters = activity.plan_signups(w, shifts)
        activity.write_shifts(w, out, shifts, counts)
        activity.write_signups(w, out, signups, shifts)
        activity.write_hours(w, out, signups, shifts)
        activity.write_ratings(w, out, projects, raters)
        out.reset_sequences(ID_TABLES)
        logins = example_logins(w, projects, signups, shifts)
        if out.postgres:
            label = city.marker(seed, scale)
            connection.execute(text(f"COMMENT ON TABLE streets IS '{label}'"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            # VACUUM too: COPY'd rows are not yet all-visible, and index-only
            # scans (the dashboard's) need the visibility map.
            progress.show("VACUUM ANALYZE", 0, 1, force=True)
            c.execute(text("VACUUM ANALYZE"))
            progress.done("VACUUM ANALYZE", 1)
    else:
        with engine.begin() as c:
            c.execute(text("ANALYZE"))
    return {
        "counts": out.counts,
        "logins": logins,
        "seconds": time.monotonic() - started,
    }


def example_logins(
    w: city.World, projects, signups, shifts
) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """A few accounts per role to log in with (all share CITY_PASSWORD)."""
    busiest_street = max(
        w.street_communities, key=lambda s: len(w.street_communities[s])
    )
    logins = [(w.mobile(w.admin_id), w.names[w.admin_id], "admin")]
    for sid in dict.fromkeys((busiest_street, w.streets[0][0])):
        uid = w.reviewers[sid][0]
        logins.append(
            (w.mobile(uid), w.names[uid], f"street reviewer ({w.streets[sid - 1][2]})")
        )
    for cid in sorted(w.workers, key=lambda c: -len(w.workers[c]))[:2]:
        uid = w.workers[cid][0]
        logins.append(
            (w.mobile(uid), w.names[uid], f"social worker ({w.communities[cid][1]})")
        )
    owner = max(projects, key=lambda p: p["_org"]["_weight"])["_owner"]
    logins.append((w.mobile(owner), w.names[owner], "organization owner (busiest)"))
    active: dict[int, int] = {}
    for code in signups[: min(len(signups), 200_000)]:
        uid = (code >> 3) & ((1 << 25) - 1)
        active[uid] = active.get(uid, 0) + 1
    for uid in sorted(active, key=lambda u: (-active[u], u))[:2]:
        logins.append(
            (w.mobile(uid), w.names[uid], f"volunteer ({active[uid]}+ sign-ups)")
        )
    quiet = w.volunteers[-1]
    logins.append((w.mobile(quiet), w.names[quiet], "volunteer"))
    return logins
