"""Errors to Sentry when HUB_SENTRY_DSN is set, with nothing personal in them.

``send_default_pii`` stays at its default (off: no cookies, user or address),
bodies are never sent, and :func:`scrub_event` masks every string left in the event
(mobile numbers, codes, the secret part of links) and drops headers and query
strings, which may carry any of them.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from hub.ops.logs import scrub

#: Request parts an event keeps (headers, cookies, body and query string are dropped).
_REQUEST_KEPT = {"url", "method"}


def _scrub(value: Any) -> Any:  # noqa: ANN401 - any JSON value
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's before_send: the event without personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {k: v for k, v in request.items() if k in _REQUEST_KEPT}
    event.pop("user", None)
    return _scrub(event)


def init_sentry(app: Flask, **options: Any) -> bool:  # noqa: ANN401 - sentry_sdk.init's
    """Start the Sentry client when HUB_SENTRY_DSN is set; whether it started.

    ``options`` go to ``sentry_sdk.init`` (tests pass a local ``transport``).
    """
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=app.config["ENV"],
        integrations=[FlaskIntegration()],
        # send_default_pii stays at its default, off (no cookies, user, address).
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        traces_sample_rate=0,
        **options,
    )
    return True
