"""Staff «Лицевые счета»: search by number, address and ФИО, the branch filter, paging, the
linked count, the account page with its links, and who may open these pages."""
import re

import pytest
from sqlalchemy import event

from app.extensions import db
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff

INDEX = "/staff/personal-accounts/"


def _numbers(page: str) -> list[str]:
    return re.findall(r'data-test="account-number">([^<]+)<', page)


def _search(client, **query) -> list[str]:
    response = client.get(INDEX, query_string=query)
    assert response.status_code == 200
    return _numbers(response.get_data(as_text=True))


@pytest.fixture
def accounts(ctx):
    """Three accounts in two branches; the first linked by two consumers (one of them later unlinked)."""
    north = b.branch("02", "Северный филиал")
    first = b.account("1000000001", owner_name="Ёлкина Алёна Петровна", address="г. Самара, ул. Ленина, д. 1, кв. 5")
    second = b.account("1000000002", owner_name="Петров Пётр", address="г. Самара, пр. Кирова, д. 7")
    third = b.account("2000000003", owner_name="Сидоров Семён", address="г. Тольятти, ул. Мира, д. 3",
                      of_branch=north)
    owner, co_owner = make_consumer(commit=False), make_consumer(commit=False)
    b.link(owner, first)
    b.link(co_owner, first)
    b.link(make_consumer(commit=False), second, unlinked_at=db.func.now())
    b.commit()
    return {"first": first, "second": second, "third": third, "north": north, "owner": owner}


@pytest.fixture
def staff(ctx, login):
    return login(make_staff(STAFF))


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["1000000001", "1000000002", "2000000003"]),
    ({"q": "1000000002"}, ["1000000002"]),                  # the whole number
    ({"q": "10000"}, ["1000000001", "1000000002"]),         # its beginning
    ({"q": " 2000 "}, ["2000000003"]),                      # spaces around are nothing
    ({"q": "0000003"}, ["2000000003"]),                     # inside the number: the folded text has it
    ({"q": "кирова"}, ["1000000002"]),                      # part of the address, any case
    ({"q": "УЛ. ЛЕНИНА, Д. 1"}, ["1000000001"]),
    ({"q": "елкина алена"}, ["1000000001"]),                # ФИО: ё and е alike, any case
    ({"q": "ПЕТРОВ ПЁТР"}, ["1000000002"]),
    ({"q": "петр"}, ["1000000001", "1000000002"]),          # «Петровна» too
    ({"q": "семён"}, ["2000000003"]),
    ({"q": "Ивановский"}, []),                              # misses
    ({"q": "3000"}, []),
    ({"q": "100%"}, []),                                    # LIKE characters are text
    ({"q": "самара_"}, []),
    ({"branch": "north"}, ["2000000003"]),
    ({"q": "самара", "branch": "north"}, []),
    ({"q": "самара", "branch": "x"}, ["1000000001", "1000000002"]),  # an unreadable branch: all
])
def test_search(client, accounts, staff, query, expected):
    if query.get("branch") == "north":
        query = dict(query, branch=str(accounts["north"].id))
    assert _search(client, **query) == expected


def test_short_text_is_explained_and_a_miss_says_so(client, accounts, staff):
    page = client.get(INDEX, query_string={"q": "ул"}).get_data(as_text=True)
    assert 'data-test="search-short"' in page and "не менее 3 символов" in page
    assert _numbers(page) == []
    page = client.get(INDEX, query_string={"q": "Нигдеевка"}).get_data(as_text=True)
    assert "Лицевые счета не найдены" in page and 'data-test="search-short"' not in page
    assert 'value="Нигдеевка"' in page  # what was typed stays in the field


def test_rows_show_branch_address_owner_and_live_links(client, accounts, staff):
    page = client.get(INDEX, query_string={"q": "самара"}).get_data(as_text=True)
    rows = re.findall(r'<tr data-test="account-row".*?</tr>', page, re.S)
    assert len(rows) == 2
    assert "Центральный филиал" in rows[0] and "ул. Ленина, д. 1, кв. 5" in rows[0]
    assert "Ёлкина Алёна Петровна" in rows[0]
    assert re.findall(r'data-test="linked">(\d+)<', page) == ["2", "0"]  # the unlinked one is not counted


def test_paging_and_one_query_for_the_link_counts(client, ctx, staff, app):
    accounts = [b.account(f"3{n:09d}") for n in range(1, 28)]
    for account in accounts[:3]:
        b.link(make_consumer(commit=False), account)
    b.commit()
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        first = client.get(INDEX).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert _numbers(first) == [a.number for a in accounts[:25]]
    assert "page=2" in first and "Назад" not in first
    link_queries = [s for s in statements if "account_link" in s and "FROM account_link" in s]
    assert len(link_queries) == 1 and "GROUP BY" in link_queries[0]
    second = client.get(INDEX, query_string={"page": 2, "q": "3000"}).get_data(as_text=True)
    assert _numbers(second) == [a.number for a in accounts[25:]]
    assert "Назад" in second and "page=3" not in second and "q=3000" in second
    assert _numbers(client.get(INDEX, query_string={"page": "x"}).get_data(as_text=True))[:1] == ["3000000001"]


def test_account_page_shows_requisites_services_and_links(client, accounts, staff):
    first = accounts["first"]
    b.provide(first)
    b.commit()
    page = client.get(f"{INDEX}{first.id}").get_data(as_text=True)
    assert "Лицевой счет № 1000000001" in page and "Центральный филиал" in page
    assert "54,30 м²" in page and "Электрическая" in page
    assert "Электроснабжение" in page and "АО «Энергосбыт»" in page
    links = re.findall(r'<div class="panel panel-default" data-test="link".*?</div>\s*</div>', page, re.S)
    assert len(links) == 2 and all('data-active="yes"' in link for link in links)
    owner = accounts["owner"]
    assert owner.email in page and owner.phone in page
    assert f"/admin/consumers/?q={owner.email}" in re.findall(r'href="([^"]*)" data-test="consumer-card"', page)
    assert page.count('data-test="unlink-form"') == 2
    page = client.get(f"{INDEX}{accounts['second'].id}").get_data(as_text=True)
    assert 'data-active="no"' in page and 'data-test="unlink-form"' not in page
    assert client.get(f"{INDEX}999999").status_code == 404


def test_menu_entry_for_staff_only(client, accounts, login):
    login(make_staff(STAFF))
    assert 'href="/staff/personal-accounts/"' in client.get(INDEX).get_data(as_text=True)
    login(accounts["owner"])
    page = client.get("/my/notifications/").get_data(as_text=True)
    assert 'href="/staff/personal-accounts/"' not in page


ROLES = ["anonymous", "consumer", "linked consumer", STAFF, ORG_ADMIN, ADMIN]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_pages(client, accounts, login, role):
    """Staff, organization admins and admins see the pages; anyone else gets no 2xx."""
    if role == "consumer":
        login(make_consumer())
    elif role == "linked consumer":
        login(accounts["owner"])
    elif role != "anonymous":
        login(make_staff(role))
    for url in (INDEX, f"{INDEX}?q=1000", f"{INDEX}{accounts['first'].id}"):
        status = client.get(url).status_code
        if role in (STAFF, ORG_ADMIN, ADMIN):
            assert status == 200, url
        else:
            assert status in (302, 403, 404), (url, status)
