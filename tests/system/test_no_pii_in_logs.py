"""No personal data in URLs or logs.

The whole run is watched by tests/pii_watch.py (registered in tests/conftest.py): a
phone number in any log line, requested URL, test output or server log file fails
the run. These tests check that watcher, and check the code itself: no route or
link carries a number, and the app's own log and print calls never get a full one.
"""

from __future__ import annotations

import ast
import io
import logging
import re
from pathlib import Path

import pytest
from flask import Flask

from hub.sms.transports import ConsoleTransport, SmsMessage
from tests.pii_watch import PiiWatch, find_numbers, find_numbers_in_url

ROOT = Path(__file__).resolve().parents[2]
HUB = ROOT / "hub"
TEMPLATES = ROOT / "templates"
PERSONAL = re.compile(r"mobile|phone|tel\b", re.IGNORECASE)
#: Calls that turn a number into something safe to log or print.
MASKERS = {"mask_mobile", "_short", "number_digest", "len", "bool"}
#: Demo accounts' made-up numbers, printed by `flask seed demo` / `flask seed city`
#: (development data, never real people) so whoever seeded can log in.
PRINT_ALLOWED = {("hub/cli.py", "print_logins"), ("hub/seed/cli.py", "run_seed_city")}


# The watcher itself -------------------------------------------------------------


def test_finds_numbers_as_written_and_spaced() -> None:
    assert find_numbers("sent to 13912345678.") == ["13912345678"]
    assert find_numbers("call 139 1234 5678 or 139-1234-5678") == [
        "139 1234 5678",
        "139-1234-5678",
    ]


def test_ignores_masks_hashes_and_longer_digit_runs() -> None:
    text = (
        "to 139****5678 at 1733312345678 ms, hash a13912345678f, "
        "id 12, token _13912345678x, fen 11000000000"
    )
    assert find_numbers(text) == []


def test_finds_numbers_in_urls_however_encoded() -> None:
    assert find_numbers_in_url("/admin/users?q=139+1234+5678") == ["13912345678"]
    assert find_numbers_in_url("/x?q=139-1234-5678") == ["13912345678"]
    assert find_numbers_in_url("/x?q=139%201234%205678") == ["13912345678"]
    assert find_numbers_in_url("/x?m=13912345678&page=2") == ["13912345678"]
    assert find_numbers_in_url("/shifts/1391234/roster?page=5678") == []


def _made_up(request: pytest.FixtureRequest, *numbers: str) -> None:
    """Tell the run's own watcher these numbers are written here on purpose."""
    session_watch = request.config.pluginmanager.get_plugin("pii-watch")
    if session_watch is not None:
        session_watch.ignore(*numbers)


def test_watch_catches_a_logged_number_and_a_url(
    app: Flask, request: pytest.FixtureRequest
) -> None:
    _made_up(request, "13800001111", "13800002222", "13800003333")
    watch = PiiWatch()
    watch.ignored.clear()  # this one must see the made-up numbers
    watch.start()
    try:
        logging.getLogger("hub.anything").warning("texted %s", "13800001111")
        logging.getLogger("werkzeug").info('"GET /x?m=13800002222 HTTP/1.1" 200 -')
        logging.getLogger("hub.quiet").debug("no number: 138****1111")
        with app.test_request_context("/admin/users?q=138 0000 3333"):
            watch._request_started(app)
    finally:
        watch.stop()
    assert [leak.number for leak in watch.leaks] == [
        "13800001111",
        "13800002222",
        "13800003333",
    ]
    assert "13800001111" not in str(watch.leaks[0])  # the report masks too
    assert watch.handler not in logging.getLogger().handlers


def test_watch_reads_server_log_files(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    _made_up(request, "13800004444")
    (tmp_path / "one.log").write_text("[INFO] login 13800004444\n", encoding="utf-8")
    (tmp_path / "two.log").write_text("[INFO] login 138****4444\n", encoding="utf-8")
    watch = PiiWatch()
    watch.ignored.clear()  # this one must see the made-up numbers
    watch.check_log_files(tmp_path)
    assert [(leak.where, leak.number) for leak in watch.leaks] == [
        ("file one.log", "13800004444")
    ]


# The app --------------------------------------------------------------------------


def test_console_sms_transport_prints_the_number_masked() -> None:
    out = io.StringIO()
    ConsoleTransport(stream=out).send(
        SmsMessage(
            to="13912345678",
            template="notice",
            params={"topic": "一个项目"},
            idempotency_key="k",
        )
    )
    assert "139****5678" in out.getvalue()
    assert find_numbers(out.getvalue()) == []


def test_no_route_takes_a_phone_number_in_its_path(app: Flask) -> None:
    offending = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if any(PERSONAL.search(name) for name in rule.arguments)
    ]
    assert offending == []


def _sources(root: Path, pattern: str) -> list[Path]:
    return sorted(p for p in root.rglob(pattern) if "translations" not in p.parts)


def test_no_link_is_built_with_a_phone_number() -> None:
    call = re.compile(r"url_for\((?:[^()]|\([^()]*\))*\)", re.DOTALL)
    offending = []
    for path in _sources(HUB, "*.py") + _sources(TEMPLATES, "*.html"):
        for match in call.finditer(path.read_text(encoding="utf-8")):
            if re.search(r"\b\w*(mobile|phone)\w*\s*=", match.group()):
                offending.append(f"{path.relative_to(ROOT)}: {match.group()[:80]}")
    assert offending == []


def test_no_get_form_asks_for_a_phone_number() -> None:
    """A GET form puts what is typed into the URL (and so into access logs)."""
    form = re.compile(r"<form\b[^>]*>.*?</form>", re.DOTALL | re.IGNORECASE)
    offending = []
    for path in _sources(TEMPLATES, "*.html"):
        for match in form.finditer(path.read_text(encoding="utf-8")):
            block = match.group()
            opening = block[: block.index(">") + 1].lower()
            if 'method="post"' in opening:
                continue
            asks = r"field\(form\.\w*(mobile|phone)|name=\"\w*(mobile|phone)"
            if re.search(asks, block):
                offending.append(str(path.relative_to(ROOT)))
    assert offending == []


def _names(node: ast.AST) -> list[str]:
    """Attribute and variable names used in an expression, outside masking calls."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in MASKERS:
            return []
    found = []
    if isinstance(node, ast.Attribute):
        found.append(node.attr)
    elif isinstance(node, ast.Name):
        found.append(node.id)
    for child in ast.iter_child_nodes(node):
        found += _names(child)
    return found


def _enclosing_functions(tree: ast.AST) -> dict[ast.AST, str]:
    owner: dict[ast.AST, str] = {}
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                owner.setdefault(node, fn.name)
    return owner


def _output_calls(tree: ast.AST) -> list[ast.Call]:
    """log.x(...), logger.x(...), logging.x(...), print(...), click.echo(...)."""
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "print":
            calls.append(node)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner, name = func.value.id, func.attr
            if (
                owner in {"log", "logger", "logging"}
                or (owner == "click" and name in {"echo", "secho"})
                or (owner == "current_app" and name == "logger")
            ):
                calls.append(node)
    return calls


def test_the_apps_log_and_print_calls_never_get_a_full_number() -> None:
    offending = []
    for path in _sources(HUB, "*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owner = _enclosing_functions(tree)
        relative = str(path.relative_to(ROOT))
        for call in _output_calls(tree):
            if (relative, owner.get(call, "")) in PRINT_ALLOWED:
                continue
            names = [n for arg in (*call.args, *call.keywords) for n in _names(arg)]
            if any(PERSONAL.search(name) for name in names):
                offending.append(f"{relative}:{call.lineno}")
    assert offending == []


# Secrets in links -----------------------------------------------------------------

#: URL parts that are secrets: whoever reads them may use the link (a calendar
#: feed, a check-in, an activation, a certificate check).
SECRET_ARGUMENTS = {"token", "code"}


def test_every_link_secret_is_masked_in_logs(app: Flask) -> None:
    """Each route whose URL carries a secret is masked by the one rule the app's
    logs, Sentry and (the same pattern) nginx's access log use."""
    from flask import url_for

    from hub.ops.logs import SECRET_LINK_PREFIXES, mask_path

    secret = "s3cr3tPart42"
    checked = []
    for rule in app.url_map.iter_rules():
        secrets = SECRET_ARGUMENTS & set(rule.arguments)
        if not secrets:
            continue
        values = {name: secret if name in secrets else "1" for name in rule.arguments}
        with app.test_request_context():
            path = url_for(rule.endpoint, **values)
        assert secret not in mask_path(path), f"{rule.rule} is logged with its secret"
        checked.append(rule.rule)
    assert len(checked) >= 4, checked
    nginx_site = (ROOT / "deploy" / "nginx" / "hub.conf").read_text(encoding="utf-8")
    assert f"/(?:{'|'.join(SECRET_LINK_PREFIXES)})/" in nginx_site
