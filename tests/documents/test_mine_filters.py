"""«Мои документы» filters (направление, тип документов, период, лицевой счет) and paging: each
narrows the list to what it names, a period ending before it starts is refused with its message,
and the filters survive paging."""
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from app.extensions import db
from app.models import DocumentDirection, DocumentSource
from tests.billing import builders as b
from tests.documents import mine_world as w
from workflows.documents import history
from workflows.documents.mine import MSG_PERIOD, PER_PAGE


@pytest.fixture
def world(ctx):
    world = w.people()
    other_account = b.account()
    b.link(world.owner, other_account)
    world.other_account = other_account
    consumer = world.owner.consumer.id
    start = datetime(2026, 3, 1, 9, 0)
    for n in range(30):  # a day apart; odd ones received receipts of the second account
        received = n % 2 == 1
        history.record(consumer, direction=DocumentDirection.RECEIVED if received else DocumentDirection.SENT,
                       type_name=history.RECEIPT_TYPE if received else "Судебный приказ", title=f"Документ {n}",
                       source_kind=DocumentSource.RECEIPT if received else DocumentSource.ATTACHMENT, source_id=n + 1,
                       created_at=start + timedelta(days=n), account_id=other_account.id if received else None,
                       period=date(2026, 3, 1) if received else None)
    db.session.commit()
    return world


def _titles(client, query=""):
    response = client.get("/my/documents/" + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return [row["title"].split()[1] for row in w.rows_of(html)], html


def test_direction_type_and_account_narrow_the_list(client, login, world):
    login(world.owner)
    sent, _ = _titles(client, "?direction=sent")
    assert sent == [str(n) for n in range(28, -1, -2)][:PER_PAGE]
    received, _ = _titles(client, "?direction=received")
    assert received == [str(n) for n in range(29, 0, -2)]
    typed, _ = _titles(client, "?type_name=Судебный+приказ")
    assert typed == sent
    by_account, _ = _titles(client, f"?account_id={world.other_account.id}")
    assert by_account == received
    none, html = _titles(client, f"?account_id={world.account.id}")
    assert none == [] and 'data-test="no-documents"' in html


def test_period_counts_whole_moscow_days(client, login, world):
    login(world.owner)
    titles, _ = _titles(client, "?date_from=2026-03-03&date_to=2026-03-05")
    assert titles == ["4", "3", "2"]


def test_period_that_ends_before_it_starts_is_refused_and_shows_all(client, login, world):
    login(world.owner)
    titles, html = _titles(client, "?date_from=2026-03-10&date_to=2026-03-05")
    assert MSG_PERIOD in html
    assert titles[0] == "29" and len(titles) == PER_PAGE


def test_filters_survive_paging(client, login, world):
    login(world.owner)
    first, html = _titles(client, "?direction=sent&date_from=2026-03-01")
    assert len(first) == PER_PAGE - 5  # 15 sent documents: one page
    all_first, html = _titles(client, "?date_from=2026-03-01")
    assert len(all_first) == PER_PAGE
    next_link = html.split('class="pull-right" href="')[1].split('"')[0]
    assert parse_qs(urlparse(next_link.replace("&amp;", "&")).query) == {"date_from": ["2026-03-01"], "page": ["2"]}
    second, html = _titles(client, next_link.replace("&amp;", "&"))
    assert second == [str(n) for n in range(9, -1, -1)]
    assert 'class="pull-right"' not in html
