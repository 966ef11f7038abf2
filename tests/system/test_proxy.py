"""The app behind the real proxy: Debian's nginx with deploy/nginx/hub.conf over
HTTPS (a throwaway certificate) in front of two gunicorn servers started with
gunicorn.conf.py, as in production (HUB_ENV=production, HUB_TRUSTED_PROXIES=1,
JSON logs, metrics in multiprocess mode, limits in Redis).

A volunteer's browser journey runs through it; the app sees each client's own
address (limits per address hold, a forged X-Forwarded-For changes nothing);
cookies are Secure; hashed static files come from nginx with a year's cache;
/metrics is for the monitoring network; a graceful reload loses no request.

Clients come from different loopback addresses (127.x.y.z, all local on Linux),
so the address nginx passes on is told apart from nginx's own (127.0.0.1).
One nginx and two servers serve the whole module, in the SQLite pass only.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Playwright

from hub import create_app
from hub.extensions import db, limiter
from hub.web.assets import assets_dir
from tests.conftest import TEST_SECRET
from tests.e2e import test_finding_journey as finding
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Browsing,
    LiveServer,
)
from tests.system.nginx import (
    ROOT,
    Ports,
    render_site,
    require_nginx,
    write_main_config,
)
from tests.system.proxy import (
    REDIS_URL,
    START_TIMEOUT,
    Answer,
    Proxy,
    free_port,
    loopback_address,
    redis_client,
    stop,
    wait_ready,
)

# Browser journeys run once, in the SQLite pass; one worker holds the whole module.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("proxy")]

LOGIN_LIMIT = 4
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HASHED_CSS = re.compile(r'href="(/static/css/hub\.[0-9a-f]{12}\.css)"')


def _migrate(app: Flask) -> None:
    """The database both servers share, at the newest migration."""
    with app.app_context():
        upgrade()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    nginx = require_nginx()
    client = redis_client()
    tmp = tmp_path_factory.mktemp("proxy")
    database = f"sqlite:///{tmp / 'hub.sqlite3'}"
    saved = (limiter._storage, limiter._limiter, limiter._key_prefix)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": database,
            "UPLOAD_DIR": str(tmp / "uploads"),
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    limiter._storage, limiter._limiter, limiter._key_prefix = saved
    _migrate(app)
    ports = Ports(free_port(), free_port(), (free_port(), free_port()))
    servers: list[subprocess.Popen] = []
    server_logs: list[Path] = []
    nginx_process: subprocess.Popen | None = None
    try:
        for index, port in enumerate(ports.apps):
            metrics = tmp / f"metrics-{index}"
            env = {
                **os.environ,
                "HUB_ENV": "production",
                "HUB_SECRET_KEY": TEST_SECRET,
                "HUB_DATABASE_URL": database,
                "HUB_REDIS_URL": REDIS_URL,
                "HUB_UPLOAD_DIR": str(tmp / "uploads"),
                "HUB_TRUSTED_PROXIES": "1",
                "HUB_LOG_FORMAT": "json",
                "HUB_LOGIN_LIMIT": f"{LOGIN_LIMIT} per 15 minutes",
                "HUB_SMS_CHALLENGE_AFTER": "1000",
                "HUB_SMS_NUMBER_LIMITS": "100 per minute",
                "HUB_BIND": f"127.0.0.1:{port}",
                "HUB_WORKERS": "2",
                "PROMETHEUS_MULTIPROC_DIR": str(metrics),
                "PYTHONUNBUFFERED": "1",
            }
            log = tmp / f"server-{index}.log"
            with log.open("wb") as out:
                servers.append(
                    subprocess.Popen(  # noqa: S603 - our interpreter, our config
                        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
                        + ["wsgi:app"],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            server_logs.append(log)
        site = render_site(tmp, ports, assets_dir(app))
        conf = write_main_config(tmp, site)
        with (tmp / "nginx.out").open("wb") as out:
            nginx_process = subprocess.Popen(  # noqa: S603 - Debian's nginx
                [nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        world = Proxy(
            ports.https,
            ports.http,
            app,
            servers,
            nginx_process,
            tmp / "logs",
            server_logs,
            ports.apps,
        )
        wait_ready(world)
        yield world
    finally:
        if nginx_process is not None:
            stop(nginx_process, signal.SIGQUIT)
        for process in servers:
            stop(process)
        with app.app_context():
            db.engine.dispose()
        client.close()


# The journey -----------------------------------------------------------


def test_volunteer_journey_through_nginx_over_https(
    proxy: Proxy,
    playwright: Playwright,
    request: pytest.FixtureRequest,
) -> None:
    # A browser of its own that accepts the throwaway certificate everywhere
    # (ignore_https_errors alone does not cover the service worker's script).
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"],
    )
    session = Browsing(
        browser,
        proxy.url,
        request.node.name,
        context_options={"ignore_https_errors": True},
    )
    passed = False
    try:
        finding.test_find_filter_and_sign_up_in_place(
            session, LiveServer(proxy.url, proxy.app), session.check
        )
        passed = True
    finally:
        session.close(failed=not passed)
        browser.close()
    assert not session.errors
    # Every page of it went through nginx, to both servers.
    upstreams = {
        json.loads(line)["upstream"] for line in proxy.access_log().splitlines()
    }
    assert len(upstreams - {"-", ""}) >= 2, upstreams


# HTTPS -----------------------------------------------------------


def test_http_is_sent_to_https_and_https_is_strict(proxy: Proxy) -> None:
    plain = proxy.fetch("/find?street=1", tls=False)
    assert plain.status == 301
    assert plain.headers["Location"] == "https://127.0.0.1/find?street=1"
    secure = proxy.fetch("/")
    assert secure.status == 200
    assert secure.headers.get_all("Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains"
    ]


def test_cookies_are_secure(proxy: Proxy) -> None:
    answer = proxy.fetch("/login")
    session = [c for c in answer.cookies() if c.startswith("session=")]
    assert session, answer.cookies()
    assert "Secure" in session[0]
    assert "HttpOnly" in session[0]


# Client addresses -----------------------------------------------------------


def _login_form(proxy: Proxy, source: str) -> tuple[str, str]:
    """(session cookie, CSRF token) for a browser at ``source``."""
    page = proxy.fetch("/login", source=source)
    cookie = next(c for c in page.cookies() if c.startswith("session="))
    token = CSRF.search(page.body)
    assert token, page.body[:500]
    return cookie.split(";", 1)[0], token.group(1)


def _try_login(proxy: Proxy, source: str, forged: str | None = None) -> Answer:
    """A wrong password for a made-up number, from ``source``."""
    cookie, token = _login_form(proxy, source)
    headers = {
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"{proxy.url}/login",
        "X-CSRFToken": token,
    }
    if forged:
        headers["X-Forwarded-For"] = forged
    number = f"199{random.randint(0, 99_999_999):08d}"
    return proxy.fetch(
        "/login",
        method="POST",
        source=source,
        headers=headers,
        body=f"mobile={number}&password=not-the-password",
    )


def _challenged(answer: Answer) -> bool:
    """The login page asks for the picture challenge (many failures from here)."""
    assert answer.status == 422, answer.status
    return 'class="challenge"' in answer.body


def test_login_limit_counts_the_clients_address_through_the_proxy(
    proxy: Proxy,
) -> None:
    attacker, neighbour = loopback_address(), loopback_address()
    # LOGIN_LIMIT wrong passwords from one address, each claiming another origin.
    for n in range(LOGIN_LIMIT - 1):
        assert not _challenged(_try_login(proxy, attacker, forged=f"10.0.0.{n}"))
    # Past the limit the address must answer the picture challenge, whatever
    # X-Forwarded-For the client makes up ...
    assert _challenged(_try_login(proxy, attacker, forged="203.0.113.9"))
    assert _challenged(_try_login(proxy, attacker, forged="198.51.100.7"))
    # ... while another address behind the same nginx is not held by it.
    assert not _challenged(_try_login(proxy, neighbour))
    # The app logged the client's own address, not nginx's nor a forged one.
    seen = {
        line.get("remote_addr")
        for line in proxy.app_lines()
        if line.get("logger") == "hub.access" and line.get("path") == "/login"
    }
    assert {attacker, neighbour} <= seen
    assert not {"203.0.113.9", "198.51.100.7", "10.0.0.0"} & seen


# Static files -----------------------------------------------------------


def test_hashed_static_files_come_from_nginx_cached_for_a_year(proxy: Proxy) -> None:
    page = proxy.fetch("/login")
    css = HASHED_CSS.search(page.body)
    assert css, "no hashed stylesheet on the page"
    answer = proxy.fetch(css.group(1), headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Type"].startswith("text/css")
    assert answer.headers.get("Content-Encoding") == "gzip"  # the precompressed copy
    assert "Strict-Transport-Security" in answer.headers
    # nginx answered it: no app server saw the request.
    assert css.group(1) in proxy.access_log()
    assert css.group(1) not in proxy.app_log()


# Metrics and logs -----------------------------------------------------------


def test_metrics_are_for_the_monitoring_network_only(proxy: Proxy) -> None:
    local = proxy.fetch("/metrics")
    assert local.status == 200
    assert re.search(r"^hub_outbox_backlog \d", local.body, re.MULTILINE)
    assert re.search(r'^hub_http_request_total\{.*status="200"', local.body, re.M)
    assert proxy.fetch("/metrics", source=loopback_address()).status == 403
    # A client claiming to be local is still refused (nginx, then the app).
    assert (
        proxy.fetch(
            "/metrics",
            source=loopback_address(),
            headers={"X-Forwarded-For": "127.0.0.1"},
        ).status
        == 403
    )


def test_request_ids_join_nginx_and_app_logs_and_tokens_are_masked(
    proxy: Proxy,
) -> None:
    token = uuid.uuid4().hex
    answer = proxy.fetch(f"/calendar/{token}.ics")
    assert answer.status == 404
    request_id = answer.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id
    time.sleep(0.2)
    nginx_line = next(
        json.loads(line)
        for line in proxy.access_log().splitlines()
        if request_id in line
    )
    assert nginx_line["path"] == "/calendar/***.ics"
    app_line = next(
        line for line in proxy.app_lines() if line.get("request_id") == request_id
    )
    assert app_line["path"] == "/calendar/***.ics"
    assert token not in proxy.access_log()
    assert token not in proxy.app_log()


# Reload -----------------------------------------------------------


def _workers(server: subprocess.Popen) -> set[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return {int(pid) for pid in children.read_text().split()}


def test_graceful_reload_loses_no_request(proxy: Proxy) -> None:
    before = [_workers(server) for server in proxy.servers]
    results: list[int | str] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            try:
                results.append(proxy.fetch("/login").status)
            except (OSError, http.client.HTTPException) as e:
                results.append(repr(e))

    threads = [threading.Thread(target=keep_asking) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        for server in proxy.servers:  # systemctl reload hub@…: kill -HUP
            os.kill(server.pid, signal.SIGHUP)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            now = [_workers(server) for server in proxy.servers]
            if all(
                len(n) == 2 and not (n & b) for n, b in zip(now, before, strict=True)
            ):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"workers were not replaced: {before} -> {now}")
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert len(results) >= 8, results
    failed = [r for r in results if r != 200]
    assert not failed, failed
