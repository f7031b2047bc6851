"""The public header is rendered once per menu, language, current entry and organization
(app/core/templating.py public_header): what belongs to one user or one request is still
filled in on every page, escaped, and a changed setting shows at once."""
import re

from app.core.settings import set_setting
from app.extensions import db
from tests.factories import make_consumer


def identity(html: str) -> str:
    return re.search(r'<div class="container kb-user" data-test="identity">(.*?)</div>', html, re.S).group(1)


def header_token(html: str) -> str:
    form = re.search(r'<form class="kb-signout".*?</form>', html, re.S).group(0)
    return re.search(r'name="csrf_token" value="([^"]*)"', form).group(1)


def test_two_consumers_of_one_role_each_see_their_own_name_and_token(app, ctx, login):
    first, second = make_consumer(last_name="Первая"), make_consumer(last_name='<b>"Вторая"</b>')
    browsers = [app.test_client(), app.test_client()]
    pages = []
    for browser, user in zip(browsers, (first, second)):
        with browser.session_transaction() as session:
            session["_user_id"] = user.get_id()
        pages.append(browser.get("/my/notifications/").text)
    assert first.consumer.display_name in identity(pages[0]) and "Вторая" not in identity(pages[0])
    assert "&lt;b&gt;&#34;Вторая&#34;&lt;/b&gt;" in identity(pages[1]) and "<b>" not in identity(pages[1])
    assert second.consumer.header_line in identity(pages[1])
    tokens = [header_token(page) for page in pages]
    assert all(len(token) > 20 and "\x1e" not in token for token in tokens) and tokens[0] != tokens[1]
    assert "\x1e" not in pages[0] + pages[1]


def test_a_changed_organization_name_shows_on_the_next_page(client, ctx, login):
    login(make_consumer())
    assert "АО «Электросети»" in client.get("/my/notifications/").text
    set_setting("org_short_name", "ПАО «Новое имя»")
    db.session.commit()
    header = client.get("/my/notifications/").text.split("</header>", 1)[0]
    assert "ПАО «Новое имя»" in header


def test_each_page_marks_its_own_menu_entry(client, ctx, login):
    login(make_consumer())
    for url in ("/my/notifications/", "/my/applications/", "/my/notifications/"):
        html = client.get(url).text
        assert re.findall(r'<a href="([^"]+)" aria-current="page"', html) == [url]
