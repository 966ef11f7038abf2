"""`make run` and its port: HUB_PORT or PORT=… choose it, a busy one is one line."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.config import ENV_VARS
from hub.ops.port import busy_message, main, port_in_use

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def listening() -> Iterator[int]:
    """A port something listens on, as a running server would."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_port_in_use_is_one_line_naming_the_variable(listening, capsys) -> None:
    assert port_in_use(listening)
    assert main([str(listening)]) == 1
    err = capsys.readouterr().err
    assert err == busy_message(listening) + "\n"
    assert err.count("\n") == 1
    assert "HUB_PORT" in err and f"PORT={listening + 1}" in err


def test_a_free_port_passes_quietly(capsys) -> None:
    port = _free_port()
    assert not port_in_use(port)
    assert main([str(port)]) == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("arg", ["", "http", "0", "70000"])
def test_a_port_that_is_not_one_is_refused(arg: str, capsys) -> None:
    assert main([arg] if arg else []) == 2
    assert "usage" in capsys.readouterr().err


def test_the_check_runs_as_make_runs_it(listening) -> None:
    done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "hub.ops.port", str(listening)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == busy_message(listening)


def _make_run(*args: str, env: dict[str, str]) -> list[str]:
    """The commands `make run` would run (printed, not run)."""
    done = subprocess.run(  # noqa: S603 - make with fixed arguments
        [shutil.which("make") or "make", "-n", "--no-print-directory", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    return done.stdout.splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("args", "hub_port", "expected"),
    [((), None, "5000"), ((), "5123", "5123"), (("PORT=5124",), "5123", "5124")],
)
def test_make_run_checks_the_chosen_port_before_migrating(
    args: tuple[str, ...], hub_port: str | None, expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"HUB_PORT", "PORT"}}
    if hub_port is not None:
        env["HUB_PORT"] = hub_port
    lines = _make_run(*args, env=env)
    check = next(i for i, line in enumerate(lines) if "hub.ops.port" in line)
    upgrade = next(i for i, line in enumerate(lines) if "db upgrade" in line)
    seed = next(i for i, line in enumerate(lines) if "seed demo" in line)
    assert check < upgrade < seed
    assert lines[check].endswith(f"hub.ops.port {expected}")
    serve = next(line for line in lines if "flask run" in line)
    assert serve.endswith(f"--port {expected}")


def _default_text(default: object) -> str:
    if default is None or default == "":
        return "—"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    return f"`{default}`"


def test_readme_lists_every_variable_as_config_defines_it() -> None:
    """The README's table is written from ENV_VARS: same rows, same order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| variable | default | what it does |\n|---|---|---|\n")[1]
    table = table.split("\n\n")[0]
    rows = re.findall(r"^\| `(HUB_[A-Z_]+)` \| (.+?) \| (.+) \|$", table, re.M)
    assert rows == [
        (name, _default_text(default), text) for name, _key, default, text in ENV_VARS
    ]
