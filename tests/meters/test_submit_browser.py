"""Browser: «Передать показания» under the real Content-Security-Policy — «Расход» follows what is
typed, «Сбросить показания» clears it, the reading is sent and shown as sent this period."""
from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import MeterReading
from tests.billing import builders as b
from tests.browser_helpers import browser_login
from tests.factories import PASSWORD, make_consumer

pytestmark = pytest.mark.browser


def test_a_consumer_sends_a_reading_in_the_browser(live_server, page, ctx):
    branch = b.branch("77", "Филиал с приемом весь месяц", reading_days=(1, 31))
    consumer = make_consumer(commit=False)
    account = b.account(of_branch=branch)
    meter = b.meter(account, zones=2)
    b.link(consumer, account)
    db.session.add(MeterReading(meter_id=meter.id, period=date(2020, 1, 1), taken_on=date(2020, 1, 20),
                                source="billing", t1=Decimal(1000), t2=Decimal(400)))
    db.session.commit()
    email, day_field, night_field = consumer.email, f"#reading-{meter.id}-T1", f"#reading-{meter.id}-T2"
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    browser_login(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/personal-accounts/{account.id}/readings")
    page.fill(day_field, "1 234,5")
    page.fill(night_field, "450")
    assert page.locator(f"#reading-{meter.id}-T1-consumption").text_content() == "234,5"
    assert page.locator(f"#reading-{meter.id}-T2-consumption").text_content() == "50"
    page.click("[data-action=reset-readings]")
    assert page.input_value(day_field) == "" and page.input_value(night_field) == ""
    assert page.locator(f"#reading-{meter.id}-T1-consumption").text_content() == ""
    page.fill(day_field, "1234")
    page.fill(night_field, "450")
    page.click("[data-test=send]")
    page.wait_for_load_state("networkidle")
    assert "Показания приняты" in page.content()
    assert page.input_value(day_field) == "1234" and page.locator("[data-test=live-reading]").count() == 1
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
