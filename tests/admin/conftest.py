"""Fixtures of the admin area: users of every role and the built-in pages."""
import pytest

from app.extensions import db
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff


@pytest.fixture
def pages(ctx):
    """The built-in information pages with their default published text."""
    from workflows.pages.service import seed_system_pages

    seed_system_pages()
    db.session.commit()


@pytest.fixture
def org_admin(ctx):
    return make_staff(ORG_ADMIN)


@pytest.fixture
def staff(ctx):
    return make_staff(STAFF)


@pytest.fixture
def consumer(ctx):
    return make_consumer()


@pytest.fixture
def users(ctx):
    """One user per role, keyed by role name (None = anonymous)."""
    return {
        ORG_ADMIN: make_staff(ORG_ADMIN),
        ADMIN: make_staff(ADMIN),
        STAFF: make_staff(STAFF),
        CONSUMER: make_consumer(),
        None: None,
    }
