"""Test harness: one app per session, a clean database per test, role-based logins.

The database is SQLite by default; set KABINET_TEST_DATABASE_URL (the Makefile does,
for PostgreSQL) to run the same suite there. Rows are deleted after every test rather
than rolled back, because browser and rq-worker tests read the database from other
threads and processes.
"""
import contextvars
import os
import socket
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

os.environ.setdefault("KABINET_INSTANCE_DIR", str(Path(__file__).resolve().parent.parent / "instance" / "test"))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.core.notifications.transports import memory_outbox  # noqa: E402

#: FAB's permission tables are filled once per session by sync_roles and kept
KEPT_TABLES = {"ab_permission", "ab_view_menu", "ab_permission_view", "ab_role", "ab_permission_view_role"}


def _schema(app):
    from flask_appbuilder import Model

    with app.app_context():
        Model.metadata.drop_all(db.engine)
        Model.metadata.create_all(db.engine)
        from app.security.roles import sync_roles

        sync_roles(app.appbuilder)
        db.session.commit()


def _compile_translations():
    """The .mo files are build products (not committed); tests build them like `make install`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (Path(__file__).resolve().parent.parent / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        # written aside and renamed: the SQLite and PostgreSQL runs start side by side
        partial = mo_path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=True)
        partial.replace(mo_path)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    _compile_translations()
    os.environ.setdefault("KABINET_TEST_DATABASE_URL", f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}")
    upload_dir = tmp_path_factory.mktemp("uploads")
    application = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=os.environ["KABINET_TEST_DATABASE_URL"],
        UPLOAD_DIR=str(upload_dir),
        OUTBOX_DIR=str(tmp_path_factory.mktemp("outbox")),
    )
    _schema(application)
    return application


def _clean(app):
    with app.app_context():
        db.session.remove()
        from flask_appbuilder import Model

        tables = [t for t in reversed(Model.metadata.sorted_tables) if t.name not in KEPT_TABLES]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                _empty_postgresql(conn, tables)
            else:
                for table in tables:
                    conn.execute(table.delete())


def _empty_postgresql(conn, tables):
    """Empty the tables a test wrote to and restart their ids. TRUNCATE of every table cost ~60 ms
    a test (a minute of the run); one probe, DELETE of the few tables with rows (foreign keys set
    aside for the transaction: pages and their versions point at each other) and setval cost ~6."""
    probe = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
    used = {name for (name,) in conn.execute(text(probe))}
    if not used:
        return
    dirty = [t for t in tables if t.name in used]
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica; "
                         + "; ".join(f'DELETE FROM "{t.name}"' for t in dirty))
    for table in dirty:
        for column in table.primary_key.columns:
            if column.autoincrement is not False and column.type.python_type is int:
                conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, :c), 1, false)"),
                             {"t": f'"{table.name}"', "c": column.name})


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    from app.core.jobs.queue import _ready_jobs

    memory_outbox.clear()
    _ready_jobs().clear()  # committed-but-undispatched jobs of an earlier test
    yield
    _ready_jobs().clear()
    app.extensions.pop("kabinet.minute_cache", None)  # the menu's answers kept a minute (app/core/minute_cache.py)
    _clean(app)


@pytest.fixture
def ctx(app):
    """An application context for calling services directly."""
    with app.app_context():
        yield
        db.session.remove()


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh contextvars context, so it gets its own app context
    (and `g`, and database session) even while the test holds one — as in production.
    The test's own session does not see a request's writes until it expires its objects:
    call db.session.expire_all() (or use `fresh`) before reading them back."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)

    def session_transaction(self, *args, **kwargs):
        return _IsolatedSessionTransaction(super().session_transaction, args, kwargs)


class _IsolatedSessionTransaction:
    def __init__(self, factory, args, kwargs):
        self._context = contextvars.Context()
        self._manager = self._context.run(factory, *args, **kwargs)

    def __enter__(self):
        return self._context.run(self._manager.__enter__)

    def __exit__(self, *exc):
        return self._context.run(self._manager.__exit__, *exc)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def fresh():
    """fresh(obj) re-reads obj from the database after requests changed it."""

    def _fresh(obj):
        db.session.expire_all()
        return db.session.get(type(obj), obj.id)

    return _fresh


@pytest.fixture
def login(client):
    """login(user) puts `user` in the test client's session (no form involved)."""

    def _login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return _login


@pytest.fixture
def reference_data(ctx):
    from tests.reference_rows import seed_reference_rows

    seed_reference_rows(KEPT_TABLES)


@pytest.fixture
def sent():
    """What the memory mail/SMS backends delivered during the test."""
    return memory_outbox


# ---- services that may be absent: skip loudly ------------------------------------

def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("KABINET_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    if not _reachable("127.0.0.1", 6379):
        pytest.skip(f"SKIPPED LOUDLY: Redis is not reachable at {url}; rq worker tests did not run")
    return url


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over HTTP in a thread, for browser tests."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"SKIPPED LOUDLY: {CHROMIUM} is missing; browser tests did not run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU")
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()
