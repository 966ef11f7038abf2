"""Real-browser fixtures: the app on localhost, Debian's Chromium as a phone.

Every page a journey shows is checked (``check(page)``): no console or page error
(CSP violations included), no sideways scrolling at 390 px, no serious or critical
axe-core violation, and a screenshot in test-artifacts/e2e/ for people to look at.
A page that navigates without being checked fails the test at teardown.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Frame,
    Page,
    Playwright,
    Response,
    Route,
)
from playwright.sync_api import (
    Error as PlaywrightError,
)
from werkzeug.serving import make_server

from hub import create_app
from hub.auth import services
from hub.extensions import db
from hub.models.base import utcnow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A mid-size phone held upright, in a Chinese-language browser.
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
#: Page shapes axe has already checked in this test process (see page_shape).
AXED: set[tuple[str, bool, str]] = set()
_TAG = re.compile(r"<([a-z][a-z0-9-]*)\b([^>]*)>")
_SHAPING = re.compile(
    r'\b(class|role|type|aria-[a-z]+|for|tabindex|lang|alt|hidden)(?:="([^"]*)")?'
)


def page_shape(url: str, html: str, javascript: bool) -> tuple[str, bool, str]:
    """A page's route (ids as #) and the structure of its markup without its text
    or data: every element with the attributes accessibility depends on. Two pages
    of one shape get the same axe answer, so each shape is checked once."""
    path = re.sub(r"\d+", "#", url.split("?", 1)[0])
    elements = sorted(
        {
            (
                tag,
                tuple(
                    sorted(
                        (k, v if k in ("class", "role", "type") else bool(v))
                        for k, v in _SHAPING.findall(attrs)
                    )
                ),
            )
            for tag, attrs in _TAG.findall(html)
        }
    )
    digest = hashlib.sha256(repr(elements).encode()).hexdigest()
    return path, javascript, digest


BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000
FORM_422 = "Failed to load resource: the server responded with a status of 422 "
HTML = "text/html; charset=utf-8"
SECRET = "e2e-secret-key-that-is-long-enough-for-production-checks"


@dataclass(frozen=True)
class LiveServer:
    """The app served over HTTP, and the app object for setting up data."""

    url: str
    app: Flask


def e2e_app(tmp: Path) -> Flask:
    """The app on a fresh migrated SQLite file in ``tmp``."""
    app = create_app(
        {
            "TESTING": True,
            "ENV": "development",
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'e2e.sqlite3'}",
            "UPLOAD_DIR": str(tmp / "uploads"),
            "RATELIMIT_STORAGE_URI": "memory://",
            # Every journey's people come from 127.0.0.1, as if one Wi-Fi: the
            # picture challenge after a few codes is tested in tests/web.
            "SMS_CHALLENGE_AFTER": 1000,
            # A journey asks codes for one number faster than a person would.
            "SMS_NUMBER_LIMITS": "100 per minute",
        }
    )
    with app.app_context():
        upgrade()
    return app


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` with werkzeug in a thread until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, name="e2e-live-server", daemon=True
    )
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a fresh migrated SQLite file, served by werkzeug in a thread."""
    with serving(e2e_app(tmp_path_factory.mktemp("e2e"))) as server:
        yield server


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()


class Browsing:
    """One test's phones: collects errors and checks each page they show."""

    axe = Axe()

    def __init__(
        self,
        browser: Browser,
        base_url: str,
        test_name: str,
        context_options: dict[str, Any] | None = None,
    ) -> None:
        self.browser = browser
        self.base_url = base_url
        #: More browser-context options (the proxy test: its own certificate).
        self.context_options = context_options or {}
        self.test_name = test_name
        self.console: list[tuple[str, str]] = []
        self.page_errors: list[str] = []
        self.invalid_forms: set[str] = set()
        self.unchecked: list[str] = []
        self.contexts: list[BrowserContext] = []
        self.no_js: set[int] = set()
        self.shots = 0
        self._replay: BrowserContext | None = None
        for old in ARTIFACTS.glob(f"{test_name}-*.png"):
            old.unlink()

    def open(self, *, javascript: bool = True) -> Page:
        """A new phone (browser context) with one page, watched for errors."""
        context = self.browser.new_context(
            **PHONE,
            **self.context_options,
            base_url=self.base_url,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        if not javascript:
            self.no_js.add(id(page))
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.page_errors.append(f"page error: {e}"))
        page.on("response", lambda response: self._response(page, response))
        page.on("framenavigated", lambda frame: self._navigated(page, frame))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console.append((message.text, message.location.get("url", "")))

    def _response(self, page: Page, response: Response) -> None:
        request = response.request
        if (
            response.status == 422
            and request.is_navigation_request()
            and request.frame == page.main_frame
        ):
            self.invalid_forms.add(response.url)

    @property
    def errors(self) -> list[str]:
        """Console and page errors so far, except Chromium's note on a form's 422.

        The app answers an invalid form with 422 and the form again, on purpose;
        Chromium logs every 4xx document as "Failed to load resource".
        """
        return self.page_errors + [
            f"console error: {text} ({url})"
            for text, url in self.console
            if not (url in self.invalid_forms and text.startswith(FORM_422))
        ]

    def _navigated(self, page: Page, frame: Frame) -> None:
        if frame == page.main_frame and frame.url != "about:blank":
            self.unchecked.append(frame.url)

    def check(self, page: Page) -> None:
        """Check the page now shown: errors, overflow, screenshot, axe."""
        page.wait_for_load_state("load")
        assert not self.errors, f"{page.url}:\n" + "\n".join(self.errors)
        overflow = page.locator("html").evaluate("e => e.scrollWidth - e.clientWidth")
        self.screenshot(page)
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
        shape = page_shape(page.url, page.content(), id(page) not in self.no_js)
        if shape not in AXED:
            self.assert_accessible(page)
            AXED.add(shape)
        self.unchecked.clear()

    def screenshot(self, page: Page, suffix: str | None = None) -> Path:
        """Save the whole page at CSS pixels as <test>-<n>.png."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if suffix is None:
            self.shots += 1
            suffix = f"{self.shots:02d}"
        path = ARTIFACTS / f"{self.test_name}-{suffix}.png"
        page.screenshot(path=str(path), full_page=True, scale="css")
        return path

    def assert_accessible(self, page: Page) -> None:
        """Fail on serious or critical axe-core violations, naming the nodes."""
        violations = self._axe(page)["violations"]
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>\n"
            + "\n".join(f"    {node['target']}: {node['html']}" for node in v["nodes"])
            for v in blocking
        ]
        assert not blocking, f"axe on {page.url}:\n" + "\n".join(lines)

    def _axe(self, page: Page) -> dict[str, Any]:
        if id(page) not in self.no_js:
            # CDP evaluation is not subject to the page's CSP: no bypass needed.
            return self.axe.run(page).response
        # Without JavaScript page.evaluate never returns, so axe runs on the same
        # HTML served at the same URL in a context that has JavaScript.
        html, url = page.content(), page.url
        if self._replay is None:
            self._replay = self.browser.new_context(**PHONE)
            self._replay.set_default_timeout(TIMEOUT_MS)
        replay = self._replay.new_page()

        def serve(route: Route) -> None:
            route.fulfill(status=200, content_type=HTML, body=html)

        replay.route(lambda u: u == url, serve)
        replay.goto(url)
        try:
            return self.axe.run(replay).response
        finally:
            replay.close()

    def close(self, failed: bool) -> None:
        """Close every context, after a last screenshot if the test failed."""
        if failed:
            for n, context in enumerate(self.contexts, start=1):
                for page in context.pages:
                    with contextlib.suppress(PlaywrightError):
                        self.screenshot(page, suffix=f"failed-{n}")
        for context in [*self.contexts, self._replay]:
            if context is not None:
                context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report so fixtures know whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browsing(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[Browsing]:
    """This test's browsing; fails at teardown on late errors or unchecked pages."""
    session = Browsing(browser, live_server.url, request.node.name)
    try:
        yield session
    finally:
        report = getattr(request.node, "report_call", None)
        passed = report is not None and report.passed
        session.close(failed=not passed)
    if passed:
        late = "\n".join(session.errors)
        assert not late, f"errors after the last check:\n{late}"
        assert not session.unchecked, f"pages never checked: {session.unchecked}"


@pytest.fixture
def page(browsing: Browsing) -> Page:
    """A phone with JavaScript, in Chinese, at 390×844."""
    return browsing.open()


@pytest.fixture
def page_without_js(browsing: Browsing) -> Page:
    """A phone with JavaScript turned off."""
    return browsing.open(javascript=False)


@pytest.fixture
def check(browsing: Browsing) -> Callable[[Page], None]:
    """Check the page shown now; call after every navigation."""
    return browsing.check


@pytest.fixture
def create_account(live_server: LiveServer) -> Callable[..., None]:
    """Register an account directly in the database, as the register form would."""

    def create(*, name: str, mobile: str, password: str) -> None:
        with live_server.app.app_context():
            services.register_user(
                name=name,
                mobile=mobile,
                password=password,
                consent_version=services.current_consent_version(),
                verified_at=utcnow(),
            )
            db.session.commit()

    return create


@pytest.fixture
def sms_code(live_server: LiveServer) -> Callable[[str, str], str]:
    """The code the phone with ``mobile`` was just sent for ``purpose``."""
    from tests.sms import code_for

    def read(mobile: str, purpose: str) -> str:
        with live_server.app.app_context():
            return code_for(mobile, purpose)

    return read
