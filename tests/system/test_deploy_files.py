"""deploy/: the nginx site passes ``nginx -t``, the systemd units pass
``systemd-analyze verify``, and their settings agree with the app's."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from hub.config import ENV_VARS, load_config
from tests.conftest import missing
from tests.system.nginx import (
    DEPLOY,
    ROOT,
    SITE,
    Ports,
    nginx_test,
    render_site,
    require_nginx,
    write_main_config,
)

UNITS = DEPLOY / "systemd"
VENV = Path(sys.prefix)


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    nginx = require_nginx()
    site = render_site(tmp_path, Ports(18080, 18443, (18000, 18001)), tmp_path)
    result = nginx_test(nginx, write_main_config(tmp_path, site))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_refuses_a_broken_site(tmp_path: Path) -> None:
    """The check above can fail: a typo in the site is caught."""
    nginx = require_nginx()
    site = render_site(tmp_path, Ports(18080, 18443, (18000, 18001)), tmp_path)
    site.write_text(site.read_text().replace("proxy_pass", "proxy_passs", 1))
    result = nginx_test(nginx, write_main_config(tmp_path, site))
    assert result.returncode != 0
    assert "proxy_passs" in result.stderr


def test_request_limit_is_the_apps() -> None:
    limit = re.search(r"client_max_body_size (\d+)m;", SITE.read_text())
    assert limit, "client_max_body_size missing"
    assert int(limit.group(1)) * 1024 * 1024 == load_config()["MAX_CONTENT_LENGTH"]


def _systemd_analyze() -> str:
    path = shutil.which("systemd-analyze")
    if path is None:
        message = "systemd-analyze not found (Debian's systemd package)"
        missing(message)
    return path


def _units_here(folder: Path, bad: str = "") -> list[str]:
    """The units with this checkout and interpreter for /srv/hub (verify checks
    that ExecStart's programs exist); ``bad`` is appended to the outbox unit."""
    names = []
    for unit in sorted(UNITS.iterdir()):
        text = (
            unit.read_text(encoding="utf-8")
            .replace("/srv/hub/.venv", str(VENV))
            .replace("/srv/hub", str(ROOT))
            .replace("/etc/hub/env", str(DEPLOY / "hub.env.example"))
        )
        if unit.name == "hub-outbox.service":
            text += bad
        (folder / unit.name).write_text(text, encoding="utf-8")
        names.append(unit.name.replace("@.", "@8000."))
    return names


def _verify(folder: Path, names: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - systemd's own tool on our files
        [_systemd_analyze(), "verify", "--man=no", *names],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_systemd_units_verify(tmp_path: Path) -> None:
    names = _units_here(tmp_path)
    assert {"hub@8000.service", "hub-outbox.service", "hub-reminders.timer"} <= set(
        names
    )
    result = _verify(tmp_path, names)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_systemd_verify_catches_mistakes(tmp_path: Path) -> None:
    result = _verify(tmp_path, _units_here(tmp_path, bad="Bogus=1\n"))
    assert "Unknown key 'Bogus'" in result.stderr


def test_units_run_the_repositorys_commands() -> None:
    app = (UNITS / "hub@.service").read_text()
    assert "gunicorn -c /srv/hub/gunicorn.conf.py wsgi:app" in app
    assert "ExecReload=/bin/kill -HUP $MAINPID" in app
    assert "PROMETHEUS_MULTIPROC_DIR=" in app
    assert "flask --app hub outbox work" in (UNITS / "hub-outbox.service").read_text()
    reminders = (UNITS / "hub-reminders.service").read_text()
    assert "flask --app hub reminders send" in reminders
    assert "OnCalendar=*:0/15" in (UNITS / "hub-reminders.timer").read_text()


def test_environment_template_names_only_known_variables() -> None:
    known = {name for name, *_ in ENV_VARS} | {"FLASK_APP", "HUB_WORKERS", "HUB_BIND"}
    lines = (DEPLOY / "hub.env.example").read_text(encoding="utf-8").splitlines()
    names = {line.split("=", 1)[0] for line in lines if line and line[0] != "#"}
    assert names <= known, names - known
    assert {"HUB_ENV", "HUB_SECRET_KEY", "HUB_TRUSTED_PROXIES"} <= names


def test_readme_documents_every_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name, *_ in ENV_VARS if f"| `{name}` |" not in readme]
    assert not missing
