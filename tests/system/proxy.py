"""The proxy test's world: nginx in front of two gunicorn servers, and a client
that speaks to it from any loopback address (tests/system/test_proxy.py)."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from flask import Flask

from tests.conftest import require_redis

REDIS_URL = "redis://127.0.0.1:6379/6"
START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loopback_address() -> str:
    """A loopback address of this run's own (so limits from earlier runs are apart)."""
    a, b, c = (random.randint(2, 254) for _ in range(3))
    return f"127.{a}.{b}.{c}"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


@dataclass
class Proxy:
    https: int
    http: int
    app: Flask
    servers: list[subprocess.Popen]
    nginx: subprocess.Popen
    logs: Path
    server_logs: list[Path]
    app_ports: tuple[int, int]

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https}"

    def fetch(
        self,
        path: str,
        *,
        method: str = "GET",
        source: str = "127.0.0.1",
        headers: dict[str, str] | None = None,
        body: str | None = None,
        tls: bool = True,
    ) -> Answer:
        """One request from ``source`` (a loopback address) through nginx."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the throwaway certificate
        if tls:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1",
                self.https,
                context=context,
                timeout=20,
                source_address=(source, 0),
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.http, timeout=20, source_address=(source, 0)
            )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(
                response.status,
                response.headers,
                response.read().decode("utf-8", "replace"),
            )
        finally:
            connection.close()

    def app_log(self) -> str:
        return "".join(log.read_text(encoding="utf-8") for log in self.server_logs)

    def access_log(self) -> str:
        return (self.logs / "hub.access.log").read_text(encoding="utf-8")

    def app_lines(self) -> list[dict]:
        lines = []
        for line in self.app_log().splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines


def redis_client() -> redis.Redis:
    """The proxy tests' own Redis database, or missing()."""
    return require_redis(REDIS_URL)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass


def answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def wait_ready(proxy: Proxy) -> None:
    """Both app servers answer, and nginx does."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for process in (*proxy.servers, proxy.nginx):
            if process.poll() is not None:
                pytest.fail(
                    f"a server exited:\n{proxy.app_log()[-3000:]}", pytrace=False
                )
        if all(answers(port) for port in proxy.app_ports):
            try:
                if proxy.fetch("/healthz").status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
        time.sleep(0.3)
    pytest.fail(f"proxy did not start:\n{proxy.app_log()[-3000:]}", pytrace=False)
