"""A pytest plugin: no phone number in any log line or URL of the whole run.

For the whole session it collects, and at the end checks for mainland mobile numbers
(the factories' ``139…`` ones and any other):

- every log record, the app's own and werkzeug's access log of the browser journeys
  (a root handler; the ``hub`` loggers are opened down to DEBUG so nothing of ours
  is filtered out before it is seen);
- every URL the app was asked for, through the test client or a live server
  (Flask's ``request_started`` signal): what a proxy's access log would keep;
- each test's captured stdout/stderr (the console SMS transport, CLI output);
- ``*.log`` files the tests wrote under pytest's temporary directory (the app
  servers the two-server test starts write their output there).

A finding fails the run (exit status 1) with where it was and which test ran.
Registered from tests/conftest.py; tests/system/test_no_pii_in_logs.py tests it.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_plus

import flask
import pytest

#: A mainland mobile number standing alone (not part of a longer digit/letter run).
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
#: The same, as people type it: 139 1234 5678, 139-1234-5678.
SPACED_MOBILE = re.compile(
    r"(?<![0-9A-Za-z])1[3-9]\d[ \-]\d{4}[ \-]\d{4}(?![0-9A-Za-z])"
)


def find_numbers(text: str) -> list[str]:
    """Mobile numbers in ``text``, as written."""
    return MOBILE.findall(text) + SPACED_MOBILE.findall(text)


def find_numbers_in_url(url: str) -> list[str]:
    """Mobile numbers in a URL, however encoded or spaced (``139+1234+5678``)."""
    joined = re.sub(r"(?<=\d)[ \-.]+(?=\d)", "", unquote_plus(url))
    return sorted(set(MOBILE.findall(joined)))


@dataclass(frozen=True)
class Leak:
    where: str
    number: str
    test: str

    def __str__(self) -> str:
        masked = f"{self.number[:3]}…{self.number[-2:]}"
        return f"{self.where}: {masked} (during {self.test or 'setup of the run'})"


class _Handler(logging.Handler):
    def __init__(self, watch: PiiWatch) -> None:
        super().__init__(level=logging.DEBUG)
        self.watch = watch

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is still checked
            text = f"{record.msg} {record.args}"
        if record.exc_text:
            text += "\n" + record.exc_text
        self.watch.check(f"log {record.name}", text)


#: Made-up numbers the watcher's own tests write on purpose. Fixed here rather than
#: registered at run time, because with pytest-xdist the reports and temporary files
#: of every worker are read by the controller's watcher.
SELF_TEST_NUMBERS = frozenset(
    {"13800001111", "13800002222", "13800003333", "13800004444"}
)


class PiiWatch:
    """The plugin object; ``leaks`` grows as the run goes."""

    def __init__(self, config: pytest.Config | None = None) -> None:
        self.config = config
        self.leaks: list[Leak] = []
        self.test = ""
        self.handler = _Handler(self)
        self._levels: dict[str, int] = {}
        #: Numbers a test logs on purpose (to test this watcher), not leaks.
        self.ignored: set[str] = set(SELF_TEST_NUMBERS)

    # What to check ----------------------------------------------------------------
    def ignore(self, *numbers: str) -> None:
        """Numbers a test writes on purpose (made up, to test the watching)."""
        self.ignored.update(numbers)

    def _found(self, where: str, number: str) -> None:
        if re.sub(r"\D", "", number) not in self.ignored:
            self.leaks.append(Leak(where, number, self.test))

    def check(self, where: str, text: str) -> None:
        for number in find_numbers(text):
            self._found(where, number)

    def check_url(self, url: str) -> None:
        for number in find_numbers_in_url(url):
            self._found(f"URL {url.split('?')[0]}?…", number)

    def _request_started(self, _sender: object, **_extra: object) -> None:
        self.attach()
        self.check_url(flask.request.full_path)

    def attach(self) -> None:
        """(Again) put the handler on the root logger.

        Running migrations in-process (the test apps, the live server) applies
        alembic.ini's logging configuration, which replaces the root's handlers.
        """
        root = logging.getLogger()
        if self.handler not in root.handlers:
            root.addHandler(self.handler)

    def start(self) -> None:
        self.attach()
        # Ours down to DEBUG; werkzeug's access log at INFO, as werkzeug sets it
        # itself on its first line (before that the root's WARNING would drop it).
        for name, level in (("hub", logging.DEBUG), ("werkzeug", logging.INFO)):
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            if logger.level == logging.NOTSET or logger.level > level:
                logger.setLevel(level)
        flask.request_started.connect(self._request_started)

    def stop(self) -> None:
        logging.getLogger().removeHandler(self.handler)
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
        self._levels.clear()
        flask.request_started.disconnect(self._request_started)

    def check_log_files(self, root: Path) -> None:
        for path in sorted(root.rglob("*.log")):
            text = path.read_text(encoding="utf-8", errors="replace")
            self.check(f"file {path.name}", text)

    # pytest hooks ------------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.start()

    def pytest_runtest_logstart(self, nodeid: str, location: object) -> None:
        self.test = nodeid
        self.attach()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item: pytest.Item) -> None:
        self.attach()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        self.attach()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for title, content in report.sections:
            if any(kind in title for kind in ("stdout", "stderr", "log")):
                self.check(title.lower(), content)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.stop()
        self.test = ""
        factory = getattr(session.config, "_tmp_path_factory", None)
        if factory is not None:
            with contextlib.suppress(OSError):
                self.check_log_files(factory.getbasetemp())
        if self.leaks and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: object) -> None:
        """After the run: where numbers were found (masked here too)."""
        if not self.leaks:
            return
        unique = list(dict.fromkeys(str(leak) for leak in self.leaks))
        terminalreporter.write_sep("=", "phone numbers in logs or URLs", red=True)
        for line in unique[:50]:
            terminalreporter.write_line(line)
        if len(unique) > 50:
            terminalreporter.write_line(f"… and {len(unique) - 50} more")
