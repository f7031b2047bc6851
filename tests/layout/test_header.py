"""The header over HTTP: who sees which layout, «Выход» as a POST form outside any dropdown,
the current menu entry marked, the language link named."""
import re

from tests.factories import make_consumer, make_staff


def logout_form(html: str) -> str:
    form = re.search(r'<form[^>]*action="/logout/"[^>]*>.*?</form>', html, re.S)
    assert form, "«Выход» is a form posting to /logout/"
    return form.group(0)


def test_consumer_header_shows_the_organization_the_user_and_a_visible_logout(client, ctx, login):
    consumer = login(make_consumer())
    html = client.get("/my/notifications/").text
    assert 'class="kb-public"' in html and 'class="navbar' not in html
    assert "АО «Электросети»" in html and consumer.consumer.header_line in html
    form = logout_form(html)
    assert 'method="post"' in form and "Выход" in form
    assert "dropdown-menu" not in html.split('action="/logout/"')[0].rsplit("<header", 1)[1]
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', html)
    assert current == ["/my/notifications/"]


def test_a_page_under_a_menu_entry_marks_that_entry(client, ctx, login):
    login(make_consumer())
    html = client.get("/my/applications/12345/").text  # 404, but still under «Мои заявки»
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', html) == ["/my/applications/"]


def test_staff_keep_fab_s_navbar_with_logout_shown_and_no_tabindex_minus_one(client, ctx, login):
    login(make_staff("Staff"))
    html = client.get("/staff/queue/").text
    assert 'class="kb-staff"' in html and 'class="navbar' in html
    assert "Выход" in logout_form(html)
    navbar = html.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'tabindex="-1"' not in navbar and 'role="header"' not in html


def test_visitor_sees_the_skip_link_and_a_named_language_link(client, ctx):
    html = client.get("/login/").text
    assert '<a class="kb-skip" href="#main">Перейти к содержанию</a>' in html and 'id="main"' in html
    language = re.search(r'<a class="kb-language".*?</a>', html, re.S).group(0)
    assert '<span class="sr-only">Язык: </span>' in language and ">EN<" in language


def test_the_organization_s_logo_is_in_the_header_once(client, ctx):
    from app.extensions import db
    from app.core.settings import set_setting

    set_setting("org_logo", "a" * 40)
    db.session.commit()
    html = client.get("/").text
    assert html.count('data-test="org-logo"') == 1
    assert re.search(r'<header class="kb-header">.*data-test="org-logo".*</header>', html, re.S)
