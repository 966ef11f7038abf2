"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

import gc

from hub import create_app

app = create_app()
# What the app built at start-up lives as long as the worker: keep it out of the
# cyclic garbage collector's full passes, which otherwise walk every one of those
# objects again now and then in the middle of a request (the slowest 1 %).
gc.freeze()
