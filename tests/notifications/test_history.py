"""«Уведомления»: the filters (все / непрочитанные / прочитанные, a period in Moscow dates, a kind of
event), the unread count, opening a notice reads it, «Отметить как прочитанное / непрочитанное»,
«Отметить все как прочитанные», paging; only one's own notices."""
from datetime import datetime

import pytest

from app.extensions import db
from app.models import Notification
from tests.factories import make_consumer
from tests.notifications.builders import notice, titles

URL = "/my/notifications/"


@pytest.fixture
def mine(ctx):
    user, other = make_consumer(), make_consumer()
    rows = {
        "status": notice(user, "Статус изменен", created=datetime(2026, 11, 1, 8), read=True),
        "message": notice(user, "Новое сообщение", template="message_from_organization",
                          created=datetime(2026, 11, 5, 8), link="/my/applications/"),
        # 23:30 UTC on 14.11 is 02:30 on 15.11 in Moscow
        "payment": notice(user, "Платеж прошел", template="payment_succeeded", created=datetime(2026, 11, 14, 23, 30)),
        "old": notice(user, "Старое без вида", template=None, created=datetime(2026, 10, 1, 8), read=True),
    }
    notice(other, "Чужое уведомление", created=datetime(2026, 11, 6, 8))
    db.session.commit()
    return user, other, rows


def _page(client, **args) -> str:
    response = client.get(URL, query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("args, expected", [
    ({}, ["Платеж прошел", "Новое сообщение", "Статус изменен", "Старое без вида"]),
    ({"state": "unread"}, ["Платеж прошел", "Новое сообщение"]),
    ({"state": "read"}, ["Статус изменен", "Старое без вида"]),
    ({"kind": "messages"}, ["Новое сообщение"]),
    ({"kind": "payments", "state": "unread"}, ["Платеж прошел"]),
    ({"since": "05.11.2026", "until": "14.11.2026"}, ["Новое сообщение"]),
    ({"since": "15.11.2026"}, ["Платеж прошел"]),
    ({"until": "31.10.2026"}, ["Старое без вида"]),
    ({"state": "nonsense", "kind": "nonsense"}, ["Платеж прошел", "Новое сообщение", "Статус изменен",
                                                 "Старое без вида"]),
])
def test_filters_show_what_they_say(client, login, mine, args, expected):
    login(mine[0])
    assert titles(_page(client, **args)) == expected


@pytest.mark.parametrize("args, message", [
    ({"since": "32.11.2026"}, "Введите дату в формате ДД.ММ.ГГГГ"),
    ({"since": "10.11.2026", "until": "01.11.2026"}, "Дата окончания периода не может быть раньше даты начала"),
])
def test_a_wrong_period_says_why_and_filters_nothing_by_date(client, login, mine, args, message):
    login(mine[0])
    html = _page(client, **args)
    assert message in html and len(titles(html)) == 4


def test_unread_count_open_mark_and_mark_all(client, login, mine):
    user, _, rows = mine
    login(user)
    assert "Непрочитанных уведомлений: <strong>2</strong>" in _page(client)
    opened = client.get(f"{URL}{rows['message'].id}")
    assert opened.status_code == 302 and opened.headers["Location"] == "/my/applications/"
    assert "Непрочитанных уведомлений: <strong>1</strong>" in _page(client)
    assert client.post(f"{URL}{rows['message'].id}/unread").status_code == 302
    assert titles(_page(client, state="unread")) == ["Платеж прошел", "Новое сообщение"]
    client.post(f"{URL}{rows['payment'].id}/read", data={"back": "/my/notifications/?state=unread"})
    assert titles(_page(client, state="unread")) == ["Новое сообщение"]
    done = client.post(URL + "read")
    assert done.status_code == 302
    html = _page(client)
    assert "Непрочитанных уведомлений: <strong>0</strong>" in html and "Отметить все как прочитанные" not in html
    db.session.expire_all()
    assert db.session.get(Notification, rows["payment"].id).read_at is not None


def test_mark_all_leaves_anothers_notices_unread(client, login, mine):
    user, other, _ = mine
    login(user)
    client.post(URL + "read")
    db.session.expire_all()
    theirs = db.session.query(Notification).filter_by(user_id=other.id).one()
    assert theirs.read_at is None


def test_a_notice_without_a_portal_link_opens_the_list(client, login, mine):
    user, _, rows = mine
    login(user)
    assert client.get(f"{URL}{rows['payment'].id}").headers["Location"] == URL


def test_pages_of_twenty_keep_the_filter(client, login, ctx):
    user = make_consumer()
    for day in range(1, 26):
        notice(user, f"Уведомление {day:02d}", created=datetime(2026, 11, day, 8))
    db.session.commit()
    login(user)
    first = _page(client, state="unread")
    assert len(titles(first)) == 20 and "state=unread&amp;page=2" in first
    assert titles(_page(client, state="unread", page=2)) == [f"Уведомление {day:02d}" for day in range(5, 0, -1)]


def test_the_buttons_need_their_csrf_token(app, client, login, mine):
    user, _, rows = mine
    login(user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(URL + "read").status_code == 400
        assert client.post(f"{URL}{rows['payment'].id}/read").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(Notification, rows["payment"].id).read_at is None
