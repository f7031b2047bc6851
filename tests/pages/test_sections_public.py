"""E6: «Вопросы и ответы», «Акции», «Контакты», the power industry's organizations and
«Интернет-магазин» as anonymous visitors and consumers see them."""
from decimal import Decimal

import pytest

from app.core.settings import set_setting
from app.extensions import db
from app.models import Office
from tests.pages.section_builders import entry, promotion
from workflows.pages import service
from workflows.pages.sections import CATALOGUE, ENERGY_ORG, FAQ

PAGES = {"/faq/": "Вопросы и ответы", "/promotions/": "Акции", "/contacts/": "Контакты",
         "/contacts/energy/": "Контакты организаций электроэнергетики", "/catalogue/": "Интернет-магазин"}


@pytest.fixture
def faq(ctx):
    entry(FAQ, "Как передать показания счётчика?", "<p>Откройте раздел «Приборы учета» и нажмите «Передать показания».</p>",
          category="Приборы учета")
    entry(FAQ, "Как оплатить электроэнергию?", "<p>Банковской картой или через <strong>СБП</strong>.</p>",
          category="Оплата")
    entry(FAQ, "Черновой вопрос о тарифах", "<p>не опубликован</p>", category="Оплата", publish=False)


def _as(client, login, who):
    with client.session_transaction() as session:
        session.clear()
    if who is not None:
        login(who)


@pytest.mark.parametrize("url,title", list(PAGES.items()))
def test_each_section_page_opens_for_anonymous_and_consumers(client, login, pages, consumer, faq, url, title):
    for who in (None, consumer):
        _as(client, login, who)
        response = client.get(url)
        assert response.status_code == 200, (url, who)
        assert f"<h1>{title}</h1>" in response.get_data(as_text=True)


def test_faq_lists_published_questions_by_category(client, faq):
    body = client.get("/faq/").get_data(as_text=True)
    assert "<h2>Приборы учета</h2>" in body and "<h2>Оплата</h2>" in body
    assert "Как передать показания счётчика?" in body and "через <strong>СБП</strong>" in body
    assert "Черновой вопрос" not in body


@pytest.mark.parametrize("query", ["СЧЕТЧИКА", "показания", "Банковской КАРТОЙ", "сбп", "оплатить картой"])
def test_faq_search_finds_by_question_and_answer_words_in_any_case(client, faq, query):
    body = client.get("/faq/", query_string={"q": query}).get_data(as_text=True)
    assert body.count('data-test="faq-entry"') == 1, query
    assert "Ничего не найдено" not in body


def test_faq_search_without_a_match_says_nothing_found(client, faq):
    for query in ("водоснабжение", "тарифах", "<script>alert(1)</script>"):
        body = client.get("/faq/", query_string={"q": query}).get_data(as_text=True)
        assert 'data-test="faq-entry"' not in body
        assert "Ничего не найдено" in body
    assert "<script>alert(1)</script>" not in body


def test_only_current_promotions_are_shown(client, ctx):
    promotion("Скидка на поверку счетчиков", starts=-3, ends=3)
    promotion("Начинается и кончается сегодня", starts=0, ends=0)
    promotion("Прошедшая акция", starts=-30, ends=-1)
    promotion("Будущая акция", starts=1, ends=10)
    promotion("Неопубликованная акция", starts=-1, ends=1, publish=False)
    body = client.get("/promotions/").get_data(as_text=True)
    assert body.count('data-test="promotion"') == 2
    assert "Скидка на поверку счетчиков" in body and "Начинается и кончается сегодня" in body
    for hidden in ("Прошедшая", "Будущая", "Неопубликованная"):
        assert hidden not in body


def _menu_has_promotions(client) -> bool:
    return 'href="/promotions/"' in client.get("/faq/").get_data(as_text=True)


def test_promotions_menu_entry_only_while_a_promotion_runs(client, login, pages, consumer):
    promotion("Прошедшая акция", starts=-30, ends=-1)
    for who in (None, consumer):
        _as(client, login, who)
        assert not _menu_has_promotions(client), who
        assert "В настоящее время акций нет" in client.get("/promotions/").get_data(as_text=True)
    current = promotion("Текущая акция", starts=-1, ends=1)
    for who in (None, consumer):
        _as(client, login, who)
        assert _menu_has_promotions(client), who
    service.unpublish(current)
    db.session.commit()
    assert not _menu_has_promotions(client)


def test_contacts_show_settings_offices_and_services(client, ctx):
    set_setting("org_phone", "+7 (4912) 00-00-00")
    set_setting("org_email", "info@example.ru")
    set_setting("org_address", "г. Рязань, ул. Примерная, д. 1")
    set_setting("org_work_hours", "Пн–Пт 8:00–17:00")
    set_setting("org_site", "https://example.ru")
    db.session.add_all([
        Office(name="Центральный офис", address="г. Рязань, ул. Ленина, д. 2", phone="+7 (4912) 11-11-11",
               work_hours="Пн–Чт 8:00–17:00, Пт 8:00–16:00", sort_order=1),
        Office(name="Закрытый офис", address="г. Рязань, ул. Старая, д. 3", active=False),
    ])
    db.session.commit()
    body = client.get("/contacts/").get_data(as_text=True)
    for text in ("+7 (4912) 00-00-00", "mailto:info@example.ru", "ул. Примерная", "Пн–Пт 8:00–17:00",
                 'href="https://example.ru"', "Центральный офис", "ул. Ленина, д. 2", "+7 (4912) 11-11-11",
                 "Пт 8:00–16:00", 'href="/my/appointments/new"', "Запись на прием",
                 'href="/my/callbacks/new"', "Заказ обратного звонка", 'href="/contacts/energy/"'):
        assert text in body, text
    assert "Закрытый офис" not in body


def test_energy_organizations_show_their_contacts(client, ctx):
    entry(ENERGY_ORG, "ПАО «Энергосбыт»", "<p>Договоры энергоснабжения</p>", org_role="гарантирующий поставщик",
          phone="8 800 100-00-00", site="https://sbyt.example.ru", address="г. Рязань, ул. Сбытовая, 5")
    entry(ENERGY_ORG, "Скрытая организация", org_role="сетевая организация", publish=False)
    body = client.get("/contacts/energy/").get_data(as_text=True)
    for text in ("ПАО «Энергосбыт»", "гарантирующий поставщик", "8 800 100-00-00",
                 'href="https://sbyt.example.ru"', "ул. Сбытовая, 5", "Договоры энергоснабжения"):
        assert text in body, text
    assert "Скрытая организация" not in body


def test_catalogue_shows_items_with_prices(client, ctx):
    entry(CATALOGUE, "Замена счетчика", "<p>Замена однофазного счетчика</p>", price=Decimal("1234.56"))
    entry(CATALOGUE, "Поверка", price=Decimal("0"))
    body = client.get("/catalogue/").get_data(as_text=True)
    assert "Замена счетчика" in body and "Замена однофазного счетчика" in body
    assert "1\u00a0234,56\u00a0руб." in body and "0,00\u00a0руб." in body


def test_an_entry_is_not_a_page_of_its_own(client, ctx):
    question = entry(FAQ, "Вопрос", category="Общие")
    assert client.get(f"/page/{question.slug}").status_code == 404


def test_the_services_contacts_leads_to_exist(client, login, consumer):
    from app.views.pages.sections import SERVICES

    login(consumer)
    for _label, href in SERVICES:
        assert client.get(href).status_code == 200, href
