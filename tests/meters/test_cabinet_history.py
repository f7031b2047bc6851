"""D8 «Показания прибора учета»: readings of every source, the accepted ones, the replaced ones shown
as replaced, by month, for a period of up to 3 years (refused beyond it, under the field), per
meter and zone, the photo for the owner; a fixed number of queries whatever the readings."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event

from app.core.files import store_bytes
from app.extensions import db
from app.models import MeterReading
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.applications.rules import today
from workflows.billing.periods import add_months, month_start
from workflows.meters import history

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


def _month(back: int) -> date:
    return add_months(month_start(today()), -back)


def reading(meter, back: int, source: str, t1: str, *, t2: str | None = None, accepted=False, **fields):
    row = MeterReading(meter_id=meter.id, period=_month(back), taken_on=_month(back).replace(day=20), source=source,
                       t1=Decimal(t1), t2=Decimal(t2) if t2 else None, accepted=accepted, **fields)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def world(ctx):
    owner = make_consumer()
    acc = b.account()
    meter = b.meter(acc, serial="EL-7", zones=2)
    water = b.meter(acc, serial="HV-7", of_service=b.service("HV", "Холодное водоснабжение", "м³"))
    b.link(owner, acc)
    old = reading(meter, 1, "consumer", "1200", t2="600", superseded_at=datetime(2026, 1, 1, 9))
    new = reading(meter, 1, "consumer", "1210", t2="605", change_reason="Исправлена опечатка")
    old.superseded_by_id = new.id
    reading(meter, 1, "billing", "1210", t2="605", accepted=True, external_id="R1")
    reading(meter, 2, "staff", "1100", t2="550")
    reading(water, 2, "automatic", "12345.678")
    reading(meter, 13, "consumer", "900", t2="450")
    reading(meter, 36, "billing", "100", t2="50", external_id="R2")
    other = b.account()
    reading_of_other = reading(b.meter(other, serial="ALIEN-1"), 1, "consumer", "777")
    b.commit()
    return dict(owner=owner, account=acc, meter=meter, water=water, old=old, new=new,
                url=f"/personal-accounts/{acc.id}/meters/history", alien=reading_of_other.meter_id)


def _rows(page: str) -> list[str]:
    return [chunk.split("</tr>")[0] for chunk in page.split('data-test="reading"')[1:]]


def test_every_source_by_month_newest_first(client, login, world):
    login(world["owner"])
    page = _text(client.get(world["url"]))
    months = [chunk.split("</th>")[0].split(">")[-1] for chunk in page.split('data-test="month"')[1:]]
    assert months == [history.month_title(_month(1)), history.month_title(_month(2))]  # the default year
    assert history.month_title(date(2026, 11, 1)) == "Ноябрь 2026"
    sources = [row.split('data-test="source">')[1].split("<")[0] for row in _rows(page)]
    assert sorted(sources) == sorted(["Личный кабинет", "Личный кабинет", "Биллинг", "Сотрудник", "Автоматически"])
    assert "ALIEN-1" not in page and "777" not in page


def test_accepted_and_replaced_readings_are_told_apart(client, login, world):
    login(world["owner"])
    rows = {row.split('data-id="')[1].split('"')[0]: row for row in _rows(_text(client.get(world["url"])))}
    old, new = rows[str(world["old"].id)], rows[str(world["new"].id)]
    assert "Заменено 01.01.2026" in old and "<s>1 200</s>" in old and "Т2 (Ночь): <s>600</s>" in old
    assert "Заменено" not in new and "Т1 (День): 1 210" in new and "Исправлена опечатка" in new
    accepted = [row for row in rows.values() if 'data-test="accepted"' in row]
    assert len(accepted) == 1 and "Биллинг" in accepted[0] and "Принято к расчету" in accepted[0]


def test_values_follow_the_meter_zones_and_precision(client, login, world):
    login(world["owner"])
    page = _text(client.get(world["url"]))
    water = [row for row in _rows(page) if "HV-7" in row][0]
    assert "Холодное водоснабжение, № HV-7" in water and "Т1 (Круглосуточно): 12 346<" in water


def test_a_chosen_period_up_to_three_years_back(client, login, world):
    login(world["owner"])
    first = _month(36).strftime("%Y-%m")
    page = _text(client.get(world["url"], query_string={"period_from": first, "period_to": _month(13).strftime("%m.%Y")}))
    assert 'data-test="error-' not in page
    assert [row.split('data-test="values">')[1].split("<")[0] for row in _rows(page)] == ["Т1 (День): 900",
                                                                                          "Т1 (День): 100"]


@pytest.mark.parametrize("period_from, period_to, field, message", [
    (37, 1, "period_from", "История показаний доступна за последние 3 года"),
    (2, -1, "period_to", "Период не может заканчиваться позже текущего месяца"),
    (1, 2, "period_to", "Конец периода не может быть раньше его начала"),
    ("абв", 1, "period_from", "Выберите месяц (ММ.ГГГГ)"),
])
def test_a_period_beyond_the_rules_is_refused_under_its_field(client, login, world, period_from, period_to,
                                                               field, message):
    login(world["owner"])
    args = {"period_from": period_from if isinstance(period_from, str) else _month(period_from).strftime("%Y-%m"),
            "period_to": _month(period_to).strftime("%Y-%m")}
    page = _text(client.get(world["url"], query_string=args))
    assert message in page.split(f'data-test="error-{field}">')[1].split("</span>")[0]
    assert 'data-test="readings"' not in page
    assert f'value="{args["period_from"]}"' in page  # what was chosen stays


def test_one_meter_may_be_chosen(client, login, world):
    login(world["owner"])
    page = _text(client.get(world["url"], query_string={"meter": world["water"].id}))
    rows = _rows(page)
    assert len(rows) == 1 and "HV-7" in rows[0]
    assert f'<option value="{world["water"].id}" selected>Холодное водоснабжение, № HV-7</option>' in page


@pytest.mark.parametrize("chosen", ["alien", "abc"])
def test_a_meter_not_of_the_account_is_refused_under_its_field(client, login, world, chosen):
    login(world["owner"])
    page = _text(client.get(world["url"], query_string={"meter": world["alien"] if chosen == "alien" else chosen}))
    assert "Выберите прибор учета из списка" in page.split('data-test="error-meter">')[1].split("</span>")[0]
    assert 'data-test="readings"' not in page and "777" not in page


def test_the_history_is_paged(client, login, world, monkeypatch):
    monkeypatch.setattr(history, "PER_PAGE", 2)
    login(world["owner"])
    first, second = _text(client.get(world["url"])), _text(client.get(world["url"], query_string={"page": 3}))
    assert len(_rows(first)) == 2 and "Дальше" in first and len(_rows(second)) == 1 and "Дальше" not in second


def test_the_owner_sees_and_opens_the_photo(client, login, world, ctx):
    world["new"].photo_id = store_bytes(JPEG, "meter.jpg", content_type="image/jpeg").id
    b.commit()
    login(world["owner"])
    page = _text(client.get(world["url"]))
    link = f'/personal-accounts/{world["account"].id}/meters/readings/{world["new"].id}/photo'
    assert page.count('data-test="photo"') == 1 and f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200 and response.data == JPEG and response.mimetype == "image/jpeg"
    assert client.get(f'/personal-accounts/{world["account"].id}/meters/readings/{world["old"].id}/photo'
                      ).status_code == 404  # a reading without a photo


def test_queries_do_not_grow_with_the_readings(client, login, world, ctx):
    login(world["owner"])
    client.get(world["url"])  # the menu's minute cache filled (app/core/minute_cache.py): counts as on any later page
    count = []
    listener = lambda *args: count.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        client.get(world["url"])
        few = len(count)
        for back in range(3, 9):
            reading(world["meter"], back, "consumer", str(1000 - back), t2="1")
        b.commit()
        count.clear()
        page = _text(client.get(world["url"]))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(_rows(page)) == 11 and len(count) == few
