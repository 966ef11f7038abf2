"""The city's activity: projects and tenders, shifts, sign-ups, hours, evaluations."""

from __future__ import annotations

import json
from array import array
from bisect import bisect
from datetime import timedelta
from itertools import accumulate

from hub.seed.city import CATEGORIES, CATEGORY_WEIGHTS, SKILLS, World, as_json, skewed
from hub.seed.writer import Writer

PROJECT_COLUMNS = (
    "id", "organization_id", "street_id", "community_id", "title", "category",
    "description", "place", "funding", "tender_id", "proposal_id", "amount_fen",
    "period_start", "period_end", "state", "state_changed_at", "cancel_reason",
    "coordinator_id", "link_state", "link_changed_at", "link_note", "created_by_id",
    "created_at",
)  # fmt: skip
TENDER_COLUMNS = (
    "id", "street_id", "community_id", "title", "category", "budget_fen",
    "period_start", "period_end", "deadline", "description", "state",
    "created_by_id", "awarded_at", "created_at",
)  # fmt: skip
PROPOSAL_COLUMNS = (
    "id", "tender_id", "organization_id", "plan", "price_fen", "team", "state",
    "submitted_by_id", "updated_at", "created_at",
)  # fmt: skip
SHIFT_COLUMNS = (
    "id", "project_id", "starts_at", "ends_at", "place", "grid_id", "capacity",
    "confirmed_count", "required_skills", "state", "cancel_reason", "series_id",
    "created_by_id", "created_at",
)  # fmt: skip
SIGNUP_COLUMNS = (
    "id", "shift_id", "user_id", "state", "queued_at", "starts_at", "ends_at",
    "state_changed_at", "reason", "created_at", "reminded_at",
)  # fmt: skip
PROJECT_STATES = (
    "draft", "pending_approval", "recruiting", "in_progress", "completed",
    "evaluated", "cancelled",
)  # fmt: skip
CATEGORY_SKILLS = {
    "elderly": ("elderly_care", "cooking", "nursing"),
    "children": ("tutoring", "recreation"),
    "disability": ("disability_support", "sign_language"),
    "health": ("nursing", "first_aid"),
    "education": ("tutoring", "it"),
    "culture": ("recreation", "photography"),
    "legal": ("legal",),
    "mediation": ("counselling",),
    "environment": ("repair",),
    "emergency": ("first_aid", "driving"),
    "employment": ("it", "counselling"),
    "governance": ("it", "photography"),
}
#: The parts of a day (minutes after midnight): shifts never cross from one to
#: another, so a person with one shift per (day, part) never has two overlapping.
PARTS = (
    (8 * 60 + 30, 12 * 60 + 30),
    (13 * 60 + 30, 18 * 60),
    (18 * 60 + 30, 21 * 60 + 30),
)
#: Sign-up state codes in the compact plan.
CONFIRMED, WAITLISTED, CANCELLED, ATTENDED, NO_SHOW = range(5)
STATE_NAMES = ("confirmed", "waitlisted", "cancelled", "attended", "no_show")
HOLDS_PLACE = (True, False, False, True, True)
DAY_BASE = 2_000  # day offsets are >= -DAY_BASE


def _period(w: World, state: str) -> tuple[int, int]:
    """Start and end (day offsets from today) fitting a project's state."""
    r = w.rng.randint
    if state == "evaluated":
        end = -r(60, 700)
        return end - r(90, 365), end
    if state == "completed":
        end = -r(1, 59)
        return end - r(60, 365), end
    if state == "in_progress":
        return -r(7, 300), r(14, 300)
    if state == "recruiting":
        start = r(-20, 30)
        return start, start + r(75, 365)
    if state == "cancelled":
        start = r(-400, 60)
        return start, start + r(60, 300)
    start = r(10, 90)
    return start, start + r(60, 365)


def plan_projects(w: World) -> tuple[list[dict], list, list, list, list]:
    """Projects (with tenders and proposals), and evaluation windows and meetings."""
    rng = w.rng
    approved = [o for o in w.organizations if o["filing_state"] == "approved"]
    by_street: dict[int, list[dict]] = {}
    for org in approved:
        by_street.setdefault(org["street_id"], []).append(org)
    cum = list(accumulate(o["_weight"] for o in approved))
    projects: list[dict] = []
    tenders: list[tuple] = []
    proposals: list[tuple] = []
    windows: list[tuple] = []
    meetings: list[tuple] = []
    for pid in range(1, w.size["projects"] + 1):
        org = approved[bisect(cum, rng.random() * cum[-1])]
        if org["stage"] in ("exited", "revoked"):
            state = rng.choices(("completed", "evaluated", "cancelled"), (40, 50, 10))[
                0
            ]
        else:
            state = rng.choices(PROJECT_STATES, (5, 5, 25, 20, 25, 15, 5))[0]
        staffed = [c for c in org["_communities"] if w.workers.get(c)]
        community = rng.choice(staffed or org["_communities"])
        if not staffed:
            state = "draft"
        sid, cname = w.communities[community]
        category = rng.choice(json.loads(org["service_categories"]))
        funding = rng.choices(
            ("tender", "self", "charity", "district"), (30, 25, 25, 20)
        )[0]
        start, end = _period(w, state)
        created = w.at(min(start, 0) - rng.randint(20, 90), rng.randint(480, 1200))
        coordinator, link = None, "none"
        if staffed:
            coordinator = rng.choice(w.workers[community])
            if state == "draft":
                link = rng.choices(("none", "requested", "declined"), (6, 3, 1))[0]
                coordinator = None if link == "none" else coordinator
            elif state == "pending_approval":
                link = "accepted" if rng.random() < 0.7 else "requested"
            else:
                link = "accepted"
        changed = {
            "evaluated": w.at(end + 40), "completed": w.at(end, 1200),
            "in_progress": w.at(start, 480),
            "recruiting": w.at(min(start, 0) - rng.randint(1, 15), 600),
        }.get(state, created + timedelta(days=rng.uniform(0, 5)))  # fmt: skip
        amount = rng.randint(20, 600) * 100_000
        project = {
            "id": pid, "organization_id": org["id"], "street_id": sid,
            "community_id": community, "title": w.namer.project(cname[:3], category),
            "category": category,
            "description": "面向社区居民开展服务，志愿者协助组织活动、上门探访和记录。",
            "place": f"{cname}党群服务中心", "funding": funding, "tender_id": None,
            "proposal_id": None, "amount_fen": amount, "period_start": w.day(start),
            "period_end": w.day(end), "state": state,
            "state_changed_at": min(changed, w.now),
            "cancel_reason": "资金未落实，项目取消。" if state == "cancelled" else None,
            "coordinator_id": coordinator, "link_state": link,
            "link_changed_at": created + timedelta(days=2) if link != "none" else None,
            "link_note": None, "created_by_id": org["_owner"], "created_at": created,
            "_start": start, "_end": end, "_owner": org["_owner"], "_org": org,
        }  # fmt: skip
        if funding == "tender":
            _tender_for(w, project, by_street, tenders, proposals)
        _evaluation_for(w, project, windows, meetings)
        projects.append(project)
    _open_tenders(w, by_street, tenders, proposals)
    return projects, tenders, proposals, windows, meetings


def _tender_for(w, project, by_street, tenders, proposals) -> None:  # noqa: ANN001
    """The awarded tender a tender-funded project came from, and its proposals."""
    rng = w.rng
    tid = len(tenders) + 1
    sid = project["street_id"]
    deadline = w.at(project["_start"] - rng.randint(15, 45), 17 * 60)
    budget = project["amount_fen"] + rng.randint(0, 20) * 100_000
    reviewer = w.reviewers[sid][0]
    tenders.append(
        (tid, sid, project["community_id"], project["title"] + "（政府购买服务）",
         project["category"], budget, project["period_start"], project["period_end"],
         deadline, "购买社区服务，详见项目说明。", "awarded", reviewer,
         deadline + timedelta(days=rng.randint(1, 7)), deadline - timedelta(days=30))
    )  # fmt: skip
    others = [o for o in by_street[sid] if o is not project["_org"]]
    bidders = [
        project["_org"],
        *rng.sample(others, min(len(others), rng.randint(0, 4))),
    ]
    for i, org in enumerate(bidders):
        price = (
            project["amount_fen"]
            if i == 0
            else min(budget, project["amount_fen"] + rng.randint(1, 30) * 100_000)
        )
        at = deadline - timedelta(days=rng.uniform(1, 14))
        proposals.append(
            (len(proposals) + 1, tid, org["id"],
             "服务方案：组建志愿者团队，按周开展服务。",
             price, "项目负责人 1 名，社工 2 名，志愿者若干。",
             "awarded" if i == 0 else "not_awarded", org["_owner"], at, at)
        )  # fmt: skip
        if i == 0:
            project["proposal_id"] = len(proposals)
    project["tender_id"] = tid


def _open_tenders(w, by_street, tenders, proposals) -> None:  # noqa: ANN001
    """Purchase needs still taking proposals, and some waiting for an award."""
    rng = w.rng
    n = max(2, w.size["projects"] // 80)
    streets = list(by_street)
    for i in range(n):
        sid = rng.choice(streets)
        tid = len(tenders) + 1
        community = rng.choice(w.street_communities[sid])
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        waiting = i % 4 == 0  # deadline passed, not yet awarded
        deadline = w.at(-rng.randint(1, 10) if waiting else rng.randint(1, 30), 17 * 60)
        budget = rng.randint(10, 300) * 100_000
        tenders.append(
            (tid, sid, community,
             w.namer.project(w.communities[community][1][:3], category),
             category, budget, w.day(rng.randint(40, 90)), w.day(rng.randint(200, 450)),
             deadline, "购买社区服务，欢迎符合条件的社会组织投标。", "open",
             w.reviewers[sid][0], None, deadline - timedelta(days=30))
        )  # fmt: skip
        for org in rng.sample(
            by_street[sid], min(len(by_street[sid]), rng.randint(0, 4))
        ):
            at = min(w.now, deadline) - timedelta(days=rng.uniform(0, 10))
            proposals.append(
                (len(proposals) + 1, tid, org["id"], "服务方案：按月开展活动。",
                 budget - rng.randint(0, 9) * 100_000, "社工 2 名，志愿者若干。",
                 "submitted", org["_owner"], at, at)
            )  # fmt: skip


def _evaluation_for(w, project, windows, meetings) -> None:  # noqa: ANN001
    """Rating windows for completed projects; a meeting for evaluated ones."""
    rng = w.rng
    state, end = project["state"], project["_end"]
    if state == "evaluated" or (state == "completed" and rng.random() < 0.6):
        opens = end + (1 if state == "completed" else rng.randint(1, 8))
        if opens > 0:
            return
        reviewer = w.reviewers[project["street_id"]][0]
        wid = len(windows) + 1
        windows.append(
            (wid, project["id"], w.at(opens), w.at(opens + 14), reviewer, w.at(opens))
        )
        project["_window"] = (opens, opens + 14)
        if state == "evaluated":
            held = opens + 14 + rng.randint(3, 20)
            conclusion = rng.choices(
                ("excellent", "good", "pass", "fail"), (20, 45, 30, 5)
            )[0]
            meetings.append(
                (len(meetings) + 1, project["id"], w.day(held),
                 "街道社会事务科、社区党委、社工代表、居民代表 5 人",
                 "项目按计划完成，居民反映良好；建议加强台账管理。", conclusion,
                 reviewer, w.at(held, 16 * 60))
            )  # fmt: skip
            if conclusion == "fail":
                barred = w.day(held + 365)
                org = project["_org"]
                org["barred_until"] = max(org["barred_until"] or barred, barred)


def write_projects(w: World, out: Writer, plan) -> None:  # noqa: ANN001
    projects, tenders, proposals, windows, meetings = plan
    out.write("tenders", TENDER_COLUMNS, tenders, total=len(tenders))
    out.write("proposals", PROPOSAL_COLUMNS, proposals, total=len(proposals))
    out.write(
        "projects",
        PROJECT_COLUMNS,
        (tuple(p[c] for c in PROJECT_COLUMNS) for p in projects),
        total=len(projects),
    )
    out.write(
        "evaluation_windows",
        ("id", "project_id", "opens_at", "closes_at", "opened_by_id", "created_at"),
        windows,
    )
    out.write(
        "evaluation_meetings",
        (
            "id",
            "project_id",
            "held_on",
            "attendees",
            "summary",
            "conclusion",
            "recorded_by_id",
            "created_at",
        ),
        meetings,
    )


# Shifts -------------------------------------------------------------------------


def plan_shifts(w: World, projects: list[dict]) -> list[list]:
    """Weekly series of shifts inside each project's period; times in one day part.

    A shift is ``[id, project, day, part, start_min, end_min, grid, capacity,
    skills_json, state, series_id]`` (day: offset from today).
    """
    rng = w.rng
    eligible = [
        p
        for p in projects
        if p["state"] in ("recruiting", "in_progress", "completed", "evaluated")
    ]
    counts = [
        max(1, round(x))
        for x in _scaled(skewed(rng, len(eligible), 0.9), w.size["shifts"])
    ]
    shifts: list[list] = []
    for project, n in zip(eligible, counts, strict=True):
        lo, hi = project["_start"], project["_end"]
        if project["state"] == "recruiting":
            lo, hi = max(lo, 0), min(hi, 75)
        elif project["state"] == "in_progress":
            lo, hi = max(lo, -120), min(hi, 60)
        else:
            lo = max(lo, hi - 180)
        if hi < lo:
            continue
        slots = [(d, part) for d in range(lo, hi + 1) for part in range(3)]
        patterns = rng.sample(range(21), rng.randint(1, 3))
        chosen = [
            s for s in slots if (w.today.weekday() + s[0]) % 7 * 3 + s[1] in patterns
        ]
        if len(chosen) < n:
            have = set(chosen)
            extra = [s for s in slots if s not in have]
            chosen += rng.sample(extra, min(len(extra), n - len(chosen)))
        chosen = sorted(rng.sample(chosen, n) if len(chosen) > n else chosen)
        grids = w.community_grids[project["community_id"]]
        capacity = rng.choices(
            (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30),
            (6, 10, 14, 14, 14, 12, 10, 7, 5, 5, 3),
        )[0]
        skills = CATEGORY_SKILLS[project["category"]]
        series: dict[int, int] = {}
        for day, part in chosen:
            sid = len(shifts) + 1
            lo_min, hi_min = PARTS[part]
            start = lo_min + 30 * rng.randint(0, 2)
            end = min(hi_min, start + 30 * rng.randint(3, 6))
            need = rng.random()
            required = (
                []
                if need < 0.55
                else [rng.choice(skills)]
                if need < 0.9
                else sorted({rng.choice(skills), rng.choice(SKILLS)})
            )
            key = ((w.today.weekday() + day) % 7) * 3 + part
            series_id = series.setdefault(key, sid) if key in patterns else None
            cancelled = rng.random() < 0.03
            shifts.append([
                sid, project, day, part, start, end,
                rng.choice(grids) if rng.random() < 0.7 else None,
                max(1, capacity + rng.randint(-1, 2)), as_json(required),
                "cancelled" if cancelled else "scheduled", series_id,
            ])  # fmt: skip
    return shifts


def _scaled(weights: list[float], total: int) -> list[float]:
    whole = sum(weights)
    return [total * x / whole for x in weights]


def plan_signups(
    w: World, shifts: list[list]
) -> tuple[array, list[int], dict[int, list[int]]]:
    """Who signed up for which shift, in what state, as one compact array.

    Each entry is ``(shift index << 25 | user id) << 3 | state``; entries of a
    shift are contiguous. Returns it, each shift's confirmed_count, and per
    project a sample of the people who attended it (raters).
    """
    rng = w.rng
    random = rng.random
    now_day, now_min = divmod(int((w.now - w.midnight).total_seconds() // 60), 1440)
    pools_c: dict[int, list[int]] = {}
    pools_s: dict[int, list[int]] = {}
    everyone: list[int] = []
    for uid in w.volunteers:
        # Some people do much more than others: repeated in the pools by activity.
        times = rng.choices((1, 2, 4, 12), (60, 25, 10, 5))[0]
        home = w.volunteer_home[uid]
        for pool in (
            pools_c.setdefault(home, []),
            pools_s.setdefault(w.communities[home][0], []),
            everyone,
        ):
            pool.extend([uid] * times)
    fill = []
    for shift in shifts:
        past = (shift[2], shift[4]) < (now_day, now_min)
        f = (
            1.0
            if random() < (0.15 if past else 0.25)
            else (0.35 + 0.65 * random() if past else random())
        )
        fill.append(f * shift[7])
    scale = w.size["signups"] / (sum(fill) * 1.1)
    plan = array("q")
    counts: list[int] = []
    raters: dict[int, list[int]] = {}
    used: set[int] = set()
    empty: list[int] = []
    for index, shift in enumerate(shifts):
        project = shift[1]
        capacity, day, part = shift[7], shift[2], shift[3]
        slot = (day + DAY_BASE) * 3 + part
        past = (day, shift[4]) < (now_day, now_min)
        ended = (day, shift[5]) <= (now_day, now_min)
        holders = min(capacity, int(fill[index] * scale + random()))
        extra = int(holders * 0.1 + random())
        if not past and holders == capacity and random() < 0.4:
            extra += rng.randint(1, 3)
        local = pools_c.get(project["community_id"]) or empty
        street = pools_s.get(project["street_id"]) or everyone
        people: list[int] = []
        for _ in range(holders + extra):
            for _try in range(6):
                r = random()
                pool = local if r < 0.6 and local else street if r < 0.9 else everyone
                uid = pool[int(random() * len(pool))]
                key = uid << 13 | slot
                if key not in used:
                    used.add(key)
                    people.append(uid)
                    break
        taken = 0
        sample = raters.setdefault(project["id"], []) if "_window" in project else None
        for n, uid in enumerate(people):
            if shift[9] == "cancelled":
                state = CANCELLED
            elif n < holders and n < capacity:
                if ended:
                    r = random()
                    state = ATTENDED if r < 0.88 else NO_SHOW if r < 0.96 else CONFIRMED
                else:
                    state = CONFIRMED
            elif not past and taken >= capacity and random() < 0.7:
                state = WAITLISTED
            else:
                state = CANCELLED
            if HOLDS_PLACE[state]:
                taken += 1
            if (
                state == ATTENDED
                and sample is not None
                and len(sample) < 60
                and uid not in sample
            ):
                sample.append(uid)
            plan.append(((index << 25 | uid) << 3) | state)
        counts.append(taken)
    return plan, counts, raters


def write_shifts(w: World, out: Writer, shifts: list[list], counts: list[int]) -> None:
    def rows():  # noqa: ANN202
        for s, taken in zip(shifts, counts, strict=True):
            project = s[1]
            yield (
                s[0], project["id"], w.at(s[2], s[4]), w.at(s[2], s[5]),
                project["place"],
                s[6], s[7], taken, s[8], s[9],
                "天气原因取消。" if s[9] == "cancelled" else None, s[10],
                project["_owner"], w.at(min(s[2], 0) - 20, 600),
            )  # fmt: skip

    out.write("shifts", SHIFT_COLUMNS, rows(), total=len(shifts))


def _entries(plan: array, shifts: list[list]):  # noqa: ANN202
    for code in plan:
        state = code & 7
        uid = (code >> 3) & ((1 << 25) - 1)
        yield shifts[code >> 28], uid, state


def write_signups(w: World, out: Writer, plan: array, shifts: list[list]) -> None:
    rng = w.rng

    def rows():  # noqa: ANN202
        for n, (s, uid, state) in enumerate(_entries(plan, shifts), start=1):
            starts, ends = w.at(s[2], s[4]), w.at(s[2], s[5])
            queued = min(
                starts - timedelta(days=rng.uniform(0.5, 20)),
                w.now - timedelta(minutes=rng.uniform(1, 600)),
            )
            changed = queued
            if state in (ATTENDED, NO_SHOW):
                changed = ends
            elif state == CANCELLED:
                changed = min(queued + (starts - queued) * rng.random(), w.now)
            reminded = (
                starts - timedelta(hours=24)
                if starts < w.now and HOLDS_PLACE[state]
                else None
            )
            yield (n, s[0], uid, STATE_NAMES[state], queued, starts, ends, changed,
                   None, queued,
                   reminded if reminded and reminded > queued else None)  # fmt: skip

    out.write("signups", SIGNUP_COLUMNS, rows(), total=len(plan))


def _quarter(minutes: float) -> int:
    """To the nearest quarter hour, a tie rounding up (as the ledger does)."""
    return int((minutes + 7.5) // 15) * 15


def write_hours(w: World, out: Writer, plan: array, shifts: list[list]) -> None:
    """Check-in spans of everyone who attended, and their hour records."""
    rng = w.rng
    spans: list[tuple[int, int, int, object, object]] = []

    def attendances():  # noqa: ANN202
        aid = 0
        for s, uid, state in _entries(plan, shifts):
            if state != ATTENDED:
                continue
            aid += 1
            starts, ends = w.at(s[2], s[4]), w.at(s[2], s[5])
            checked_in = starts - timedelta(minutes=rng.uniform(0, 12))
            late = rng.uniform(-40, 15) if rng.random() < 0.2 else rng.uniform(0, 10)
            checked_out = min(ends + timedelta(minutes=late), w.now)
            spans.append((s[0], uid, aid, starts, ends, checked_in, checked_out, s[1]))
            yield (
                aid,
                s[0],
                uid,
                checked_in,
                checked_out,
                "qr",
                "qr",
                None,
                None,
                None,
                checked_in,
            )

    out.write(
        "attendances",
        ("id", "shift_id", "user_id", "checked_in_at", "checked_out_at", "in_method",
         "out_method", "in_slot", "out_slot", "recorded_by_id", "created_at"),
        attendances(), total=len(plan) // 2,
    )  # fmt: skip

    def records():  # noqa: ANN202
        rid = 0
        for (
            shift_id,
            uid,
            _aid,
            starts,
            ends,
            checked_in,
            checked_out,
            project,
        ) in spans:
            served = min(checked_out, ends) - max(checked_in, starts)
            minutes = _quarter(served.total_seconds() / 60)
            if minutes <= 0:
                continue
            rid += 1
            confirmed = ends + timedelta(hours=rng.uniform(2, 72))
            final = confirmed < w.now and rng.random() < 0.93
            yield (
                rid,
                uid,
                "shift",
                "confirmed" if final else "pending",
                minutes,
                project["organization_id"],
                project["id"],
                shift_id,
                (starts + timedelta(hours=8)).date(),
                None,
                None,
                None,
                project["_owner"] if final else None,
                confirmed if final else None,
                confirmed if final else None,
                checked_out,
            )

    out.write(
        "hour_records",
        ("id", "user_id", "kind", "state", "minutes", "organization_id", "project_id",
         "shift_id", "served_on", "adjusts_id", "reason", "created_by_id",
         "confirmed_by_id", "confirmed_at", "counts_from", "created_at"),
        records(), total=len(spans),
    )  # fmt: skip


def write_ratings(
    w: World, out: Writer, projects: list[dict], raters: dict[int, list[int]]
) -> None:
    """Ratings by people who attended, while each project's window was open."""
    rng = w.rng

    def rows():  # noqa: ANN202
        rid = 0
        for project in projects:
            window = project.get("_window")
            people = raters.get(project["id"])
            if not window or not people:
                continue
            opens, closes = window
            for uid in rng.sample(people, min(len(people), rng.randint(2, 30))):
                rid += 1
                at = min(w.at(opens) + timedelta(days=rng.uniform(0, 14)), w.now)
                score = [min(5, max(1, round(rng.gauss(4.2, 0.8)))) for _ in range(3)]
                comment = rng.choice(
                    ("", "", "服务很贴心。", "志愿者很耐心，谢谢！", "希望多办几次。")
                )
                yield (rid, project["id"], uid, "volunteer", *score, comment, at, at)

    out.write(
        "ratings",
        ("id", "project_id", "user_id", "basis", "satisfaction", "quality",
         "responsiveness", "comment", "rated_at", "created_at"),
        rows(),
    )  # fmt: skip
