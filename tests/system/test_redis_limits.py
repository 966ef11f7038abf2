"""With HUB_REDIS_URL, login limits are counted in Redis (shared by all servers)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from flask_migrate import upgrade

from hub import create_app
from hub.extensions import limiter
from tests.conftest import TEST_SECRET, require_redis

REDIS_URL = "redis://127.0.0.1:6379/0"
PASSWORD = "lantern-river-42"
WRONG = "wrong-password-1"


@pytest.fixture
def redis_client() -> redis.Redis:
    client = require_redis(REDIS_URL)
    return client


def _app(tmp_path, prefix: str, **config):  # noqa: ANN001, ANN003, ANN202
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/limits.sqlite3",
            "REDIS_URL": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
            "LOGIN_LIMIT": "3 per minute",
            **config,
        }
    )
    with app.app_context():
        upgrade()
    return app


def _login(app, mobile: str, password: str = WRONG) -> int:  # noqa: ANN001
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"mobile": mobile, "password": password, "csrf_token": token},
    )
    return response.status_code


def _failed_login(app, mobile: str) -> int:  # noqa: ANN001
    return _login(app, mobile)


@pytest.fixture(autouse=True)
def _own_limiter_state() -> Iterator[None]:
    """The limiter is one object per process: these apps re-point it at Redis with
    their prefix; give the rest of the suite its in-memory storage back."""
    saved = (limiter._storage, limiter._limiter, limiter._key_prefix)
    limiter._key_prefix = ""  # init_app keeps the first prefix it was given
    yield
    limiter._storage, limiter._limiter, limiter._key_prefix = saved


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A key prefix of this test's own; only its keys are deleted afterwards."""
    value = f"hubtest-{uuid.uuid4().hex}"
    yield value
    for key in redis_client.scan_iter(f"*{value}*"):
        redis_client.delete(key)


def _person(app, mobile: str) -> None:  # noqa: ANN001
    from hub.auth import services
    from hub.extensions import db
    from hub.models.base import utcnow

    with app.app_context():
        services.register_user(
            name="测试",
            mobile=mobile,
            password=PASSWORD,
            consent_version="2026-11",
            verified_at=utcnow(),
        )
        db.session.commit()


def test_login_limit_is_shared_between_two_servers(tmp_path, redis_client) -> None:
    prefix = f"hubtest-{uuid.uuid4().hex}"
    first, second = _app(tmp_path, prefix), _app(tmp_path, prefix)
    try:
        assert [_failed_login(first, "13912340000") for _ in range(3)] == [422] * 3
        # The other server sees the same count: the fourth attempt is refused.
        assert _failed_login(second, "13912340000") == 429
        assert any(redis_client.scan_iter(f"*{prefix}*"))
    finally:
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)


def test_login_lockout_is_shared_between_two_servers(
    tmp_path, redis_client, prefix
) -> None:
    config = {"LOGIN_LIMIT": "100 per minute", "LOGIN_LOCKOUT_FAILURES": 4}
    first, second = _app(tmp_path, prefix, **config), _app(tmp_path, prefix, **config)
    _person(first, "13912340001")
    # Failures spread over both servers add up: the fourth locks the number...
    assert [_login(first, "13912340001") for _ in range(2)] == [422, 422]
    assert _login(second, "13912340001") == 422
    assert _login(first, "13912340001") == 429
    # ...on both, even with the right password.
    assert _login(second, "13912340001", PASSWORD) == 429
    assert _login(first, "13912340001", PASSWORD) == 429
    locks = list(redis_client.scan_iter(f"*{prefix}/login-lockout/lock/*"))
    assert len(locks) == 1
    assert 0 < redis_client.ttl(locks[0]) <= 15 * 60
    assert b"13912340001" not in locks[0]
    # Another number is not affected.
    _person(first, "13912340002")
    assert _login(second, "13912340002", PASSWORD) == 303


def test_login_lock_ends_on_every_server_after_its_time(
    tmp_path, redis_client, prefix
) -> None:
    config = {
        "LOGIN_LIMIT": "100 per minute",
        "LOGIN_LOCKOUT_FAILURES": 1,
        "LOGIN_LOCKOUT_MINUTES": 2 / 60,  # two seconds
    }
    first, second = _app(tmp_path, prefix, **config), _app(tmp_path, prefix, **config)
    _person(first, "13912340003")
    assert _login(first, "13912340003") == 429
    assert _login(second, "13912340003", PASSWORD) == 429
    time.sleep(2.2)
    assert _login(second, "13912340003", PASSWORD) == 303
    assert not list(redis_client.scan_iter(f"*{prefix}/login-lockout/lock/*"))


def test_sms_limits_are_kept_apart_by_the_key_prefix(
    tmp_path, prefix, redis_client
) -> None:  # noqa: ANN001
    """Two deployments (or test runs) sharing one Redis: one's codes to a number
    never count against the other's limit for that number."""
    from hub.verification import limits

    mobile, address = "13700006666", "192.0.2.7"
    first = _app(tmp_path, prefix, SMS_NUMBER_LIMITS="1 per minute")
    with first.test_request_context():
        assert limits.decide(mobile, address, "register", solved=True).allowed
        limits.count(mobile, address, "register")
        assert not limits.decide(mobile, address, "register", solved=True).allowed
    other = f"{prefix}-other"
    (tmp_path / "second").mkdir()
    second = _app(tmp_path / "second", other, SMS_NUMBER_LIMITS="1 per minute")
    try:
        with second.test_request_context():
            assert limits.decide(mobile, address, "register", solved=True).allowed
    finally:
        for key in redis_client.scan_iter(f"*{other}*"):
            redis_client.delete(key)
