"""Jobs run inside an application context: the request's in-process, a worker's own in rq."""
import functools

from flask import has_app_context

_worker_app = None


def worker_app():
    global _worker_app
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app


def with_app_context(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return func(*args, **kwargs)
        with worker_app().app_context():
            return func(*args, **kwargs)

    return wrapper
