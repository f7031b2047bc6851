"""What a job runs in: an application context (the request's when it runs in-process, a worker's
own under rq) and one transaction, like a request (app.core.transactions.unit_of_work).

The worker builds its application from FACTORY, named the way app.py, `flask --app` and
gunicorn name it: a low module that imported the factory would import every area with it.
"""
import functools
import importlib

from flask import has_app_context

from app.core.transactions import unit_of_work

#: the application factory, "module:function"
FACTORY = "app:create_app"

_worker_app = None


def worker_app():
    """The application of this worker process, built once."""
    global _worker_app
    if _worker_app is None:
        module_name, _, function = FACTORY.partition(":")
        _worker_app = getattr(importlib.import_module(module_name), function)()
    return _worker_app


def job(func):
    """Run `func` as a job: inside an application context and one transaction (committed once
    when it returns, rolled back on any exception)."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        if has_app_context():
            return _in_transaction(func, args, kwargs)
        with worker_app().app_context():
            return _in_transaction(func, args, kwargs)

    return run


def _in_transaction(func, args, kwargs):
    with unit_of_work():
        return func(*args, **kwargs)
