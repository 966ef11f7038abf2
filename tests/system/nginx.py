"""deploy/'s nginx site made runnable in a temporary folder, by an ordinary user or
root: the same file with its ports, paths and certificate swapped for the test's.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import missing

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "hub.conf"
PROXY_PARAMS = DEPLOY / "nginx" / "hub_proxy_params"
NGINX = "/usr/sbin/nginx"


def require_nginx() -> str:
    """Debian's nginx (``make browser`` installs it); fail in CI, else skip."""
    path = shutil.which("nginx") or (NGINX if os.access(NGINX, os.X_OK) else None)
    if path is None:
        message = "nginx not found: the proxy tests need Debian's nginx (make browser)"
        missing(message)
    return path


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert, private = folder / "fullchain.pem", folder / "privkey.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, private


@dataclass(frozen=True)
class Ports:
    http: int
    https: int
    apps: tuple[int, int]


def render_site(folder: Path, ports: Ports, assets: Path) -> Path:
    """deploy/nginx/hub.conf and its proxy params with the test's ports and paths;
    each replacement must have happened, so the test follows the real file."""
    throwaway_certificate(folder / "tls")
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    params = folder / "hub_proxy_params"
    shutil.copyfile(PROXY_PARAMS, params)
    replacements = [
        ("listen 80;", f"listen 127.0.0.1:{ports.http};"),
        ("listen [::]:80;\n", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports.https} ssl http2;"),
        ("listen [::]:443 ssl http2;\n", ""),
        ("127.0.0.1:8000", f"127.0.0.1:{ports.apps[0]}"),
        ("127.0.0.1:8001", f"127.0.0.1:{ports.apps[1]}"),
        ("/etc/ssl/hub/", f"{folder / 'tls'}/"),
        ("/var/log/nginx/", f"{logs}/"),
        ("/srv/hub/instance/assets/", f"{assets}/"),
        ("/srv/hub/static/", f"{ROOT / 'static'}/"),
        ("/etc/nginx/hub_proxy_params", str(params)),
        ("root /var/www/letsencrypt;", f"root {folder};"),
    ]
    text = SITE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, (
            f"{SITE} no longer has {old!r}: update tests/system/nginx.py"
        )
        text = text.replace(old, new)
    site = folder / "hub.conf"
    site.write_text(text, encoding="utf-8")
    return site


def write_main_config(folder: Path, site: Path) -> Path:
    """An nginx.conf around the site: pid, logs and temporary files in ``folder``."""
    temp = folder / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    # pytest's folders are private (0700): root's nginx workers run as root to
    # read the assets there; an ordinary user's run as that user anyway.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "logs" / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    access_log {folder / "logs" / "access.log"};
    include {site};
}}
""",
        encoding="utf-8",
    )
    return conf


def nginx_test(nginx: str, conf: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on ``conf`` (prefix: its folder)."""
    return subprocess.run(  # noqa: S603 - Debian's nginx, our own files
        [nginx, "-t", "-p", str(conf.parent), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
