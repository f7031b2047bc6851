"""D8 «Приборы учета»: meters grouped by service, «Раскрыть информацию» with every detail, the
removed ones in «Снятые приборы учета», the buttons, and the notice when there are none."""
from datetime import date

import pytest

from tests.billing import builders as b
from tests.factories import make_consumer


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


@pytest.fixture
def world(ctx):
    owner = make_consumer()
    acc = b.account()
    water = b.service("HV", "Холодное водоснабжение", "м³")
    water.sort_order = 2
    power = b.service()
    power.sort_order = 1
    day_night = b.meter(acc, serial="EL-2", zones=2, location="Лестничная площадка", precision=1, auto_read=True)
    day_night.verification_due, day_night.installed_on = date(2031, 3, 31), date(2021, 4, 5)
    b.meter(acc, serial="EL-1")
    b.meter(acc, serial="HV-1", of_service=water, location="Санузел").model = "Бетар СХВ-15"
    b.meter(acc, serial="OLD-1", removed_on=date(2021, 4, 4))
    b.link(owner, acc)
    b.commit()
    return dict(owner=owner, account=acc, day_night=day_night, url=f"/personal-accounts/{acc.id}/meters")


def test_meters_are_grouped_by_service_in_its_order(client, login, world):
    login(world["owner"])
    page = _text(client.get(world["url"]))
    groups = page.split('data-test="service-group"')[1:]
    assert [g.split("<h3>")[1].split("</h3>")[0] for g in groups] == ["Электроснабжение", "Холодное водоснабжение"]
    assert "№ EL-1" in groups[0] and "№ EL-2" in groups[0] and "HV-1" not in groups[0]
    assert "Бетар СХВ-15</strong>, № HV-1, Санузел" in groups[1].split("Снятые приборы учета")[0]
    assert page.index("№ EL-1") < page.index("№ EL-2")


def test_the_information_is_revealed_without_script(client, login, world):
    login(world["owner"])
    page = _text(client.get(world["url"]))
    card = page.split(f'data-id="{world["day_night"].id}"')[1].split('data-test="meter"')[0]
    assert "<details" in card and "<summary>Раскрыть информацию</summary>" in card
    assert 'data-test="serial">EL-2<' in card and "Меркурий 201.5" in card and "Лестничная площадка" in card
    assert 'data-test="zones">Т1 — День; Т2 — Ночь<' in card and 'data-test="digits">6,1<' in card
    assert "Дата поверки" in card and 'data-test="verification">31.03.2031<' in card
    assert 'data-test="installed">05.04.2021<' in card and 'data-test="auto">автоматически<' in card
    assert f'href="/personal-accounts/{world["account"].id}/readings"' in card and "Передать показания" in card
    assert f'/meters/{world["day_night"].id}/fault"' in card and "Уведомить о неисправности" in card


def test_removed_meters_are_listed_apart_without_buttons(client, login, world):
    login(world["owner"])
    page = _text(client.get(world["url"]))
    in_use, removed = page.split("Снятые приборы учета")
    assert "OLD-1" not in in_use and "№ OLD-1" in removed and 'data-test="removed">04.04.2021<' in removed
    assert "Уведомить о неисправности" not in removed and "Передать показания" not in removed


def test_an_account_without_meters_says_so(client, login, ctx):
    owner = make_consumer()
    acc = b.account()
    b.link(owner, acc)
    b.commit()
    login(owner)
    page = _text(client.get(f"/personal-accounts/{acc.id}/meters"))
    assert 'data-test="no-meters"' in page and "нет данных о приборах учета" in page
    assert "Снятые приборы учета" not in page
