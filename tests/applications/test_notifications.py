"""B11: every event notifies through the outbox; a real rq worker delivers; a Redis outage loses nothing."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.core.notifications.outbox import sweep_outbox
from app.core.jobs.queue import dispatch_ready
from app.models import Application, OutboxMessage, OutboxStatus
from app.core.settings import set_setting
from tests.applications.conftest import make_draft, make_submitted, move
from workflows.applications import service

ROOT = Path(__file__).resolve().parents[2]


def test_status_change_sends_portal_email_and_sms(consumer, staff, sent):
    application = make_submitted(consumer)
    dispatch_ready()
    sent.clear()
    move(application, "review", "offer", staff)
    dispatch_ready()
    assert any(m["To"] == consumer.email and "Подготовка оферты договора" in m["Subject"] for m in sent.emails)
    assert any(phone == consumer.phone and "Подготовка оферты договора" in text for phone, text in sent.sms)


def test_user_settings_switch_channels_off(consumer, staff, sent):
    consumer.notify_sms = False
    db.session.commit()
    application = make_submitted(consumer)
    dispatch_ready()
    sent.clear()
    move(application, "review", "offer", staff)
    dispatch_ready()
    assert sent.sms == [] and len(sent.emails) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(consumer, staff, sent):
    application = make_draft(consumer)
    service.submit(application, consumer)
    db.session.rollback()
    dispatch_ready()
    assert sent.emails == [] and sent.sms == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.redis
def test_real_rq_worker_delivers_application_notifications(app, consumer, redis_url, tmp_path):
    from redis import Redis

    url = os.environ.get("KABINET_TEST_REDIS_URL", redis_url)
    Redis.from_url(url).flushdb()
    set_setting("org_email", "office@seti.example")
    draft = make_draft(consumer)
    queued = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=url,
                        UPLOAD_DIR=app.config["UPLOAD_DIR"])
    with queued.app_context():
        application = db.session.get(Application, draft.id)
        service.submit(application, application.consumer.user)
        db.session.commit()
        assert dispatch_ready() == 3  # organization email, consumer email, consumer SMS
        assert queued.extensions["kabinet_queue"].count == 3
        db.session.remove()
    env = {**os.environ, "KABINET_ENV": "development", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": url, "MAIL_BACKEND": "file", "SMS_BACKEND": "file", "OUTBOX_DIR": str(tmp_path),
           "KABINET_INSTANCE_DIR": str(tmp_path / "instance")}
    worker = subprocess.run([sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", url, "kabinet"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}
    emails = [p.read_bytes().decode("utf-8", "replace") for p in tmp_path.glob("*.eml")]
    assert any("office@seti.example" in e for e in emails) and any(consumer.email in e for e in emails)
    sms = [p.read_text(encoding="utf-8") for p in tmp_path.glob("*.txt")]
    assert len(sms) == 1 and "На рассмотрении" in sms[0]


def test_redis_outage_delays_and_the_sweep_catches_up_once(app, consumer, staff, sent):
    application_id = make_submitted(consumer).id
    dispatch_ready()
    sent.clear()
    down = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      REDIS_URL="redis://127.0.0.1:1/0", UPLOAD_DIR=app.config["UPLOAD_DIR"])
    with down.app_context():
        application = db.session.get(Application, application_id)
        actor = db.session.merge(staff)
        move(application, "review", "offer", actor)
        assert dispatch_ready() == 2  # handed to a queue that is down: logged, left pending
        db.session.remove()
    db.session.expire_all()
    pending = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)).all()
    assert len(pending) == 2 and sent.emails == []
    assert sweep_outbox() == 2  # Redis is back (here: in-process delivery)
    assert sweep_outbox() == 0
    assert len(sent.emails) == 1 and len(sent.sms) == 1


def test_every_notification_template_renders_in_russian(app, consumer, staff):
    from flask import render_template

    from workflows.applications.tracker import STAGES

    application = make_submitted(consumer)
    service.assign_number(application, "1563", staff)
    context = dict(user=consumer, application=application, link=service.consumer_link(application),
                   status_name="Подготовка оферты договора", comment="Комментарий", title="Договор ТП",
                   note="Ведется проектирование", text="Здравствуйте", stages=STAGES[:2],
                   tracker={"1": {"date": "2026-03-13"}})
    folder = Path(app.template_folder if Path(app.template_folder).is_absolute()
                  else Path(app.root_path) / app.template_folder) / "notifications"
    names = sorted(p.name for p in folder.glob("*.j2") if p.name.startswith(("application_", "message_")))
    assert len(names) >= 20
    for name in names:
        rendered = render_template(f"notifications/{name}", **context).strip()
        assert rendered and "{{" not in rendered, name
        assert any("а" <= ch <= "я" for ch in rendered.lower()), name
