"""D10: «Способ получения квитанции» — paper or electronic, to the profile's confirmed email or another
one (the profile's email stays); invalid input changes nothing and keeps what was typed."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditRecord, OneTimeCode
from tests.accounts.conftest import last_code
from tests.billing import builders as b
from tests.factories import make_consumer


def a_wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 10**6:06d}"


@pytest.fixture
def setup(ctx):
    class S:
        owner = make_consumer()
        account = b.account("4000000001")
        link = b.link(owner, account)
    b.commit()
    S.url = f"/personal-accounts/{S.account.id}/receipt"
    return S


def test_electronic_to_profile_email_then_another_then_paper(client, login, setup, fresh):
    login(setup.owner)
    page = client.get(setup.url).get_data(as_text=True)
    assert "Бумажная квитанция" in page and "Электронная квитанция" in page and setup.owner.email in page
    assert re.search(r'<input checked[^>]*value="paper"', page)
    response = client.post(setup.url, data={"delivery": "electronic", "other_email": ""})
    assert response.status_code == 302
    link = fresh(setup.link)
    assert link.receipt_electronic and link.receipt_email is None
    assert "Способ получения квитанции сохранен" in client.get(response.location).get_data(as_text=True)
    other = {"delivery": "electronic", "other_email": " Dacha@Example.RU "}
    page = client.post(setup.url, data=other).get_data(as_text=True)
    assert 'data-test="code-sent"' in page and fresh(setup.link).receipt_email is None  # not before the code
    right = last_code("dacha@example.ru")
    page = client.post(setup.url, data={**other, "code": a_wrong_code(right)}).get_data(as_text=True)
    assert "Неверный код подтверждения" in page and 'data-test="error-code"' in page
    assert fresh(setup.link).receipt_email is None
    assert db.session.scalar(select(OneTimeCode.attempts).where(OneTimeCode.destination == "dacha@example.ru")) == 1
    assert client.post(setup.url, data={**other, "code": right}).status_code == 302
    link = fresh(setup.link)
    assert link.receipt_email == "dacha@example.ru"
    assert client.post(setup.url, data=other).status_code == 302  # confirmed once: no new code
    assert fresh(setup.owner).email != "dacha@example.ru"  # the profile's email does not change
    client.post(setup.url, data={"delivery": "paper", "other_email": "dacha@example.ru"})
    link = fresh(setup.link)
    assert not link.receipt_electronic and link.receipt_email is None
    actions = db.session.scalars(select(AuditRecord.action).where(AuditRecord.action == "billing.receipt_delivery"))
    assert len(list(actions)) == 3  # profile email, the other one, paper


def test_invalid_email_and_missing_choice_change_nothing(client, login, setup, fresh):
    login(setup.owner)
    response = client.post(setup.url, data={"delivery": "electronic", "other_email": "не-почта"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'data-test="error-other_email"' in page
    assert 'value="не-почта"' in page and "<details open" in page
    page = client.post(setup.url, data={"other_email": ""}).get_data(as_text=True)
    assert 'data-test="error-delivery"' in page
    assert not fresh(setup.link).receipt_electronic


def test_unconfirmed_profile_email_needs_another_address(client, login, ctx, fresh):
    owner = make_consumer()
    acc = b.account()
    link = b.link(owner, acc)
    owner.email_confirmed_at = None
    b.commit()
    login(owner)
    url = f"/personal-accounts/{acc.id}/receipt"
    page = client.post(url, data={"delivery": "electronic"}).get_data(as_text=True)
    assert "Адрес электронной почты в профиле не подтвержден" in page and "не подтвержден в профиле" in page
    assert not fresh(link).receipt_electronic
    client.post(url, data={"delivery": "electronic", "other_email": "me@example.ru"})
    response = client.post(url, data={"delivery": "electronic", "other_email": "me@example.ru",
                                      "code": last_code("me@example.ru")})
    assert response.status_code == 302
    assert fresh(link).receipt_email == "me@example.ru"


def test_home_page_shows_the_choice(client, login, setup):
    login(setup.owner)
    home = f"/personal-accounts/{setup.account.id}/"
    assert "Подписаться на электронную квитанцию" in client.get(home).get_data(as_text=True)
    client.post(setup.url, data={"delivery": "electronic"})
    page = client.get(home).get_data(as_text=True)
    assert "Подписаться на электронную квитанцию" not in page and 'data-test="receipt-electronic"' in page
