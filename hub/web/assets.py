"""Static files under content-hashed names, precompressed, cached for a year.

``asset('css/hub.css')`` in a template gives ``/static/css/hub.<hash>.css``. The
hashed copies and their ``.gz``/``.br`` twins are written to ``ASSETS_DIR``
(default ``instance/assets``) by ``flask assets build``, or at startup for any that
are missing, and served by WhiteNoise in front of Flask: it picks the encoding from
Accept-Encoding, sends ``Vary: Accept-Encoding`` and answers without touching the
app. A changed file gets a new name, so browsers may keep every copy forever.
Un-hashed ``/static/...`` URLs still work through Flask's own static route.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, url_for
from flask_compress import Compress
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

#: One year, as the HTTP caching guidance for hashed (immutable) files advises.
CACHE_CONTROL = "public, max-age=31536000, immutable"
HASH_LENGTH = 12
_COMPRESSOR = Compressor(quiet=True)
#: Pages and fragments, compressed per response (static files come precompressed).
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
]
compress = Compress()


def hashed_name(name: str, data: bytes) -> str:
    """``css/hub.css`` + content → ``css/hub.<sha256 prefix>.css``."""
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot and "/" not in ext else f"{name}.{digest}"


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file, so a concurrent reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _variants(name: str, data: bytes) -> dict[str, bytes]:
    """The brotli and gzip copies worth keeping (≥ 5 % smaller), by suffix."""
    if not _COMPRESSOR.should_compress(name) or not data:
        return {}
    variants = {}
    for suffix, compress in ((".br", Compressor.compress_brotli), (".gz", None)):
        packed = compress(data) if compress else Compressor.compress_gzip(data)
        if len(packed) <= 0.95 * len(data):
            variants[suffix] = packed
    return variants


def build_assets(source: Path, target: Path, *, prune: bool = False) -> dict[str, str]:
    """Write hashed, precompressed copies of every file in ``source``; the manifest.

    Files already there are kept (their names say their content), so several
    processes starting at once agree; ``prune`` removes copies no longer current.
    """
    manifest: dict[str, str] = {}
    keep: set[Path] = set()
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        data = path.read_bytes()
        manifest[name] = hashed_name(name, data)
        out = target / manifest[name]
        variants = _variants(name, data)
        keep.update([out, *(Path(f"{out}{suffix}") for suffix in variants)])
        # Twins first, the file last: its presence means the set is complete.
        for suffix, packed in variants.items():
            if not Path(f"{out}{suffix}").exists():
                _write_atomic(Path(f"{out}{suffix}"), packed)
        if not out.exists():
            _write_atomic(out, data)
    if prune and target.exists():
        for old in target.rglob("*"):
            if old.is_file() and old not in keep:
                old.unlink()
    return manifest


def asset(name: str) -> str:
    """The URL of a static file under its hashed name (un-hashed if unknown)."""
    manifest: dict[str, str] = current_app.extensions["hub_assets"]
    if current_app.debug:
        # While developing, an edited file gets its new name without a restart.
        manifest.update(
            build_assets(Path(current_app.static_folder or "static"), _target())
        )
    return url_for("static", filename=manifest.get(name, name))


def _target() -> Path:
    return assets_dir(current_app)


def _headers(headers: Any, _path: str, _url: str) -> None:
    """Hashed files never change; they get the app's nosniff header too."""
    headers["Cache-Control"] = CACHE_CONTROL
    headers["X-Content-Type-Options"] = "nosniff"


def assets_dir(app: Flask) -> Path:
    """Where the hashed copies live (``ASSETS_DIR``, default ``instance/assets``)."""
    return Path(app.config.get("ASSETS_DIR") or Path(app.instance_path, "assets"))


def init_assets(app: Flask) -> None:
    """Serve hashed, precompressed static files; add ``asset()``; compress pages."""
    source, target = Path(app.static_folder or "static"), assets_dir(app)
    app.extensions["hub_assets"] = build_assets(source, target)
    prefix = (app.static_url_path or "/static").rstrip("/") + "/"
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(target),
        prefix=prefix,
        autorefresh=app.debug,
        immutable_file_test=lambda _path, _url: True,
        add_headers_function=_headers,
    )
    app.jinja_env.globals["asset"] = asset
    # Brotli or gzip for pages; streamed answers (exports) stay streamed, plain.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    compress.init_app(app)

    @app.cli.group("assets")
    def assets_group() -> None:
        """Hashed, precompressed static files."""

    @assets_group.command("build")
    def build_command() -> None:
        """Write hashed .gz/.br copies of static/ and remove outdated ones."""
        manifest = build_assets(source, target, prune=True)
        click.echo(f"{len(manifest)} static files ready in {target}")
