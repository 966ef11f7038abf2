"""Two real app servers (gunicorn processes) on one PostgreSQL database and one Redis.

Over real HTTP: a login on one server is valid on the other; logging out or changing
the password on one ends the session on both; limits and lockouts are counted once
for both; and sign-ups spread over both never overfill a shift.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub.extensions import db, limiter
from hub.models import Shift, Signup
from tests import factories
from tests.conftest import TEST_SECRET, require_redis
from tests.factories import DEFAULT_PASSWORD
from tests.system.concurrency import postgres_app

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parents[2]
#: A Redis database of these tests' own; only keys with the run's prefix are deleted.
REDIS_URL = "redis://127.0.0.1:6379/5"
PEOPLE, PLACES = 20, 5
LOCKOUT_FAILURES = 5
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# Servers -------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(database_url: str, prefix: str, log_dir: Path, name: str) -> Server:
    port = _free_port()
    env = {
        **os.environ,
        "HUB_SECRET_KEY": TEST_SECRET,
        "HUB_DATABASE_URL": database_url,
        "HUB_REDIS_URL": REDIS_URL,
        "HUB_UPLOAD_DIR": str(log_dir / "uploads"),
        "HUB_LOGIN_LOCKOUT_FAILURES": str(LOCKOUT_FAILURES),
        "PYTHONUNBUFFERED": "1",
    }
    # The factory's literal argument keeps this run's Redis keys apart.
    target = f"hub:create_app({{'RATELIMIT_KEY_PREFIX': {prefix!r}}})"
    log = log_dir / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--worker-class",
        "gthread",
        "--threads",
        "12",
        "--timeout",
        "60",
        target,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one
        )
    return Server(f"http://127.0.0.1:{port}", process, log)


def _wait_ready(server: Server, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as r:  # noqa: S310 - our local server
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(
        f"server {server.url} did not start:\n{server.log.read_text()[-3000:]}",
        pytrace=False,
    )


def _stop(server: Server) -> None:
    """Stop the server's process group (master and worker): TERM, then KILL."""
    if server.process.poll() is None:
        try:
            os.killpg(server.process.pid, signal.SIGTERM)
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
        except ProcessLookupError:
            pass


@dataclass
class World:
    servers: tuple[Server, Server]
    app: object
    shift_id: int
    mobiles: dict[str, str]
    volunteers: list[str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    client = require_redis(REDIS_URL)

    tmp = tmp_path_factory.mktemp("twoserver")
    prefix = f"twoserver-{uuid.uuid4().hex}"
    # Building an app in this process re-points the shared limiter: give it back.
    saved = (limiter._storage, limiter._limiter, limiter._key_prefix)
    maker = postgres_app("twoserver", str(tmp))
    app = next(maker)
    limiter._storage, limiter._limiter, limiter._key_prefix = saved
    servers: list[Server] = []
    try:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        servers = [_start(url, prefix, tmp, name) for name in ("one", "two")]
        with app.app_context(), app.test_request_context():
            mobiles = {
                key: factories.volunteer().mobile
                for key in ("roaming", "leaver", "changer", "locked", "bystander")
            }
            shift = factories.shift(capacity=PLACES)
            volunteers = [factories.volunteer().mobile for _ in range(PEOPLE)]
            db.session.commit()
            shift_id = shift.id
        deadline = time.monotonic() + 30
        for server in servers:
            _wait_ready(server, deadline)
        yield World(tuple(servers), app, shift_id, mobiles, volunteers)
    finally:
        for server in servers:
            _stop(server)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        client.close()
        next(maker, None)  # dispose of the engine


# A browser -----------------------------------------------------------------------


def _request(url: str, body: bytes | None = None) -> urllib.request.Request:
    assert url.startswith("http://127.0.0.1:")
    method = "GET" if body is None else "POST"
    return urllib.request.Request(url, data=body, method=method)  # noqa: S310 - checked above


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str


class Browser:
    """One browser: its own cookies, sent to whichever server it talks to."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )
        self.token: str | None = None

    def get(self, server: Server, path: str) -> Answer:
        return self._open(_request(server.url + path))

    def post(self, server: Server, path: str, data: dict[str, str] | None = None):  # noqa: ANN201
        if self.token is None:
            page = self.get(server, "/login").text
            self.token = CSRF.search(page).group(1)
        body = urllib.parse.urlencode({**(data or {}), "csrf_token": self.token})
        return self._open(_request(server.url + path, body.encode()))

    def log_in(self, server: Server, mobile: str, password: str = DEFAULT_PASSWORD):  # noqa: ANN201
        return self.post(server, "/login", {"mobile": mobile, "password": password})

    def copy_to(self, other: Browser) -> None:
        """What a thief (or a second tab) holding these cookies would send."""
        for cookie in self.cookies:
            other.cookies.set_cookie(cookie)
        other.token = self.token

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(
                    response.status,
                    dict(response.headers),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as e:
            return Answer(e.code, dict(e.headers), e.read().decode())


def _logged_in(browser: Browser, server: Server) -> bool:
    answer = browser.get(server, "/account")
    assert answer.status in (200, 302), answer.status
    return answer.status == 200


# Sessions ------------------------------------------------------------------------


def test_login_on_one_server_is_valid_on_the_other(world: World) -> None:
    one, two = world.servers
    browser = Browser()
    assert browser.log_in(one, world.mobiles["roaming"]).status == 303
    assert _logged_in(browser, two)
    assert _logged_in(browser, one)


def test_logout_on_one_server_ends_the_session_on_both(world: World) -> None:
    one, two = world.servers
    browser, copy = Browser(), Browser()
    assert browser.log_in(one, world.mobiles["leaver"]).status == 303
    browser.copy_to(copy)
    assert _logged_in(copy, two)

    assert browser.post(two, "/logout").status == 303
    assert not _logged_in(browser, one)
    # The same cookie, replayed on either server, no longer works.
    assert not _logged_in(copy, one)
    assert not _logged_in(copy, two)


def test_password_change_on_one_server_ends_sessions_on_the_other(
    world: World,
) -> None:
    one, two = world.servers
    phone, laptop = Browser(), Browser()
    mobile = world.mobiles["changer"]
    assert phone.log_in(one, mobile).status == 303
    assert laptop.log_in(two, mobile).status == 303

    changed = laptop.post(
        two,
        "/account/password",
        {"current": DEFAULT_PASSWORD, "new": "new-harbour-77"},
    )
    assert changed.status == 303
    assert not _logged_in(phone, one)
    assert not _logged_in(phone, two)
    # The browser that changed it stays logged in, on both servers.
    assert _logged_in(laptop, one)
    assert _logged_in(laptop, two)
    assert Browser().log_in(one, mobile, "new-harbour-77").status == 303


# Limits --------------------------------------------------------------------------


def test_failed_logins_on_both_servers_lock_the_number_on_both(world: World) -> None:
    one, two = world.servers
    mobile = world.mobiles["locked"]
    browser = Browser()
    statuses = [
        browser.log_in(world.servers[i % 2], mobile, "wrong-password-1").status
        for i in range(LOCKOUT_FAILURES)
    ]
    # The fifth failure, counted over both servers, locks the number.
    assert statuses == [422] * (LOCKOUT_FAILURES - 1) + [429]
    for server in (one, two):
        refused = browser.log_in(server, mobile)  # the right password
        assert refused.status == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert re.search(r"\d{2}:\d{2}", refused.text)
    assert not _logged_in(browser, two)
    # Another number is not affected.
    assert Browser().log_in(two, world.mobiles["bystander"]).status == 303


def test_codes_for_one_number_are_counted_once_for_both_servers(world: World) -> None:
    """One code a minute per number, though the second request reaches the other
    server: the count lives in Redis, not in either process."""
    browser = Browser()
    first = browser.post(world.servers[0], "/register", {"mobile": "13700007777"})
    assert first.status == 303
    again = browser.post(world.servers[1], "/register", {"mobile": "13700007777"})
    assert again.status == 422
    assert "秒后再获取" in again.text


# Capacity ------------------------------------------------------------------------


def test_sign_ups_spread_over_both_servers_never_overfill(world: World) -> None:
    browsers = [Browser() for _ in world.volunteers]
    for i, (browser, mobile) in enumerate(zip(browsers, world.volunteers, strict=True)):
        assert browser.log_in(world.servers[i % 2], mobile).status == 303

    barrier = threading.Barrier(len(browsers))
    statuses: list[int | Exception] = [0] * len(browsers)

    def sign_up(i: int) -> None:
        barrier.wait()
        try:
            server = world.servers[i % 2]
            answer = browsers[i].post(server, f"/shifts/{world.shift_id}/signup")
            statuses[i] = answer.status
        except Exception as e:  # noqa: BLE001 - reported below
            statuses[i] = e

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [303] * PEOPLE

    with world.app.app_context():
        rows = db.session.execute(
            select(Signup.state, func.count())
            .where(Signup.shift_id == world.shift_id)
            .group_by(Signup.state)
        ).all()
        assert dict(rows) == {"confirmed": PLACES, "waitlisted": PEOPLE - PLACES}
        assert db.session.get(Shift, world.shift_id).confirmed_count == PLACES
        db.session.remove()
