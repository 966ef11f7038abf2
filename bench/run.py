"""``make bench``: the city data set on PostgreSQL, gunicorn as in production, wrk.

1. Database ``bench`` (``BENCH_DATABASE_URL``): seeded with ``flask seed city`` unless
   it already holds the same seed and scale (the ``streets`` table's comment says).
2. gunicorn with the production settings of docs/benchmarks.md, on 127.0.0.1.
3. One login per role over HTTP (session cookie), a pool of volunteers for sign-ups.
4. For each page: wrk with 1 client (service time: p50/p95/p99) and 10 clients
   (throughput), a new connection per request ("Connection: close"), as behind a
   reverse proxy. References in the same run: /bench/hello and /bench/fortunes.
5. Prints the table and writes it into docs/benchmarks.md between its markers.

Environment: BENCH_SEED (1), BENCH_SCALE (1.0), BENCH_SECONDS (10), BENCH_PORT
(8077), BENCH_WORKERS / BENCH_THREADS (gunicorn; default 2 x cores + 1, 1 thread),
BENCH_ONLY (comma-separated page keys, for a quick look at a few).
"""

# ruff: noqa: S603, S607, S311 - a developer tool running fixed commands
from __future__ import annotations

import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SEED = int(os.environ.get("BENCH_SEED", "1"))
SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PORT = int(os.environ.get("BENCH_PORT", "8077"))
CORES = os.cpu_count() or 2
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * CORES + 1)))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/bench"
)
PASSWORD = "shanzhi-city-2026"  # noqa: S105 - hub.seed.city.CITY_PASSWORD
SIGNUP_POOL = 200
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


# 1. The data set ------------------------------------------------------------------


def ensure_seeded() -> None:
    """Seed the bench database unless it already holds this seed and scale."""
    want = f"seed city: seed={SEED} scale={SCALE:g}"
    url = libpq(DB_URL)
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    have = None
    try:
        with psycopg.connect(url) as conn:
            have = conn.execute(
                "SELECT obj_description('streets'::regclass, 'pg_class')"
            ).fetchone()[0]
    except psycopg.Error:
        pass
    if have == want:
        log(f"database {name} already holds {want}; not seeding")
    else:
        log(f"database {name} holds {have!r}; seeding {want} (takes minutes)")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        subprocess.run(
            [BIN / "flask", "seed", "city", "--seed", str(SEED),
             "--scale", f"{SCALE:g}",
             "--database-url", DB_URL],
            check=True, cwd=ROOT, env={**os.environ, "FLASK_APP": "hub"},
        )  # fmt: skip
    # New migrations (indexes) since it was seeded.
    subprocess.run(
        [BIN / "flask", "db", "upgrade"], check=True, cwd=ROOT,
        env={**os.environ, "FLASK_APP": "hub", "HUB_DATABASE_URL": DB_URL},
    )  # fmt: skip


# 2. The server ----------------------------------------------------------------------


def server_env() -> dict[str, str]:
    env = {
        **os.environ,
        "HUB_ENV": "production",
        "HUB_SECRET_KEY": secrets.token_urlsafe(48),
        "HUB_DATABASE_URL": DB_URL,
        "HUB_BENCH_ROUTES": "1",
    }
    env.pop("HUB_REDIS_URL", None)
    if redis_up():
        env["HUB_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    return env


def redis_up() -> bool:
    try:
        out = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, timeout=3
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.stdout.strip() == b"PONG"


def gunicorn_args() -> list[str]:
    args = [
        str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{PORT}", "--workers", str(WORKERS),
        "--keep-alive", "0", "--log-level", "warning",
    ]  # fmt: skip
    if THREADS > 1:
        args += ["--worker-class", "gthread", "--threads", str(THREADS)]
    return [*args, "wsgi:app"]


def start_server(env: dict[str, str]) -> subprocess.Popen:
    log("gunicorn " + " ".join(gunicorn_args()[1:]))
    server = subprocess.Popen(gunicorn_args(), cwd=ROOT, env=env)
    for _ in range(120):
        try:
            if http("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def http(method: str, path: str, *, body: str | None = None, cookie: str | None = None):  # noqa: ANN201
    conn = HTTPConnection("127.0.0.1", PORT, timeout=120)
    headers = {"Connection": "close"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, response.getheaders(), data.decode("utf-8", "replace")


TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def session_cookie(headers) -> str | None:  # noqa: ANN001
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    return None


def login(mobile: str) -> tuple[str, str]:
    """Log in over HTTP as a browser would; the session cookie and a CSRF token."""
    _status, headers, page = http("GET", "/login")
    cookie = session_cookie(headers)
    token = TOKEN.search(page).group(1)
    body = urllib.parse.urlencode(
        {"mobile": mobile, "password": PASSWORD, "csrf_token": token}
    )
    status, headers, _page = http("POST", "/login", body=body, cookie=cookie)
    cookie = session_cookie(headers)
    if status != 303 or not cookie:
        raise SystemExit(f"login as {mobile} failed ({status})")
    _status, _headers, page = http("GET", "/my/shifts", cookie=cookie)
    match = TOKEN.search(page)
    return cookie, match.group(1) if match else token


# 3. Who and what to load ------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    path: str
    role: str | None  # whose cookie
    budget_ms: float | None  # 1-client p95 budget; None: outside the budget
    kind: str = "page"  # page | reference | export | signup


def pick_targets() -> dict:
    """Representative users and objects, chosen by SQL from the seeded data."""
    with psycopg.connect(libpq(DB_URL)) as conn:
        one = lambda sql, *a: conn.execute(sql, a).fetchone()  # noqa: E731
        # The street with the most open shifts, its reviewer, an active volunteer there.
        street = one(
            """SELECT p.street_id, count(*) FROM shifts s JOIN projects p
               ON p.id = s.project_id WHERE p.state = 'recruiting'
               AND s.state = 'scheduled' AND s.starts_at > now()
               GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"""
        )[0]
        reviewer = one(
            """SELECT u.mobile FROM role_grants g JOIN users u ON u.id = g.user_id
               WHERE g.role = 'street_reviewer' AND g.street_id = %s
               ORDER BY g.id LIMIT 1""",
            street,
        )[0]
        volunteer = one(
            """SELECT u.mobile, count(*) FROM volunteer_profiles v
               JOIN communities c ON c.id = v.home_community_id
               JOIN users u ON u.id = v.user_id
               JOIN signups s ON s.user_id = v.user_id
               WHERE c.street_id = %s AND v.onboarded_at IS NOT NULL
               GROUP BY u.id, u.mobile HAVING count(*) BETWEEN 15 AND 40
               ORDER BY count(*) DESC, u.id LIMIT 1""",
            street,
        )[0]
        project = one(
            """SELECT p.id FROM projects p JOIN shifts s ON s.project_id = p.id
               WHERE p.street_id = %s AND p.state = 'recruiting'
               AND s.starts_at > now() GROUP BY p.id ORDER BY count(*) DESC, p.id
               LIMIT 1""",
            street,
        )[0]
        category = one(
            """SELECT p.category FROM projects p WHERE p.street_id = %s
               AND p.state = 'recruiting' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""",
            street,
        )[0]
        # Sign-up pool: random volunteers of any street, each with an open shift
        # that overlaps none of their active sign-ups.
        rng = random.Random(time.time_ns())
        top = one("SELECT max(user_id) FROM volunteer_profiles")[0]
        pool = conn.execute(
            """SELECT u.mobile, (
                 SELECT s.id FROM shifts s JOIN projects p ON p.id = s.project_id
                 WHERE p.state = 'recruiting' AND s.state = 'scheduled'
                   AND s.starts_at > now() + interval '1 day'
                   AND p.street_id = c.street_id
                   AND NOT EXISTS (
                     SELECT 1 FROM signups g WHERE g.user_id = v.user_id
                     AND g.state IN ('confirmed', 'waitlisted')
                     AND g.starts_at < s.ends_at AND g.ends_at > s.starts_at)
                 ORDER BY s.starts_at LIMIT 1 OFFSET (v.user_id %% 7))
               FROM volunteer_profiles v JOIN users u ON u.id = v.user_id
               JOIN communities c ON c.id = v.home_community_id
               WHERE v.user_id >= %s AND v.onboarded_at IS NOT NULL
               ORDER BY v.user_id LIMIT %s""",
            (rng.randint(1, max(1, top - 5 * SIGNUP_POOL)), 2 * SIGNUP_POOL),
        ).fetchall()
    # One person per shift: bench/signup.lua knows whose answer it is by the shift.
    by_shift = {s: m for m, s in pool if s is not None}
    pool = [(m, s) for s, m in by_shift.items()][:SIGNUP_POOL]
    return {
        "street": street, "reviewer": reviewer, "volunteer": volunteer,
        "project": project, "category": category, "pool": pool,
    }  # fmt: skip


def pages(t: dict) -> list[Page]:
    find = urllib.parse.urlencode(
        {"street": t["street"], "category": t["category"], "when": "week"}
    )
    return [
        Page("hello", 'Reference: "hello"', "/bench/hello", None, None, "reference"),
        Page("fortunes", 'Reference: "fortunes"', "/bench/fortunes", None, None,
             "reference"),
        Page("hello_user", 'Reference: "hello", signed in', "/bench/hello",
             "volunteer", None, "reference"),
        Page("home", "Volunteer home (For you)", "/", "volunteer", 50),
        Page("find", "Project search, filtered", f"/find?{find}", "volunteer", 25),
        Page("project", "Project page", f"/projects/{t['project']}", "volunteer", 25),
        Page("mine", "My shifts", "/my/shifts", "volunteer", 25),
        Page("signup", "Sign-up POST (and cancel)", "/shifts/…/signup", "pool", 25,
             "signup"),
        Page("queue", "Reviewer queue", "/review/filings", "reviewer", 25),
        Page("dashboard", "Street dashboard", f"/reports/street/{t['street']}",
             "reviewer", 100),
        Page("ocds", "OCDS export, a page (25 processes)",
             "/open-data/ocds/release-package.json", None, 25),
        Page("ocds_all", "OCDS bulk download (every process)",
             "/open-data/ocds/release-package-all.json", None, None, "export"),
    ]  # fmt: skip


# 4. wrk ------------------------------------------------------------------------------

FIGURES = re.compile(r"^BENCH (\{.*\})$", re.M)
SIGNUPS = re.compile(r"^SIGNUPS (\{.*\})$", re.M)


def wrk(page: Page, clients: int, cookie: str | None, seconds: int, env: dict) -> dict:
    """One wrk run; its figures (latencies in ms)."""
    threads = clients if page.kind == "signup" else min(clients, 2)
    script = "bench/signup.lua" if page.kind == "signup" else "bench/report.lua"
    args = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "60s",
            "-s", script, "-H", "Connection: close"]  # fmt: skip
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    url = f"http://127.0.0.1:{PORT}{page.path if page.kind != 'signup' else '/'}"
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, cwd=ROOT,
        env={**env, "BENCH_THREADS": str(threads)},
    )  # fmt: skip
    found = FIGURES.search(out.stdout)
    if not found:
        raise SystemExit(f"wrk failed on {page.key}: {out.stdout}\n{out.stderr}")
    figures = json.loads(found.group(1))
    for name in ("p50", "p95", "p99", "max"):
        figures[name] /= 1000
    figures["rps"] = figures["requests"] / figures["seconds"]
    for line in out.stdout.splitlines():
        if line.startswith("REFUSED "):
            log(f"{page.key}: first refused answer of a thread: {line[8:]}")
    extra = SIGNUPS.search(out.stdout)
    if extra:
        figures.update(json.loads(extra.group(1)))
    return figures


def measure(page: Page, cookies: dict, env: dict) -> dict:
    cookie = cookies.get(page.role) if page.role else None
    seconds = SECONDS
    if page.kind == "export":
        seconds = max(SECONDS, 15)  # a few requests of a large body
    warm = wrk(page, 1, cookie, 2, env)  # warm caches and worker imports
    del warm
    single = wrk(page, 1, cookie, seconds, env)
    ten = wrk(page, 10, cookie, seconds, env)
    log(
        f"{page.key:<10} 1 client p50 {single['p50']:7.1f} p95 {single['p95']:7.1f} "
        f"p99 {single['p99']:7.1f} ms | 10 clients {ten['rps']:8.1f} req/s "
        f"(errors {single['non2xx3xx'] + ten['non2xx3xx']})"
    )
    return {"one": single, "ten": ten}


# 5. The table ------------------------------------------------------------------------


def verdicts(page: Page, r: dict, fortunes_rps: float) -> tuple[str, str]:
    if page.kind in ("reference", "export") or page.budget_ms is None:
        return "—", "—"
    p95 = "met" if r["one"]["p95"] <= page.budget_ms else "**missed**"
    share = r["ten"]["rps"] / fortunes_rps if fortunes_rps else 0
    return p95, "met" if share >= 0.5 else "**missed**"


def table(plan: list[Page], results: dict) -> str:
    fortunes = results.get("fortunes", {}).get("ten", {}).get("rps", 0.0)
    lines = [
        "| Page | 1 client p50 | p95 | p99 | p95 budget | 10 clients req/s | "
        "share of fortunes | p95 verdict | throughput verdict | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for page in plan:
        r = results.get(page.key)
        if not r:
            continue
        one, ten = r["one"], r["ten"]
        share = f"{100 * ten['rps'] / fortunes:.0f} %" if fortunes else "—"
        budget = f"≤ {page.budget_ms:g} ms" if page.budget_ms else "—"
        p95_ok, share_ok = verdicts(page, r, fortunes)
        if page.kind == "export" and not one["requests"]:
            lines.append(
                f"| {page.label} | no response completed within "
                f"{one['seconds']:.0f} s (streamed bulk file) | | | — | — | — | — "
                "| — | — |"
            )
            continue
        errors = (
            one["non2xx3xx"]
            + ten["non2xx3xx"]
            + one["socket_errors"]
            + ten["socket_errors"]
        )
        lines.append(
            f"| {page.label} | {one['p50']:.1f} ms | {one['p95']:.1f} ms | "
            f"{one['p99']:.1f} ms | {budget} | {ten['rps']:.0f} | {share} | "
            f"{p95_ok} | {share_ok} | {errors} |"
        )
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in doc:
        doc += f"\n{BEGIN}\n{END}\n"
    head, rest = doc.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


def describe(t: dict, results: dict) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    signup = results.get("signup", {})
    moves = ", ".join(
        f"{k}: {signup[c].get('signups', 0)} sign-ups / {signup[c].get('cancels', 0)} "
        f"cancels / {signup[c].get('refused', 0)} refused"
        for k, c in (("1 client", "one"), ("10 clients", "ten"))
        if c in signup
    )
    sizes = [
        f"{what} {one['bytes'] / max(one['requests'], 1) / 1e3:,.0f} KB"
        for key, what in (("ocds", "a page"), ("ocds_all", "the bulk download"))
        if (one := results.get(key, {}).get("one"))
    ]
    size = ", ".join(sizes) + " per response" if sizes else "not run"
    load = os.getloadavg()
    return (
        f"Run {when}: seed {SEED}, scale {SCALE:g}; gunicorn {WORKERS} "
        f"{'gthread × ' + str(THREADS) if THREADS > 1 else 'sync'} workers "
        f"on {CORES} cores; "
        f"wrk {SECONDS} s per run, `Connection: close`. Load average after the run: "
        f"{load[0]:.2f}.\n\nStreet {t['street']}, project {t['project']}, "
        f"filter category `{t['category']}`. Sign-up run: {moves or 'not run'}. "
        f"OCDS: {size}.\n"
    )


# 6. Lighthouse (phone weight; another script, run when present) --------------------


def run_lighthouse(env: dict, cookies: dict, t: dict) -> None:
    """>>> LIGHTHOUSE CALL SITE: bench/lighthouse.py records the phone scores. <<<

    Mobile Lighthouse on the volunteer home and the benchmark's project page, as the
    same volunteer, against the same server; results in docs/lighthouse.{json,md}.
    """
    script = ROOT / "bench" / "lighthouse.py"
    if not script.exists():
        log("bench/lighthouse.py not found; skipping Lighthouse")
        return
    log("Lighthouse (mobile) on / and the project page")
    subprocess.run(
        [sys.executable, str(script), "--base-url", f"http://127.0.0.1:{PORT}",
         "--cookie", cookies["volunteer"], "--out", "docs/lighthouse.json",
         "--markdown", "docs/lighthouse.md",
         "--project-path", f"/projects/{t['project']}"],
        cwd=ROOT, check=False, env=env,
    )  # fmt: skip


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit(
            "wrk is missing: apt-get install wrk (make bench does as root)"
        )
    ensure_seeded()
    env = server_env()
    targets = pick_targets()
    server = start_server(env)
    only = {k for k in os.environ.get("BENCH_ONLY", "").split(",") if k}
    plan = [
        p for p in pages(targets) if not only or p.key in only or p.kind == "reference"
    ]
    results: dict = {}
    try:
        cookies = {
            "volunteer": login(targets["volunteer"])[0],
            "reviewer": login(targets["reviewer"])[0],
        }
        with ThreadPoolExecutor(4) as pool:
            logged = list(pool.map(login, [m for m, _s in targets["pool"]]))
        handle, name = tempfile.mkstemp(prefix="bench-signups-", suffix=".tsv")
        with os.fdopen(handle, "w") as out:
            for (cookie, token), (_m, shift) in zip(
                logged, targets["pool"], strict=True
            ):
                out.write(f"{cookie}\t{token}\t{shift}\n")
        env["BENCH_SIGNUPS"] = name
        log(f"logged in; {len(logged)} volunteers in the sign-up pool")
        for page in plan:
            results[page.key] = measure(page, cookies, env)
        run_lighthouse(env, cookies, targets)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = describe(targets, results) + "\n" + table(plan, results)
    print("\n" + text)
    if not only:
        write_doc(text)
        log(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
