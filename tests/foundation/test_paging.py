"""Lists page the same way (app/core/paging.py): «Далее» only when there is a next page, and a
?page= that is not a positive number means the first page."""
import pytest

from app.extensions import db
from app.models import CopyRequest, Notification
from tests.factories import make_consumer, make_staff


def add_notifications(user, count):
    db.session.add_all(Notification(user_id=user.id, title=f"Уведомление {i}") for i in range(count))
    db.session.commit()


@pytest.mark.parametrize("count, has_next", [(20, False), (21, True)])
def test_next_link_only_when_there_is_a_next_page(ctx, client, login, reference_data, count, has_next):
    user = login(make_consumer())
    add_notifications(user, count)
    html = client.get("/my/notifications/").get_data(as_text=True)
    assert html.count('data-test="notification"') == 20
    assert ('href="?page=2"' in html) is has_next
    if has_next:
        assert client.get("/my/notifications/?page=2").get_data(as_text=True).count('data-test="notification"') == 1


@pytest.mark.parametrize("value", ["0", "-3", "abc", ""])
def test_a_page_that_is_not_a_positive_number_is_the_first(ctx, client, login, reference_data, value):
    user = login(make_consumer())
    add_notifications(user, 21)
    response = client.get(f"/my/notifications/?page={value}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('data-test="notification"') == 20 and 'href="?page=0"' not in html


def test_copy_request_lists_offer_no_page_after_a_full_last_one(ctx, client, login, reference_data):
    from app.views.documents import PER_PAGE

    consumer = make_consumer()
    db.session.add_all(CopyRequest(consumer_id=consumer.consumer.id, documents=f"Акт {i}") for i in range(PER_PAGE))
    db.session.commit()
    login(consumer)
    assert "page=2" not in client.get("/documents/copies/").get_data(as_text=True)
    login(make_staff("Staff"))
    assert "page=2" not in client.get("/documents/copies/staff/").get_data(as_text=True)
    db.session.add(CopyRequest(consumer_id=consumer.consumer.id, documents="Ещё один акт"))
    db.session.commit()
    html = client.get("/documents/copies/staff/?status=new").get_data(as_text=True)
    assert 'href="?status=new&amp;page=2"' in html  # the next page keeps the queue's filter
