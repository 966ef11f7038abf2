"""Structured logs: one JSON object a line, the request's id, nothing personal.

Every request gets an id: nginx's ``X-Request-ID`` when it sent a sound one, else a
new one. It is on every line logged while the request runs and goes back in the
answer's ``X-Request-ID``, so a person's complaint, nginx's access log and the
app's lines meet. ``hub.access`` logs one line per request (method, route, masked
path, status, milliseconds, client address).

Nothing personal is written: :func:`scrub` masks mobile numbers, verification
codes and the secret part of links that carry one (a calendar feed, a check-in,
an activation, a certificate check). The nginx site masks the same paths
(deploy/nginx/hub.conf, ``map $uri $hub_log_uri``).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

from hub.phones import mask_mobiles

REQUEST_ID_HEADER = "X-Request-ID"
#: What an incoming request id may look like (nginx's $request_id: 32 hex digits).
_SOUND_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
#: Links whose next part is a secret: /calendar/<token>.ics, /c/<token>,
#: /activate/<token>, /verify/<code> (nginx's access log masks the same ones).
SECRET_LINK_PREFIXES = ("calendar", "c", "activate", "verify")
_SECRET_PATH = re.compile(
    rf"(/(?:{'|'.join(SECRET_LINK_PREFIXES)})/)[^/\s?#\"']+?(\.ics)?(?=[/\s?#\"']|$)"
)
#: A code next to the word for it (验证码123456, code=123456, "code": "123456").
_CODE = re.compile(
    r"(验证码|code[\"']?\s*[=:]?\s*[\"']?)(\d{4,8})(?!\d)", re.IGNORECASE
)
MASK = "***"
#: Attributes of a LogRecord that are not extra fields.
_RECORD_FIELDS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_access = logging.getLogger("hub.access")


def mask_path(path: str) -> str:
    """``path`` with a link's secret part replaced: /calendar/***.ics."""
    return _SECRET_PATH.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2) or ''}", path)


def scrub(text: str) -> str:
    """``text`` without full mobile numbers, codes or secrets in links."""
    text = mask_mobiles(text)
    text = _CODE.sub(lambda m: m.group(1) + MASK, text)
    return mask_path(text)


def request_id() -> str | None:
    """This request's id (None outside a request)."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = (
            incoming if _SOUND_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        )
    return g.request_id


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        rid = getattr(record, "request_id", None) or request_id()
        if rid:
            entry["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and key not in entry:
                entry[key] = scrub(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = scrub(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def _json_handler_installed() -> bool:
    return any(
        isinstance(h.formatter, JsonFormatter) for h in logging.getLogger().handlers
    )


def configure_json_logging() -> None:
    """JSON lines on stderr for the whole process, once (gunicorn.conf.py may have
    done it already through its logconfig_dict)."""
    if _json_handler_installed():
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    rid = request_id()
    if rid:
        response.headers[REQUEST_ID_HEADER] = rid
    if _access.isEnabledFor(logging.INFO):
        started = g.get("request_started")
        elapsed = (time.perf_counter() - started) * 1000 if started else None
        rule = request.url_rule.rule if request.url_rule is not None else None
        _access.info(
            "%s %s %s",
            request.method,
            mask_path(request.path),
            response.status_code,
            extra={
                "method": request.method,
                "path": mask_path(request.path),
                "route": rule,
                "status": response.status_code,
                "duration_ms": None if elapsed is None else round(elapsed, 1),
                "remote_addr": request.remote_addr,
            },
        )
    return response


def init_logging(app: Flask) -> None:
    """Request ids on every request; JSON lines when HUB_LOG_FORMAT=json."""
    if app.config["LOG_FORMAT"] not in ("text", "json"):
        from hub.config import ConfigurationError

        raise ConfigurationError(
            f"HUB_LOG_FORMAT must be text or json, not {app.config['LOG_FORMAT']!r}"
        )
    if app.config["LOG_FORMAT"] == "json":
        configure_json_logging()
        logging.getLogger("hub").setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_finish)
