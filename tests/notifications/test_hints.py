"""«Отображать подсказки»: a page with a hint shows it in a box until the user closes it (stored for
them, not for others); with the setting off no page shows one; a page without a hint shows none."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DismissedHint
from tests.factories import make_consumer

HISTORY, PROFILE, APPLICATIONS = "/my/notifications/", "/my/profile/", "/my/applications/"


@pytest.fixture
def people(ctx):
    return make_consumer(), make_consumer()


def _hint(client, url) -> str | None:
    html = client.get(url).get_data(as_text=True)
    start = html.find('data-test="hint" data-hint="')
    return None if start < 0 else html[start:].split('"')[3]


def test_hints_are_shown_on_the_consumers_pages(client, login, people):
    login(people[0])
    assert _hint(client, HISTORY) == "notifications"
    assert _hint(client, PROFILE) == "profile"
    assert _hint(client, APPLICATIONS) == "applications"
    assert _hint(client, "/personal-accounts/") == "accounts"
    assert _hint(client, "/my/notifications/settings/") is None


def test_a_closed_hint_stays_closed_for_its_user_only(client, login, people):
    login(people[0])
    response = client.post("/my/hints/notifications/dismiss", data={"back": "/my/notifications/?state=unread"})
    assert response.status_code == 302 and response.headers["Location"] == "/my/notifications/?state=unread"
    client.post("/my/hints/notifications/dismiss")  # twice: still one row
    assert db.session.scalar(select(func.count()).select_from(DismissedHint)) == 1
    assert _hint(client, HISTORY) is None and _hint(client, PROFILE) == "profile"
    login(people[1])
    assert _hint(client, HISTORY) == "notifications"


def test_the_setting_off_hides_every_hint(client, login, people):
    login(people[0])
    client.post("/my/notifications/settings/", data={})
    assert [_hint(client, url) for url in (HISTORY, PROFILE, APPLICATIONS)] == [None, None, None]
    client.post("/my/notifications/settings/", data={"show_hints": "y"})
    assert _hint(client, PROFILE) == "profile"


def test_closing_needs_a_known_hint_and_the_csrf_token(app, client, login, people):
    login(people[0])
    assert client.post("/my/hints/nonsense/dismiss").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/my/hints/notifications/dismiss").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _hint(client, HISTORY) == "notifications"
