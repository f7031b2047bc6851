"""Fixtures of the foundation tests."""
from contextlib import contextmanager

import pytest


@pytest.fixture
def portal(ctx):
    """The demo portal with a page of every kind for every role (tests/foundation/portal_pages.py)."""
    from tests.foundation.portal_pages import prepare_portal_data

    prepare_portal_data()


@contextmanager
def apps_beside(app):
    """make(**config) builds another app on the test database (Redis down, behind a proxy).

    Flask-Limiter's Limiter is one object shared by every app (the views' decorators hold
    it) and init_app() gives it the new app's storage: its state is put back afterwards so
    that the session's app keeps its own counters and storage."""
    from app import create_app
    from app.extensions import limiter

    saved = dict(vars(limiter), _storage_options=dict(limiter._storage_options))  # init_app updates it in place

    def _make(**config):
        for key in ("SQLALCHEMY_DATABASE_URI", "UPLOAD_DIR", "OUTBOX_DIR"):
            config.setdefault(key, app.config[key])
        return create_app("testing", **config)

    yield _make
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture
def make_app(app):
    """make_app(**config): another app on the test database, for one test (apps_beside)."""
    with apps_beside(app) as make:
        yield make


@pytest.fixture(scope="module")
def make_module_app(app):
    """The same for a whole test module: routes may be added to it before its first request."""
    with apps_beside(app) as make:
        yield make
