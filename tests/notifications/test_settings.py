"""«Настройка уведомлений»: a channel switched off for a kind of event is not used by notify_user —
the portal notice, the email or the SMS of that kind only; codes and password messages are never
switched off; the marketing consent is stored with its date and source; the page shows what was saved."""
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.core.notifications.notify import notify_user
from app.extensions import db
from app.models import Notification, NotificationOptOut, NotificationSettings, OutboxMessage
from app.models.notifications import MarketingSource
from tests.factories import make_consumer
from workflows.notifications.kinds import CHANNELS, kind_of, kinds_in_use

URL = "/my/notifications/settings/"


@pytest.fixture
def user(ctx):
    row = make_consumer()
    assert row.email_confirmed_at and row.phone_confirmed_at
    return row


def _all_on(**overrides) -> dict:
    data = {f"{kind.code}__{channel}": "y" for kind in kinds_in_use() for channel in CHANNELS}
    data.update(show_hints="y")
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _sent(user, template: str) -> dict:
    """What one notify_user call left: portal notices and outbox rows by channel."""
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.execute(Notification.__table__.delete())
    notify_user(user, template, link="/my/applications/", how="по ссылке", reason="тест",
                account=SimpleNamespace(number="1000000001", address="Казань"),
                payment=SimpleNamespace(amount=Decimal("500"), paid_at=None, parts=[]))
    counts = {"portal": db.session.scalar(select(func.count()).select_from(Notification))}
    for channel in ("email", "sms"):
        counts[channel] = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                            .where(OutboxMessage.channel == channel))
    db.session.rollback()
    return counts


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_channel_switched_off_is_not_used_for_its_kind_only(client, login, user, channel):
    login(user)
    assert client.post(URL, data=_all_on(**{f"billing__{channel}": None})).status_code == 302
    assert _sent(user, "billing_account_unlinked") == {key: int(key != channel) for key in CHANNELS}
    # another kind keeps every channel
    assert _sent(user, "payment_succeeded") == {"portal": 1, "email": 1, "sms": 1}


def test_password_messages_cannot_be_switched_off(client, login, user):
    login(user)
    everything_off = {key: None for key in _all_on() if "__" in key}
    client.post(URL, data=_all_on(**everything_off))
    assert db.session.scalar(select(func.count()).select_from(NotificationOptOut)) == \
        len(kinds_in_use()) * len(CHANNELS)
    assert kind_of("account_password_changed") is None and kind_of("account_code") is None
    assert _sent(user, "account_password_changed")["portal"] == 1
    assert _sent(user, "account_password_changed")["email"] == 1
    page = client.get(URL).get_data(as_text=True)
    assert "Смена пароля" not in page and "Коды подтверждения и сообщения о смене пароля приходят всегда" in page


def test_the_page_shows_what_was_saved(client, login, user):
    login(user)
    page = client.get(URL).get_data(as_text=True)
    assert 'name="application__email" type="checkbox" value="y"' in page and "Статус заявки" in page
    assert 'id="marketing_consent" name="marketing_consent" type="checkbox" value="y">' in page  # off by default
    client.post(URL, data=_all_on(application__email=None, marketing_consent="y"))
    page = client.get(URL).get_data(as_text=True)
    assert 'checked id="application__email"' not in page and 'checked id="application__sms"' in page
    assert 'checked id="marketing_consent"' in page and "Согласие дано" in page


def test_the_consent_is_stored_with_its_date_and_source(client, login, user):
    login(user)
    client.post(URL, data=_all_on(marketing_consent="y"))
    db.session.expire_all()
    row = db.session.get(NotificationSettings, user.id)
    assert row.marketing_consent and row.marketing_changed_at is not None
    assert row.marketing_source == MarketingSource.SETTINGS and row.marketing_version == 1
    client.post(URL, data=_all_on())
    db.session.expire_all()
    row = db.session.get(NotificationSettings, user.id)
    assert not row.marketing_consent and row.marketing_version == 2


def test_the_history_and_the_profile_link_to_the_settings(client, login, user):
    login(user)
    assert 'href="/my/notifications/settings/"' in client.get("/my/notifications/").get_data(as_text=True)
    assert 'href="/my/notifications/settings/"' in client.get("/my/profile/").get_data(as_text=True)


def test_the_form_needs_its_csrf_token(app, client, login, user):
    login(user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(URL, data=_all_on(application__email=None)).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalar(select(func.count()).select_from(NotificationOptOut)) == 0
