"""The demo consumer's «Уведомления»: several notices, some unread, made once; no marketing consent."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Notification, NotificationSettings
from tests.factories import make_consumer
from workflows.notifications.demo import DEMO_NOTICES, demo_notifications


def test_the_demo_consumer_has_notices_some_unread_and_no_consent(client, login, ctx):
    user = make_consumer()
    assert demo_notifications(user.email) and demo_notifications(user.email) == []
    db.session.commit()
    count = select(func.count()).select_from(Notification).where(Notification.user_id == user.id)
    assert db.session.scalar(count) == len(DEMO_NOTICES)
    assert db.session.scalar(count.where(Notification.read_at.is_(None))) == 3
    assert db.session.get(NotificationSettings, user.id) is None  # the defaults: no consent
    login(user)
    assert "Непрочитанных уведомлений: <strong>3</strong>" in client.get("/my/notifications/").get_data(as_text=True)
    settings = client.get("/my/notifications/settings/").get_data(as_text=True)
    assert 'checked id="marketing_consent"' not in settings


def test_an_unknown_email_makes_nothing(ctx):
    assert demo_notifications("nobody@example.ru") == []
