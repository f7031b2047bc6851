"""Fixtures of the admin area: users of every role and the built-in pages."""
import pytest

from app.extensions import db
from tests.factories import make_consumer, make_staff


@pytest.fixture
def pages(ctx):
    """The built-in information pages with their default published text."""
    from workflows.pages.service import seed_system_pages

    seed_system_pages()
    db.session.commit()


@pytest.fixture
def org_admin(ctx):
    return make_staff("OrgAdmin")


@pytest.fixture
def staff(ctx):
    return make_staff("Staff")


@pytest.fixture
def consumer(ctx):
    return make_consumer()


@pytest.fixture
def users(ctx):
    """One user per role, keyed by role name (None = anonymous)."""
    return {
        "OrgAdmin": make_staff("OrgAdmin"),
        "Admin": make_staff("Admin"),
        "Staff": make_staff("Staff"),
        "Consumer": make_consumer(),
        None: None,
    }
