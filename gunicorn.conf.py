"""gunicorn's production settings: ``gunicorn -c gunicorn.conf.py wsgi:app``.

The same settings ``make bench`` measures (docs/benchmarks.md). Pages are CPU-bound
Python (templates, the ORM), so plain processes, two per core and one more; the
reverse proxy in front buffers slow phones, so a process is never held by one.
HUB_BIND and HUB_WORKERS override the address and the number of processes.
"""

import multiprocessing
import os

bind = os.environ.get("HUB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HUB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
backlog = 2048
timeout = 30
