"""Phone weight: hashed static files, precompressed, cached a year; pages compressed.

DESIGN §5: the first load of the volunteer home transfers at most 60 KB compressed
(HTML, CSS and JS; no web fonts).
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import brotli
import pytest

from hub.web.assets import CACHE_CONTROL, build_assets, hashed_name
from tests import factories
from tests.web.matching.test_for_you import _volunteer_near_a_shift

BUDGET = 60 * 1024
HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.(css|js)$")


class _Assets(HTMLParser):
    """The stylesheets, scripts, icons and fonts a page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        elif (
            tag == "link"
            and found.get("href")
            and not found["href"].startswith("data:")
        ):
            self.urls.append(found["href"] or "")


def _referenced(page: str) -> list[str]:
    parser = _Assets()
    parser.feed(page)
    return parser.urls


def _decode(body: bytes, encoding: str | None) -> bytes:
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


@pytest.mark.parametrize("accept", ["br, gzip", "gzip"])
def test_first_load_of_volunteer_home_fits_60_kb(client, login, accept) -> None:
    _shift, user = _volunteer_near_a_shift("zh_CN")
    login(user)
    home = client.get("/", headers={"Accept-Encoding": accept})
    assert home.status_code == 200
    assert home.headers["Content-Encoding"] == accept.split(",")[0]
    page = _decode(home.data, home.headers["Content-Encoding"]).decode()
    assert 'id="for-you"' in page
    urls = _referenced(page)
    assert any(url.endswith(".css") for url in urls)
    assert any(url.endswith(".js") for url in urls)
    total = len(home.data)
    for url in urls:
        response = _fetch(client, url, accept)
        assert response.status_code == 200, url
        assert not response.mimetype.startswith("font/"), url
        total += len(response.data)
    print(f"volunteer home first load ({accept}): {total} bytes")
    assert total <= BUDGET, f"{total} bytes"


def test_pages_reference_only_hashed_static_urls(client, login) -> None:
    login(factories.volunteer())
    for path in ("/", "/privacy", "/find", "/my/shifts", "/my/hours"):
        page = client.get(path).get_data(as_text=True)
        urls = [u for u in _referenced(page) if u.startswith("/static/")]
        assert urls, path
        assert all(HASHED.match(url) for url in urls), urls


def test_hashed_file_is_cached_for_a_year(app, client) -> None:
    url = _stylesheet(client)
    response = _fetch(client, url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    assert "max-age=31536000" in CACHE_CONTROL
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    original = Path(app.static_folder, "css", "hub.css").read_bytes()
    assert response.data == original


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("br, gzip, deflate", "br"), ("gzip, deflate", "gzip"), ("identity", None)],
)
def test_static_encoding_follows_accept_encoding(client, accept, encoding) -> None:
    url = _stylesheet(client)
    plain = _fetch(client, url, "identity").data
    response = _fetch(client, url, accept)
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert _decode(response.data, encoding) == plain
    if encoding:
        assert len(response.data) < len(plain) / 2


def test_unknown_hash_is_not_found(client) -> None:
    assert _fetch(client, "/static/css/hub.000000000000.css").status_code == 404


@pytest.mark.parametrize(
    ("accept", "encoding"), [("gzip, br", "br"), ("gzip", "gzip"), ("", None)]
)
def test_html_is_compressed_when_the_browser_accepts(client, accept, encoding) -> None:
    response = client.get("/login", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "HX-Request" in response.headers["Vary"]
    assert "<form" in _decode(response.data, encoding).decode()


def test_csp_still_allows_only_own_scripts(client) -> None:
    response = client.get("/login", headers={"Accept-Encoding": "br"})
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = brotli.decompress(response.data).decode()
    assert all(u.startswith("/static/") for u in _referenced(page))
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_hashed_name_changes_with_content() -> None:
    one = hashed_name("css/hub.css", b"a{}")
    assert one != hashed_name("css/hub.css", b"b{}")
    assert one.startswith("css/hub.") and one.endswith(".css")
    assert hashed_name("vendor/htmx-2.0.8.min.js", b"x").startswith(
        "vendor/htmx-2.0.8.min."
    )


def test_build_writes_compressed_twins_and_prunes_old_copies(tmp_path) -> None:
    source, target = tmp_path / "static", tmp_path / "out"
    (source / "css").mkdir(parents=True)
    (source / "css" / "a.css").write_text("body{color:#111}\n" * 200)
    (source / "tiny.txt").write_text("x")
    manifest = build_assets(source, target)
    out = target / manifest["css/a.css"]
    assert out.read_text() == "body{color:#111}\n" * 200
    assert brotli.decompress(Path(f"{out}.br").read_bytes()) == out.read_bytes()
    assert gzip.decompress(Path(f"{out}.gz").read_bytes()) == out.read_bytes()
    # Too small to gain from compression: kept plain only.
    assert not Path(f"{target / manifest['tiny.txt']}.br").exists()
    (source / "css" / "a.css").write_text("body{color:#222}\n" * 200)
    newer = build_assets(source, target, prune=True)
    assert newer["css/a.css"] != manifest["css/a.css"]
    assert not out.exists()
    assert not Path(f"{out}.br").exists()
    assert (target / newer["css/a.css"]).exists()


def _fetch(client, url: str, accept: str = ""):  # noqa: ANN001, ANN202
    """GET a static file, read whole and closed (WhiteNoise hands out open files)."""
    return client.get(url, headers={"Accept-Encoding": accept}, buffered=True)


def _stylesheet(client) -> str:  # noqa: ANN001
    page = client.get("/login").get_data(as_text=True)
    return next(u for u in _referenced(page) if u.endswith(".css"))
