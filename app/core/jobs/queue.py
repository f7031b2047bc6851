"""Enqueue after commit (STYLE 7).

Code inside a transaction calls enqueue_after_commit(); the jobs are handed to rq only
once the transaction has committed (so a worker never looks for a row that is not
there), and dropped on rollback. Without REDIS_URL they run in-process at the end of
the request. Jobs take ids, never objects.

Handing a job to rq must not hold the response: Redis gets a short timeout and, once it
failed, is left alone for REDIS_RETRY_AFTER_SECONDS. A job that could not be queued is an
outbox message still pending; `rq cron` sweeps it, and while Redis is away the requests
themselves sweep (sweep_in_process), so nothing waits for Redis to come back.
"""
import importlib
import logging
import threading
import time
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

PENDING_KEY = "kabinet_pending_jobs"
#: id of an open savepoint → how many jobs were pending when it began
SAVEPOINTS_KEY = "kabinet_pending_job_savepoints"
RETRY_INTERVALS = [10, 60, 300, 900, 3600]

_ready = threading.local()


def _job_path(func: Callable | str) -> str:
    return func if isinstance(func, str) else f"{func.__module__}.{func.__qualname__}"


def enqueue_after_commit(func: Callable | str, *args) -> None:
    """Run `func(*args)` in the background once the current transaction commits."""
    from app.extensions import db

    db.session().info.setdefault(PENDING_KEY, []).append((_job_path(func), args))


# SQLAlchemy 2 sends after_commit and after_rollback for a savepoint too: releasing one must not
# hand the jobs over before the real commit, and rolling one back drops only the jobs queued in it.

@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(SAVEPOINTS_KEY, {})[id(transaction)] = len(session.info.get(PENDING_KEY, ()))


@event.listens_for(Session, "after_commit")
def _move_to_ready(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(SAVEPOINTS_KEY, None)
    jobs = session.info.pop(PENDING_KEY, None)
    if jobs:
        _ready_jobs().extend(jobs)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    if session.in_nested_transaction():
        mark = session.info.get(SAVEPOINTS_KEY, {}).pop(id(session.get_nested_transaction()), None)
        if mark is not None:
            del session.info.get(PENDING_KEY, [])[mark:]
        return
    session.info.pop(PENDING_KEY, None)
    session.info.pop(SAVEPOINTS_KEY, None)


def _ready_jobs() -> list:
    if not hasattr(_ready, "jobs"):
        _ready.jobs = []
    return _ready.jobs


class Breaker:
    """After Redis failed, leave it alone for a while: one short timeout per outage and
    process, not one per job."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self) -> None:
        self.open_until = time.monotonic() + self.seconds


def get_queue():
    """The rq queue; None when jobs run in-process: without REDIS_URL, or while Redis is
    set aside after a failure."""
    breaker = current_app.extensions.get("kabinet_queue_breaker")
    if breaker is not None and breaker.is_open():
        return None
    return current_app.extensions.get("kabinet_queue")


def dispatch_ready() -> int:
    """Hand committed jobs to rq, or run them here; returns how many were dispatched.

    A job run here that enqueues more (its own unit_of_work dispatches after its commit)
    leaves them to this loop: one dispatcher per thread at a time."""
    if getattr(_ready, "dispatching", False):
        return 0
    _ready.dispatching = True
    try:
        return _dispatch(_ready_jobs())
    finally:
        _ready.dispatching = False


def _dispatch(jobs: list) -> int:
    dispatched = 0
    while jobs:
        path, args = jobs.pop(0)
        dispatched += 1
        if "kabinet_queue" in current_app.extensions:
            _hand_to_rq(path, args)
            continue
        try:
            run_job(path, *args)
        except Exception:  # an inline job must not break the response that triggered it
            log.exception("in-process job %s%s failed", path, args)
    return dispatched


def _hand_to_rq(path: str, args: tuple) -> None:
    """Nothing is lost when Redis is away: the outbox sweep delivers what stayed pending."""
    from redis.exceptions import RedisError
    from rq import Retry

    queue = get_queue()
    if queue is None:
        log.info("Redis set aside after a failure, %s%s left to the sweep", path, args)
        return
    try:
        queue.enqueue(path, *args, retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
                      job_timeout=_job_timeout(path))
    except RedisError as exc:
        current_app.extensions["kabinet_queue_breaker"].trip()
        log.warning("queue unavailable, %s%s left to the sweep: %s", path, args, exc)


def _job_timeout(path: str) -> int | None:
    """How long rq lets the job run: its function's `job_timeout` (seconds; a billing import of
    millions of rows needs more than rq's default 180 s), else rq's default."""
    module_name, _, func_name = path.rpartition(".")
    return getattr(getattr(importlib.import_module(module_name), func_name, None), "job_timeout", None)


def run_job(path: str, *args):
    module_name, _, func_name = path.rpartition(".")
    return getattr(importlib.import_module(module_name), func_name)(*args)


def init_queue(app: Flask, periodic_jobs=()) -> None:
    """`periodic_jobs`: (job, seconds) pairs that `rq cron` runs, and requests while Redis is away."""
    app.extensions["kabinet_periodic_jobs"] = tuple(periodic_jobs)
    if app.config.get("REDIS_URL"):
        from redis import Redis
        from rq import Queue

        from app.extensions import redis_options

        connection = Redis.from_url(app.config["REDIS_URL"], **redis_options(app))
        app.extensions["kabinet_queue"] = Queue(app.config["RQ_QUEUE"], connection=connection)
        app.extensions["kabinet_queue_breaker"] = Breaker(app.config["REDIS_RETRY_AFTER_SECONDS"])

    @app.teardown_request
    def _dispatch_after_request(exc):
        if exc is None:
            dispatch_ready()
            if get_queue() is None:  # no Redis, or Redis is down: `rq cron` cannot sweep either
                sweep_in_process(app)
        else:
            _ready_jobs().clear()


_last_sweep = {"at": 0.0}
_sweep_lock = threading.Lock()


def sweep_in_process(app: Flask) -> None:
    """Without Redis (or while it is down) there is no `rq cron`: requests take turns
    re-sending what is still pending (a failed SMTP attempt, messages written by CLI
    commands, jobs Redis refused), at most once per OUTBOX_SWEEP_SECONDS per process."""
    interval = app.config.get("OUTBOX_SWEEP_SECONDS", 60)
    if not interval or time.monotonic() - _last_sweep["at"] < interval:
        return
    if not _sweep_lock.acquire(blocking=False):
        return
    try:
        _last_sweep["at"] = time.monotonic()
        for job, _seconds in app.extensions.get("kabinet_periodic_jobs", ()):
            job()
    except Exception:
        log.exception("in-process periodic job failed")
    finally:
        _sweep_lock.release()
