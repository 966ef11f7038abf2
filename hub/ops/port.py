"""``python -m hub.ops.port PORT``: `make run` checks its port is free before it
migrates and seeds, so a busy port is one line, not a traceback after a minute."""

from __future__ import annotations

import socket
import sys

HOST = "127.0.0.1"


def port_in_use(port: int, host: str = HOST) -> bool:
    """Whether something already listens on ``host:port`` (bound as the server
    would bind it: address reuse on, so a closed connection's TIME_WAIT is no bar)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def busy_message(port: int) -> str:
    """The one line `make run` prints when its port is taken."""
    return f"Port {port} is in use: set HUB_PORT (or make run PORT={port + 1})"


def main(argv: list[str] | None = None) -> int:
    """Exit 0 if the port is free; otherwise print one line and exit 1."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit() or not 0 < int(args[0]) < 65536:
        print("usage: python -m hub.ops.port PORT (1-65535)", file=sys.stderr)
        return 2
    port = int(args[0])
    if port_in_use(port):
        print(busy_message(port), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
