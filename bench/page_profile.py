"""Where a page's time goes: its SQL statements, slowest first (``make bench`` aid).

    .venv/bin/python bench/page_profile.py <mobile or -> <path> [<path> ...]
    BENCH_CPU=1 .venv/bin/python bench/page_profile.py <mobile or -> <path>

Runs the app in-process on BENCH_DATABASE_URL, logged in as that user (``-``: no
one), requests each path three times and prints the last run's statements. With
BENCH_CPU=1 it then requests each path 50 times under cProfile and prints where the
CPU time went (own time, then cumulative), as production would run it.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time

from sqlalchemy import event

from hub import create_app
from hub.extensions import db

URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/bench"
)


def main() -> None:
    mobile, paths = sys.argv[1], sys.argv[2:]
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": URL, "WTF_CSRF_ENABLED": False, "DEBUG": False}
    )
    statements: list[tuple[float, str]] = []
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, params, context, many):  # noqa: ANN001, ARG001
            conn.info["t0"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, params, context, many):  # noqa: ANN001, ARG001
            statements.append(
                (time.perf_counter() - conn.info["t0"], statement % _quoted(params))
            )

    client = app.test_client()
    if mobile != "-":
        from hub.seed.city import CITY_PASSWORD

        client.post("/login", data={"mobile": mobile, "password": CITY_PASSWORD})
    for path in paths:
        for _ in range(3):
            statements.clear()
            t0 = time.perf_counter()
            response = client.get(path)
            total = time.perf_counter() - t0
        sql = sum(t for t, _s in statements)
        print(
            f"== {path}: {response.status_code}, {total * 1000:.1f} ms, "
            f"{len(statements)} queries, {sql * 1000:.1f} ms in SQL"
        )
        top = int(os.environ.get("BENCH_TOP", "8"))
        for t, s in sorted(statements, reverse=True)[:top]:
            print(f"  {t * 1000:7.1f} ms  {' '.join(s.split())[:600]}")
        if os.environ.get("BENCH_CPU"):
            _cpu_profile(client, path)


def _cpu_profile(client, path: str, runs: int = 50) -> None:  # noqa: ANN001
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    print(f"-- {path}: {(time.perf_counter() - t0) * 1000 / runs:.1f} ms per request")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(45)


def _quoted(params):  # noqa: ANN001, ANN202
    if isinstance(params, dict):
        return {k: repr(v) for k, v in params.items()}
    if isinstance(params, (list, tuple)):
        return tuple(repr(v) for v in params)
    return params


if __name__ == "__main__":
    main()
