"""Ways a message leaves the app; production plugs in its SMS gateway here."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from werkzeug.utils import import_string

from hub.phones import mask_mobile


@dataclass(frozen=True)
class OutgoingMessage:
    """One message for a transport; ``to`` is the full number, never to be logged."""

    channel: str
    to: str
    text: str
    #: The outbox dedup key: a gateway must not send twice for one key.
    idempotency_key: str


class Transport(Protocol):
    """Sends a message or raises; a repeated idempotency key must not send again."""

    def send(self, message: OutgoingMessage) -> None: ...


class ConsoleTransport:
    """Development: print the message, with the number masked."""

    def __init__(
        self, config: Mapping[str, Any] | None = None, stream: TextIO | None = None
    ) -> None:
        self.stream = stream

    def send(self, message: OutgoingMessage) -> None:
        """Print ``[outbox] to 138****5678: text``."""
        stream = self.stream or sys.stdout
        print(f"[outbox] to {mask_mobile(message.to)}: {message.text}", file=stream)


#: Short names for OUTBOX_TRANSPORT; anything else is a dotted path to a factory.
TRANSPORTS: dict[str, Any] = {"console": ConsoleTransport}


def transport_from_config(config: Mapping[str, Any]) -> Transport:
    """The transport OUTBOX_TRANSPORT names: "console" or "package.module:Factory".

    A factory is called with the app's config and returns a Transport.
    """
    name = config.get("OUTBOX_TRANSPORT") or "console"
    factory = TRANSPORTS.get(name) or import_string(name)
    return factory(config)
