"""F1 contract: /page/<slug>, the info_page() global and the front page."""
from flask import render_template_string

from app.extensions import db
from workflows.pages import service


def test_every_system_page_is_published_for_anonymous_visitors(client, pages):
    for slug, title in service.SYSTEM_PAGES.items():
        response = client.get(f"/page/{slug}")
        assert response.status_code == 200, slug
        assert title in response.get_data(as_text=True)


def test_unknown_or_unpublished_page_is_404(client, pages, org_admin):
    assert client.get("/page/no-such-page").status_code == 404
    page = service.create_page("tariffs", "Тарифы", actor=org_admin)
    service.save_draft(page, "Тарифы", "<p>черновик</p>", actor=org_admin)
    db.session.commit()
    assert client.get("/page/tariffs").status_code == 404


def test_info_page_global_returns_sanitized_published_text(app, pages, org_admin):
    page = service.get_page("login")
    version = service.save_draft(page, page.title, '<p>Привет<script>alert(1)</script><img src=x onerror="alert(2)"></p>',
                                 actor=org_admin)
    service.publish(page, version, actor=org_admin)
    db.session.commit()
    with app.test_request_context("/"):
        html = render_template_string("{{ info_page('login') }}|{{ info_page('missing') }}")
    assert "Привет" in html
    assert "<script" not in html and "onerror" not in html and "alert" not in html
    assert html.endswith("|")


def test_placeholders_come_from_settings_whitelist_only(app, pages, org_admin):
    from app.core.settings import set_setting

    set_setting("org_short_name", 'ООО "Сети" <b>')
    page = service.get_page("help")
    version = service.save_draft(page, page.title, "<p>{{ org_short_name }} / {{ secret_key }}</p>", actor=org_admin)
    service.publish(page, version, actor=org_admin)
    db.session.commit()
    with app.test_request_context("/"):
        html = str(service.published_html("help"))
    assert "ООО &#34;Сети&#34; &lt;b&gt;" in html
    assert "{{ secret_key }}" in html


def test_front_page_shows_login_text_and_links_to_anonymous(client, pages):
    body = client.get("/").get_data(as_text=True)
    assert "по технологическому присоединению" in body
    assert 'href="/login/"' in body and 'href="/register/"' in body


def test_front_page_shows_information_page_to_consumer(client, login, pages, consumer):
    login(consumer)
    body = client.get("/").get_data(as_text=True)
    assert "выберите пункт меню «Подать заявку»" in body
    assert 'href="/register/"' not in body


def test_staff_are_sent_to_their_queue(client, login, staff):
    login(staff)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/queue/")


def test_information_and_help_are_in_the_menu_for_visitors_and_consumers(client, login, pages, consumer):
    for who in (None, consumer):
        if who is not None:
            login(who)
        body = client.get("/page/privacy").get_data(as_text=True)
        assert "fa-info-circle" in body and "fa-question-circle" in body
