"""«История обращений»: by month, newest first; the previous and the current month first; any
months of the last 3 years, older refused with its message; filtered by personal account."""
from datetime import datetime, timedelta

import pytest

from app.extensions import db
from tests.appeals import builders
from tests.billing import builders as b
from workflows.appeals.history import month_title
from workflows.billing.periods import add_months, month_start
from workflows.billing.windows import today


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


def _month(months_back: int) -> str:
    return add_months(month_start(today()), -months_back).strftime("%Y-%m")


def _moved(appeal, months_back: int):
    """The appeal as if written in the middle of a month `months_back` months ago."""
    moment = datetime.combine(add_months(month_start(today()), -months_back) + timedelta(days=14),
                              datetime.min.time()).replace(hour=9)
    appeal.submitted_at = moment
    db.session.commit()
    return appeal


@pytest.fixture
def w(ctx):
    w = builders.world()
    w["now"] = builders.write(w["owner"], w, topic_id=str(builders.topic("Консультация").id))
    w["last_month"] = _moved(builders.write(w["owner"], w, topic_id=str(builders.topic("Жалоба").id)), 1)
    w["old"] = _moved(builders.write(w["owner"], w, topic_id=str(builders.topic("Сообщение").id)), 30)
    return w


def test_by_month_newest_first_for_the_previous_and_current_month(client, login, w):
    login(w["owner"])
    page = _text(client.get("/my/appeals/"))
    this, previous = month_title(w["now"].submitted_at), month_title(w["last_month"].submitted_at)
    assert page.count('data-test="month"') == 2
    assert page.index(this) < page.index("Консультация") < page.index(previous) < page.index("Жалоба")
    assert "Сообщение</a>" not in page  # 30 months ago: outside the default period
    assert f'href="/my/appeals/{w["now"].id}"' in page


def test_any_months_within_3_years(client, login, w):
    login(w["owner"])
    page = _text(client.get(f"/my/appeals/?period_from={_month(36)}&period_to={_month(0)}"))
    assert page.count('data-test="appeal"') == 3 and page.count('data-test="month"') == 3
    assert month_title(w["old"].submitted_at) in page


def test_older_than_3_years_is_refused(client, login, w):
    login(w["owner"])
    page = _text(client.get(f"/my/appeals/?period_from={_month(37)}&period_to={_month(0)}"))
    assert 'data-test="error-period_from"' in page
    assert "История обращений доступна за последние 3 года" in page
    assert 'data-test="appeal"' not in page


def test_a_period_ending_in_the_future_or_reversed_is_refused(client, login, w):
    login(w["owner"])
    future = add_months(month_start(today()), 1).strftime("%Y-%m")
    assert "Период не может заканчиваться позже текущего месяца" in _text(
        client.get(f"/my/appeals/?period_from={_month(1)}&period_to={future}"))
    assert "Конец периода не может быть раньше его начала" in _text(
        client.get(f"/my/appeals/?period_from={_month(0)}&period_to={_month(2)}"))


def test_filtered_by_personal_account(client, login, w):
    second = b.account(address="г. Самара, ул. Садовая, д. 2")
    b.link(w["owner"], second)
    b.commit()
    lonely = builders.write(w["owner"], w, account_id=str(second.id), supplier_id="", text="По второму счету")
    login(w["owner"])
    everything = _text(client.get("/my/appeals/"))
    assert f'data-id="{lonely.id}"' in everything
    one = _text(client.get(f"/my/appeals/?account={w['account'].id}"))
    assert f'data-id="{lonely.id}"' not in one and f'data-id="{w["now"].id}"' in one
    assert 'data-test="appeal"' not in _text(client.get("/my/appeals/?account=999999"))


def test_another_consumers_appeals_never_show(client, login, w):
    from tests.factories import make_consumer

    login(make_consumer())
    page = _text(client.get(f"/my/appeals/?period_from={_month(36)}&period_to={_month(0)}"))
    assert 'data-test="appeal"' not in page and 'data-test="no-appeals"' in page


def test_the_page_reads_as_many_statements_for_many_appeals_as_for_one(client, login, w):
    from sqlalchemy import event

    login(w["owner"])
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        client.get("/my/appeals/")  # once-per-process caches filled
        statements.clear()
        client.get("/my/appeals/")
        few = len(statements)
        for _ in range(6):
            builders.write(w["owner"], w)
        client.get("/my/appeals/")  # the notices' emails the writes queued go out on this request
        statements.clear()
        page = _text(client.get("/my/appeals/"))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert page.count('data-test="appeal"') == 8
    assert len(statements) == few, statements
