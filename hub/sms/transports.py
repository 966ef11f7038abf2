"""Ways an SMS leaves the app: the console for development, providers in production.

A transport receives the template's name and its parameters already in words; the
provider adapters look up the template id and sign name in the config. ``to`` is
the full number: a transport never logs it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from werkzeug.utils import import_string

from hub.phones import mask_mobile
from hub.sms.templates import render


@dataclass(frozen=True)
class SmsMessage:
    """One SMS for a transport: a template and its parameters, never free text."""

    to: str
    template: str
    params: Mapping[str, str] = field(default_factory=dict)
    #: The outbox dedup key: a provider must not send twice for one key.
    idempotency_key: str = ""


class Transport(Protocol):
    """Sends a message or raises; a repeated idempotency key must not send again."""

    def send(self, message: SmsMessage) -> None: ...


class TransportError(RuntimeError):
    """The provider refused or failed a message (retried by the outbox)."""


class ConsoleTransport:
    """Development and the demo: print the text (codes included), number masked."""

    def __init__(
        self, config: Mapping[str, Any] | None = None, stream: TextIO | None = None
    ) -> None:
        self.stream = stream
        self.locale = (config or {}).get("SMS_LOCALE") or "zh_CN"

    def send(self, message: SmsMessage) -> None:
        """Print ``[sms] to 138****5678: text``."""
        stream = self.stream or sys.stdout
        text = render(message.template, message.params, self.locale)
        print(f"[sms] to {mask_mobile(message.to)}: {text}", file=stream, flush=True)


#: Short names for HUB_SMS_PROVIDER; anything else is a dotted path to a factory.
PROVIDERS: dict[str, str] = {
    "console": "hub.sms.transports:ConsoleTransport",
    "aliyun": "hub.sms.providers:AliyunTransport",
    "tencent": "hub.sms.providers:TencentTransport",
}


def transport_from_config(config: Mapping[str, Any]) -> Transport:
    """The transport HUB_SMS_PROVIDER names: console, aliyun, tencent or a path.

    A factory is called with the app's config and returns a Transport.
    """
    name = config.get("SMS_PROVIDER") or "console"
    return import_string(PROVIDERS.get(name, name))(config)


def template_ids(config: Mapping[str, Any]) -> dict[str, str]:
    """``HUB_SMS_TEMPLATES`` (``name=id,name=id``) as a mapping."""
    raw = config.get("SMS_TEMPLATES") or ""
    if isinstance(raw, Mapping):
        return dict(raw)
    pairs = (item.partition("=") for item in raw.split(",") if item.strip())
    return {name.strip(): value.strip() for name, _, value in pairs}
