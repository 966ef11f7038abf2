"""gunicorn's production settings: ``gunicorn -c gunicorn.conf.py wsgi:app``.

The same settings ``make bench`` measures (docs/benchmarks.md). Pages are CPU-bound
Python (templates, the ORM), so plain processes, two per core and one more; the
reverse proxy in front buffers slow phones, so a process is never held by one.
HUB_BIND and HUB_WORKERS override the address and the number of processes.

``kill -HUP`` (``systemctl reload hub``) starts new workers with the new code and
lets the old ones finish the request in hand (``graceful_timeout``) before they go.

With PROMETHEUS_MULTIPROC_DIR set (deploy/systemd/hub.service does), each worker
writes its metrics there: the folder is emptied when gunicorn starts and an exited
worker's live gauges are dropped (hub/ops/metrics.py). With HUB_LOG_FORMAT=json
gunicorn's own lines are JSON as the app's are (hub/ops/logs.py).
"""

import multiprocessing
import os
from pathlib import Path

bind = os.environ.get("HUB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HUB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
backlog = 2048
timeout = 30
#: Seconds an old worker may take to finish its request on reload or stop.
graceful_timeout = 30

if os.environ.get("HUB_LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "hub.ops.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {
                "level": "INFO",
                "handlers": ["stderr"],
                "propagate": False,
            },
        },
    }


def on_starting(server) -> None:  # noqa: ANN001 - gunicorn's Arbiter
    """Start from an empty metrics folder: old files would count dead processes."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for old in path.glob("*.db"):
            old.unlink()


def child_exit(server, worker) -> None:  # noqa: ANN001 - gunicorn's Arbiter, Worker
    """Forget an exited worker's live gauges (database connections in use)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
