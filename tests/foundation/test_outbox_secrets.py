"""Issue 10.5: one-time codes and password links are not readable in the outbox table."""
import re
from datetime import datetime, timedelta

import time_machine
from sqlalchemy import select, text

from app.extensions import db
from app.core.notifications.outbox import sweep_outbox
from app.core.jobs.queue import dispatch_ready
from app.core.notifications.transports import DeliveryError
from app.models import OutboxMessage, OutboxStatus
from app.core.notifications.notify import queue_sms
from tests.factories import make_consumer
from app.core.lifetimes import PASSWORD_RESET_LINK
from workflows.accounts.codes import issue_code


def _stored_values() -> list[str]:
    """Every column of every outbox row as the database holds it (what a dump shows)."""
    db.session.expire_all()
    rows = db.session.execute(text("SELECT * FROM outbox_message")).mappings().all()
    return [str(value) for row in rows for value in row.values() if value is not None]


def _secret_in_storage(*secrets: str) -> list[str]:
    return [value for value in _stored_values() for secret in secrets if secret in value]


def test_code_is_in_no_column_before_or_after_delivery(client, ctx, sent):
    user = make_consumer()
    client.post("/password/forgot/", data={"destination": user.phone})  # the request delivers it
    code = re.search(r"\b(\d{6})\b", sent.sms[-1][1]).group(1)
    assert _secret_in_storage(code) == []
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.status == OutboxStatus.SENT and row.recipient == user.phone and row.template == "account_code"
    assert row.body == "[скрыто: одноразовый код или ссылка]"


def test_reset_link_and_code_are_unreadable_while_pending(ctx, sent):
    user = make_consumer()
    row = issue_code(purpose="reset_password", channel="email", destination=user.email, user=user,
                     with_link=True, link_lifetime=PASSWORD_RESET_LINK, ip="10.0.0.1")
    db.session.commit()  # queued, not delivered yet: as in a backup taken now
    token = row.plain_link.rsplit("/", 1)[1]
    assert _secret_in_storage(row.plain_code, token) == []
    dispatch_ready()
    body = sent.emails[-1].get_content()
    assert row.plain_code in body and row.plain_link in body  # the user still gets both
    assert _secret_in_storage(row.plain_code, token) == []


def test_setup_link_is_scrubbed_when_delivery_finally_fails(ctx, sent, monkeypatch):
    import app.core.notifications.outbox as jobs
    from workflows.accounts.passwords import send_password_setup

    monkeypatch.setattr(jobs, "send_email", lambda *a, **k: (_ for _ in ()).throw(DeliveryError("SMTP down")))
    monkeypatch.setattr(jobs, "MAX_ATTEMPTS", 1)
    user = make_consumer(confirmed=False)
    send_password_setup(user)
    db.session.commit()
    dispatch_ready()
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.status == OutboxStatus.FAILED and "SMTP down" in row.last_error
    assert not any("/password/set/" in value for value in _stored_values())


def test_expired_code_is_not_sent_late(ctx, sent, monkeypatch):
    import app.core.notifications.outbox as jobs

    with time_machine.travel(datetime(2026, 5, 1, 10, 0), tick=False):
        monkeypatch.setattr(jobs, "send_sms", lambda *a, **k: (_ for _ in ()).throw(DeliveryError("gateway down")))
        row = issue_code(purpose="login", channel="sms", destination="+79120000077", ip="10.0.0.1")
        db.session.commit()
        dispatch_ready()
        monkeypatch.undo()
    with time_machine.travel(datetime(2026, 5, 1, 10, 0) + timedelta(minutes=6), tick=False):
        sweep_outbox()
    assert sent.sms == []
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status == OutboxStatus.EXPIRED
    assert _secret_in_storage(row.plain_code) == []


def test_ordinary_notices_stay_readable_for_the_log(ctx, sent):
    message = queue_sms("+79120000001", "Статус заявки изменен")
    db.session.commit()
    dispatch_ready()
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).body == "Статус заявки изменен"
