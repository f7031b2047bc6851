"""Outbox and background jobs: after-commit dispatch, retries, real rq worker, Redis outage."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.core.notifications.outbox import deliver_outbox_message, sweep_outbox
from app.core.jobs.queue import dispatch_ready
from app.core.notifications.transports import DeliveryError
from app.models import OutboxMessage, OutboxStatus
from app.core.notifications.notify import queue_email, queue_sms

ROOT = Path(__file__).resolve().parents[2]


def test_message_is_delivered_only_after_commit(ctx, sent):
    message = queue_sms("+79120000001", "Код: 123456")
    assert dispatch_ready() == 0  # not committed yet: nothing leaves
    db.session.commit()
    assert dispatch_ready() == 1
    assert sent.sms == [("+79120000001", "Код: 123456")]
    assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.SENT


def test_rolled_back_message_is_never_sent(ctx, sent):
    queue_email("a@example.ru", "Тема", "Текст")
    db.session.rollback()
    db.session.commit()
    dispatch_ready()
    assert sent.emails == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_released_savepoint_hands_nothing_over_before_the_commit(ctx, sent):
    with db.session.begin_nested():
        queue_sms("+79120000001", "Код: 123456")
    assert dispatch_ready() == 0  # the savepoint is released, the transaction is still open
    db.session.rollback()
    db.session.commit()
    assert dispatch_ready() == 0 and sent.sms == []  # rolled back with the transaction: never sent


def test_a_savepoint_rolled_back_drops_only_the_jobs_queued_in_it(ctx, sent):
    queue_sms("+79120000001", "До точки сохранения")
    savepoint = db.session.begin_nested()
    queue_sms("+79120000002", "В точке сохранения")
    savepoint.rollback()
    db.session.commit()
    assert dispatch_ready() == 1
    assert sent.sms == [("+79120000001", "До точки сохранения")]


def test_redelivery_never_sends_twice(ctx, sent):
    message = queue_email("a@example.ru", "Тема", "Текст")
    db.session.commit()
    dispatch_ready()
    assert deliver_outbox_message(message.id) == OutboxStatus.SENT
    sweep_outbox()
    assert len(sent.emails) == 1


def test_failed_delivery_is_retried_later(ctx, sent, monkeypatch):
    import app.core.notifications.outbox as jobs

    def broken(*args, **kwargs):
        raise DeliveryError("gateway down")

    monkeypatch.setattr(jobs, "send_sms", broken)
    message = queue_sms("+79120000001", "текст")
    db.session.commit()
    dispatch_ready()
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "gateway down" in row.last_error
    monkeypatch.undo()
    row.next_attempt_at = row.created_at  # the back-off has passed
    db.session.commit()
    assert sweep_outbox() == 1
    assert sent.sms == [("+79120000001", "текст")]


def test_file_backends_write_eml_and_txt(app, tmp_path):
    from app.core.notifications.transports import send_email, send_sms

    with app.app_context():
        app.config.update(MAIL_BACKEND="file", SMS_BACKEND="file", OUTBOX_DIR=str(tmp_path))
        try:
            send_email("user@example.ru", "Код подтверждения", "Ваш код: 123456")
            send_sms("+79120000001", "Ваш код: 654321")
        finally:
            app.config.update(MAIL_BACKEND="memory", SMS_BACKEND="memory")
    eml = next(tmp_path.glob("*.eml")).read_bytes().decode()
    txt = next(tmp_path.glob("*.txt")).read_text(encoding="utf-8")
    assert "To: user@example.ru" in eml
    assert "To: +79120000001" in txt and "654321" in txt


@pytest.mark.redis
def test_real_rq_worker_delivers_the_outbox(app, redis_url, tmp_path):
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    queued = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url)
    with queued.app_context():
        message = queue_email("worker@example.ru", "Проверка", "Доставлено рабочим процессом rq")
        db.session.commit()
        assert dispatch_ready() == 1
        assert queued.extensions["kabinet_queue"].count == 1
        message_id = message.id
    env = {
        **os.environ,
        "KABINET_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "MAIL_BACKEND": "file",
        "OUTBOX_DIR": str(tmp_path),
        "KABINET_INSTANCE_DIR": str(tmp_path / "instance"),
    }
    worker = subprocess.run(
        [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", redis_url, "kabinet"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.SENT
    assert "worker@example.ru" in next(tmp_path.glob("*.eml")).read_text()


def test_redis_outage_delays_but_loses_nothing(app, sent):
    down = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      REDIS_URL="redis://127.0.0.1:1/0")
    with down.app_context():
        message = queue_sms("+79120000009", "Статус заявки изменён")
        db.session.commit()
        dispatch_ready()  # Redis refuses: logged, message stays pending
        assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.PENDING
        message_id = message.id
    assert sent.sms == []
    with app.app_context():  # Redis is back (here: in-process): the sweep catches up
        assert sweep_outbox() == 1
        assert sweep_outbox() == 0
        assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.SENT
    assert sent.sms == [("+79120000009", "Статус заявки изменён")]


def test_health_reports_queue_down_as_degraded(app):
    down = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      REDIS_URL="redis://127.0.0.1:1/0")
    body = down.test_client().get("/health").get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["queue"]["ok"] is False


def test_without_redis_requests_resend_what_is_pending(app, client, sent, monkeypatch):
    """Embedded mode has no rq cron: a later request re-sends a message whose first try failed."""
    import app.core.notifications.outbox as jobs
    from app.core.jobs import queue

    with app.app_context():
        monkeypatch.setattr(jobs, "send_email", lambda *a, **k: (_ for _ in ()).throw(DeliveryError("SMTP down")))
        message = queue_email("late@example.ru", "Тема", "Текст")
        db.session.commit()
        dispatch_ready()
        monkeypatch.undo()
        row = db.session.get(OutboxMessage, message.id)
        assert row.status == OutboxStatus.PENDING
        row.next_attempt_at = row.created_at
        db.session.commit()
        message_id = message.id
    monkeypatch.setitem(app.config, "OUTBOX_SWEEP_SECONDS", 60)
    monkeypatch.setitem(queue._last_sweep, "at", 0.0)
    client.get("/health")
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.SENT
    assert [m["To"] for m in sent.emails] == ["late@example.ru"]
    client.get("/health")  # within the interval: no second sweep, no second send
    assert len(sent.emails) == 1
