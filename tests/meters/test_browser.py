"""Browser journey (issue 14): a consumer with two accounts, both windows open, sends readings for
both on «Передать показания по всем лицевым счетам» — one meter wrapped past zero, asked and
confirmed once — sees «Расход» computed live on «Передать показания», and «Статистика» draws its
chart (a canvas of non-zero size, switched to bars) over a table with the same numbers."""
from datetime import datetime
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import MeterReading
from tests.billing import builders as b
from tests.browser_helpers import browser_login
from tests.factories import PASSWORD, make_consumer
from workflows.billing.periods import add_months, month_start
from workflows.billing.windows import today

pytestmark = pytest.mark.browser


def _billing_reading(meter, months_back: int, value: str) -> None:
    period = add_months(month_start(today()), -months_back)
    db.session.add(MeterReading(meter_id=meter.id, period=period, taken_on=period, source="billing",
                                t1=Decimal(value), accepted=True, created_at=datetime(2020, 1, 1)))


def test_two_accounts_readings_and_the_chart(live_server, page, ctx, reference_data):
    consumer = make_consumer(commit=False)
    branch = b.branch("01", reading_days=(1, 31))
    first, second = b.account(of_branch=branch), b.account(of_branch=branch)
    b.link(consumer, first)
    b.link(consumer, second)
    wrapping, plain = b.meter(first), b.meter(second)
    wrapping.digits = 4
    _billing_reading(wrapping, 1, "9990")
    _billing_reading(plain, 2, "900")
    _billing_reading(plain, 1, "1000")
    db.session.commit()
    email, ids = consumer.email, (first.id, second.id, wrapping.id, plain.id)

    browser_login(page, live_server, email, PASSWORD)
    _send_both(page, live_server, *ids)
    _live_consumption(page, live_server, ids[1], ids[3])
    _chart(page, live_server, ids[1])


def _send_both(page, live_server, first_id, second_id, wrapping_id, plain_id):
    page.goto(f"{live_server}/readings/all")
    assert page.locator("[data-test=bulk-account]").count() == 2
    page.fill(f"input[name=reading-{wrapping_id}-T1]", "5")
    page.fill(f"input[name=reading-{plain_id}-T1]", "1150")
    assert page.inner_text(f"#reading-{plain_id}-T1-consumption") == "150"
    with page.expect_navigation():
        page.click("[data-test=send]")
    second = page.locator(f"[data-test=bulk-account][data-account='{second_id}']")
    assert second.locator("[data-test=account-stored]").count() == 1
    assert "Счетчик прошел через ноль?" in page.inner_text(f"[data-test=question-{wrapping_id}]")
    assert page.input_value(f"input[name=reading-{wrapping_id}-T1]") == "5"  # what was typed stays
    page.check("[data-test=confirm-all-box]")
    with page.expect_navigation():
        page.click("[data-test=send]")
    assert "Показания приняты" in page.inner_text("body")
    page.goto(f"{live_server}/readings/all")  # both sent this period: the page shows them
    assert page.input_value(f"input[name=reading-{wrapping_id}-T1]") == "5"
    assert page.input_value(f"input[name=reading-{plain_id}-T1]") == "1150"


def _live_consumption(page, live_server, account_id, meter_id):
    page.goto(f"{live_server}/personal-accounts/{account_id}/readings")
    field = f"input[name=reading-{meter_id}-T1]"
    assert page.input_value(field) == "1150"
    page.fill(field, "1234,5")
    assert page.inner_text(f"#reading-{meter_id}-T1-consumption") == "234,5"
    page.click("[data-test=reset]")
    assert page.input_value(field) == ""


def _chart(page, live_server, account_id):
    page.goto(f"{live_server}/personal-accounts/{account_id}/statistics")
    canvas = page.locator("#chart-consumption")
    canvas.wait_for()
    box = canvas.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    assert page.evaluate("Chart.getChart(document.getElementById('chart-consumption')).config.type") == "line"
    drawn = page.evaluate("Chart.getChart(document.getElementById('chart-consumption')).data.datasets[0].data")
    cells = [c.strip() for c in page.locator("[data-test=consumption-table] [data-test=consumed]").all_inner_texts()]
    assert [c for c in cells if c] == ["100", "150"]
    assert [v for v in drawn if v is not None] == [100, 150]
    page.check("input[name=chart][value=bar]")
    assert page.evaluate("Chart.getChart(document.getElementById('chart-consumption')).config.type") == "bar"
