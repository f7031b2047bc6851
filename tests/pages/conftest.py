"""Fixtures of the pages area: the built-in pages and the users of the admin area's tests."""
from tests.admin.conftest import consumer, org_admin, pages, staff, users  # noqa: F401 (fixtures)

