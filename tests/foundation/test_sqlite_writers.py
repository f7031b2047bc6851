"""SQLite under concurrent writers (issue 10, point 9): WAL and a busy timeout, no 500."""
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app.extensions import db
from tests.factories import make_consumer

WRITERS = 20
#: each writing request keeps SQLite's write lock this long, as on a slow disk or a busy
#: machine: twenty of them queue for ~10 s, beyond sqlite3's default wait of 5 s
LOCK_HELD_SECONDS = 0.5


@pytest.fixture
def sqlite_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SKIPPED LOUDLY: twenty concurrent writers on one SQLite file (WAL, busy timeout) is a "
                    "SQLite matter; this run's database is PostgreSQL, which locks rows, not the file")


@pytest.fixture
def unlimited():
    """Twenty requests from one address: per-IP limits are not what this test is about."""
    from app.extensions import limiter

    limiter.enabled = False
    yield
    limiter.enabled = True


@pytest.fixture
def slow_writes():
    def hold_the_lock(session, flush_context):  # after a request's first flush: the lock is held
        if not session.info.get("held"):
            session.info["held"] = True
            time.sleep(LOCK_HELD_SECONDS)

    event.listen(Session, "after_flush", hold_the_lock)
    yield
    event.remove(Session, "after_flush", hold_the_lock)


def post(url, form):
    """The HTTP status of a form POST (redirects not followed), or what went wrong."""
    opener = urllib.request.build_opener(NoRedirect())
    try:
        with opener.open(url, data=urllib.parse.urlencode(form).encode(), timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return repr(error)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_sqlite_runs_in_wal_mode_with_a_long_busy_timeout(sqlite_only, ctx):
    assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
    assert db.session.scalar(text("PRAGMA busy_timeout")) >= 30_000


def test_twenty_writers_at_once_get_no_500(sqlite_only, unlimited, ctx, live_server, slow_writes):
    emails = [make_consumer(commit=False).email for _ in range(WRITERS)]
    db.session.commit()
    start = threading.Barrier(WRITERS)
    statuses = []

    def fail_to_sign_in(email):  # a failed sign-in writes: the attempt counter and the audit log
        start.wait()
        statuses.append(post(f"{live_server}/login/", {"username": email, "password": "Wrong-123!"}))

    threads = [threading.Thread(target=fail_to_sign_in, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = [status for status in statuses if status != 200]
    assert not failed, f"{len(failed)} of {WRITERS} writers failed: {failed}"
