"""Fixtures of the pages area: the built-in pages and the users of the admin area's tests."""
import pytest

from tests.admin.conftest import consumer, org_admin, pages, staff, users  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _forget_promotions(app):
    """The menu's answer «a promotion runs» is kept a minute per process: not into the next test."""
    yield
    app.extensions.pop("kabinet.current_promotions", None)
