"""With HUB_REDIS_URL, login limits are counted in Redis (shared by all servers)."""

from __future__ import annotations

import re
import uuid

import pytest
import redis
from flask_migrate import upgrade

from hub import create_app
from tests.conftest import IN_CI, TEST_SECRET

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as e:
        if IN_CI:
            pytest.fail(f"Redis unreachable at {REDIS_URL}: {e}", pytrace=False)
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    return client


def _app(tmp_path, prefix: str):  # noqa: ANN001, ANN202
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/limits.sqlite3",
            "REDIS_URL": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
            "LOGIN_LIMIT": "3 per minute",
        }
    )
    with app.app_context():
        upgrade()
    return app


def _failed_login(app, mobile: str) -> int:  # noqa: ANN001
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"mobile": mobile, "password": "wrong-password-1", "csrf_token": token},
    )
    return response.status_code


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
