"""«Мои документы» × {owner, another consumer, anonymous, staff}: the list, «Загрузить документ»
and every «Скачать документ» route the list links to (each the route of its own kind, with its own
access check): the owner gets each document, another consumer none (404), the anonymous the sign-in
page, staff the application-side documents they work with but no consumer page and no receipt."""
import pytest

from tests.documents import mine_world as w

OUTSIDE = (302, 403, 404)


@pytest.fixture
def world(reference_data, ctx):
    return w.with_every_kind(w.people())


def _downloads(client, login, world) -> dict[str, str]:
    login(world.owner)
    rows = w.rows_of(client.get("/my/documents/").get_data(as_text=True))
    return {row["kind"] + ":" + row["title"]: row["download"] for row in rows}


def _status(client, url) -> int:
    response = client.get(url)
    if response.status_code == 302:
        assert "/login" in response.location, (url, response.location)
    return response.status_code


def test_every_route_by_role(app, client, login, world):
    downloads = _downloads(client, login, world)
    assert len(downloads) == 9
    pages = ["/my/documents/", "/my/documents/upload"]
    for url in pages + list(downloads.values()):
        assert _status(client, url) == 200, ("owner", url)
    login(world.other)
    for url in pages:
        assert _status(client, url) == 200, ("other", url)
    for url in downloads.values():
        assert _status(client, url) == 404, ("other", url)
    anonymous = app.test_client()
    for url in pages + list(downloads.values()):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.location, ("anonymous", url)
    login(world.staff)
    for url in pages:
        assert _status(client, url) in OUTSIDE, ("staff", url)
    for key, url in downloads.items():
        expected = OUTSIDE if key.startswith("receipt:") else (200,)
        assert _status(client, url) in expected, ("staff", key, url)
