"""D4 «Реквизиты лицевого счета»: the requisites, services, meters, current tariffs, the tariff
history for a period up to 3 years back (beyond refused under the field), branch-specific tariffs,
and who may open the page."""
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import TariffDocument
from app.security.roles import STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff
from workflows.applications.rules import today
from workflows.billing.details import earliest_month
from workflows.billing.periods import add_months, month_start


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


@pytest.fixture
def world(ctx):
    """An account with a service, a meter, tariffs now and back in time; its owner and a co-owner."""
    owner, co_owner = make_consumer(), make_consumer()
    this_month = month_start(today())
    acc = b.account(owner_name="Петров Пётр Петрович")
    b.provide(acc)
    b.meter(acc, serial="55501234", zones=2)
    document = TariffDocument(code="PR-1", title="Приказ № 1 об утверждении тарифов")
    db.session.add(document)
    db.session.flush()
    start = add_months(this_month, -2)
    b.tariff("6.43", start, zone="T1", zone_name="День", document=document)
    b.tariff("3.2100", start, zone="T2", zone_name="Ночь", document=document)
    b.tariff("5.11", add_months(this_month, -30), start - timedelta(days=1))  # 2.5 years ago
    b.tariff("4.01", add_months(this_month, -50), add_months(this_month, -38) - timedelta(days=1))  # beyond 3 years
    b.link(owner, acc)
    b.link(co_owner, acc)
    b.commit()
    return dict(owner=owner, co_owner=co_owner, account=acc, this_month=this_month)


def test_requisites_services_meters_and_current_tariffs(client, login, world):
    login(world["owner"])
    page = _text(client.get(f"/personal-accounts/{world['account'].id}/details"))
    assert "Реквизиты лицевого счета" in page and "Петров Пётр Петрович" in page
    assert "54,30 / 38,10" in page  # Общая/жилая площадь
    assert "Количество зарегистрированных/проживающих" in page and "2 / 2" in page
    assert "Электрическая" in page and "отсутствие" in page
    assert "Электроснабжение" in page and "АО «Энергосбыт»" in page
    assert "№ 55501234" in page and "Т1 — День; Т2 — Ночь" in page and "30.06.2030" in page
    assert "01.03.2019" in page  # installed
    current = page.split('data-test="current-tariffs"')[1].split("</table>")[0]
    assert "6,43 руб./кВт·ч" in current and "3,21 руб./кВт·ч" in current
    assert "Т1 (День)" in current and "5,11" not in current
    assert f"с {add_months(world['this_month'], -2).strftime('%d.%m.%Y')}" in current
    assert "Приказ № 1 об утверждении тарифов" in current
    assert 'data-test="tariff-document"' not in current  # no file uploaded yet: no «Скачать»
    assert f'href="/personal-accounts/{world["account"].id}/change"' in page
    assert f'href="/personal-accounts/{world["account"].id}/change#area_total"' in page  # «Редактировать» per row


def test_history_default_year_and_three_years_back(client, login, world):
    login(world["owner"])
    url = f"/personal-accounts/{world['account'].id}/details"
    history = _text(client.get(url)).split('data-test="tariff-history"')[1]
    assert "6,43" in history and "5,11" in history and "4,01" not in history
    response = client.get(url, query_string={"period_from": _month(earliest_month()),
                                             "period_to": _month(world["this_month"])})
    page = _text(response)
    assert response.status_code == 200 and 'data-test="error-period' not in page
    history = page.split('data-test="tariff-history"')[1]
    assert "5,11" in history and "6,43" in history and "4,01" not in history
    only_old = {"period_from": _month(add_months(world["this_month"], -30)),
                "period_to": _month(add_months(world["this_month"], -29))}
    history = _text(client.get(url, query_string=only_old)).split('data-test="tariff-history"')[1]
    assert "5,11" in history and "6,43" not in history


@pytest.mark.parametrize("first, last, field, message", [
    (-37, 0, "period_from", "История тарифов доступна за последние 3 года"),
    (0, 1, "period_to", "Период не может заканчиваться позже текущего месяца"),
    (-2, -5, "period_to", "Конец периода не может быть раньше его начала"),
    ("не месяц", 0, "period_from", "Выберите месяц (ММ.ГГГГ)"),
])
def test_history_period_refused_under_its_field(client, login, world, first, last, field, message):
    """`first` and `last` are months counted from this one."""
    login(world["owner"])
    this_month = world["this_month"]
    query = {"period_from": _month(add_months(this_month, first)) if isinstance(first, int) else first,
             "period_to": _month(add_months(this_month, last))}
    page = _text(client.get(f"/personal-accounts/{world['account'].id}/details", query_string=query))
    error = page.split(f'data-test="error-{field}">')[1].split("</span>")[0]
    assert message in error
    assert 'data-test="tariff-history"' not in page
    assert 'data-test="current-tariffs"' in page  # the rest of the page stays


def test_branch_specific_tariffs_apply_only_to_their_branch(client, login, world):
    other_branch = b.branch("02", "Северный филиал")
    own = b.tariff("7.77", month_start(today()))
    own.branch_id = world["account"].branch_id
    foreign = b.tariff("9.99", month_start(today()))
    foreign.branch_id = other_branch.id
    b.commit()
    login(world["owner"])
    current = _text(client.get(f"/personal-accounts/{world['account'].id}/details")).split(
        'data-test="current-tariffs"')[1].split("</table>")[0]
    assert "7,77" in current and "9,99" not in current and "6,43" in current


def test_tariffs_of_other_services_are_not_shown(client, login, world):
    water = b.service("HVS", "Холодное водоснабжение", "м³")
    b.tariff("45.10", month_start(today()), of_service=water)
    b.commit()
    login(world["owner"])
    assert "45,10" not in _text(client.get(f"/personal-accounts/{world['account'].id}/details"))


@pytest.mark.parametrize("who", ["owner", "co_owner", "other", "anonymous", "staff"])
@pytest.mark.parametrize("path", ["details", "change"])
def test_account_pages_per_role(client, login, world, who, path):
    url = f"/personal-accounts/{world['account'].id}/{path}"
    if who in ("owner", "co_owner"):
        login(world[who])
    elif who == "other":
        login(make_consumer())
    elif who == "staff":
        login(make_staff(STAFF))
    response = client.get(url)
    if who in ("owner", "co_owner"):
        assert response.status_code == 200 and world["account"].number in response.get_data(as_text=True)
    elif who == "other":
        assert response.status_code == 404
    else:
        assert response.status_code in (302, 403, 404) and world["account"].number not in response.get_data(as_text=True)


def test_unlinked_account_is_not_found(client, login, world):
    from app.models import AccountLink
    from app.models.base import utcnow

    link = db.session.query(AccountLink).filter_by(consumer_id=world["owner"].consumer.id).one()
    link.unlinked_at = utcnow()
    b.commit()
    login(world["owner"])
    assert client.get(f"/personal-accounts/{world['account'].id}/details").status_code == 404
    assert client.get("/personal-accounts/999999/details").status_code == 404
