"""«Nothing lost» 2: a message claimed by a worker that died is sent soon, and not twice."""
from datetime import datetime, timedelta

import time_machine
from sqlalchemy import update

import app.core.notifications.outbox as jobs
from app.extensions import db
from app.core.notifications.outbox import deliver_outbox_message, sweep_outbox
from app.core.jobs.queue import dispatch_ready
from app.core.notifications.transports import DeliveryError
from app.models import OutboxMessage, OutboxStatus
from app.core.notifications.notify import queue_sms

START = datetime(2026, 5, 1, 10, 0)


def _left_sending_by_a_dead_worker(text="Код входа: 123456") -> int:
    """A message a worker claimed at START and then died: still «sending», never finished."""
    with time_machine.travel(START, tick=False):
        message = queue_sms("+79120000001", text)
        db.session.flush()
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(
            status=jobs.SENDING, attempts=1, next_attempt_at=START))
        db.session.commit()
        from app.core.jobs.queue import _ready_jobs

        _ready_jobs().clear()
    return message.id


def _status(message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id).status


def test_a_dead_workers_message_is_reclaimed_within_a_minute(ctx, sent):
    message_id = _left_sending_by_a_dead_worker()
    with time_machine.travel(START + timedelta(seconds=30), tick=False):
        assert sweep_outbox() == 0  # it may still be on its way
    assert sent.sms == []
    with time_machine.travel(START + timedelta(seconds=61), tick=False):
        assert sweep_outbox() == 1
    assert sent.sms == [("+79120000001", "Код входа: 123456")]
    assert _status(message_id) == OutboxStatus.SENT


def test_the_claim_outlives_every_socket_timeout():
    from app.core.notifications.transports import SOCKET_TIMEOUT

    assert jobs.STALE_CLAIM > jobs.HANDOFF_WITHIN + timedelta(seconds=SOCKET_TIMEOUT)
    assert timedelta(seconds=30) <= jobs.STALE_CLAIM <= timedelta(seconds=60)


def _two_workers(monkeypatch, *, worker1_result):
    """Worker 1 claims a message at START, then stalls for 11 minutes just before handing it to
    the gateway; meanwhile worker 2 finds the claim stale, takes the message over and sends it.
    Then worker 1 goes on: `worker1_result` is what its own gateway call does ("send" or "fail")."""
    real_send = jobs.send_sms
    traveller = time_machine.travel(START, tick=False)
    clock = traveller.start()
    calls = []

    def gateway(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:  # worker 1 stalls here
            clock.move_to(START + timedelta(minutes=11))
            deliver_outbox_message(message.id)  # worker 2
            if worker1_result == "fail":
                raise DeliveryError("timed out")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(jobs, "send_sms", gateway)
    try:
        message = queue_sms("+79120000002", "Код входа: 654321")
        db.session.commit()
        dispatch_ready()  # worker 1
        clock.move_to(START + timedelta(hours=1))
        sweep_outbox()  # anything left to retry would go now
    finally:
        traveller.stop()
    return message.id


def test_a_stalled_worker_does_not_send_a_second_copy(ctx, sent, monkeypatch):
    message_id = _two_workers(monkeypatch, worker1_result="send")
    assert sent.sms == [("+79120000002", "Код входа: 654321")]
    assert _status(message_id) == OutboxStatus.SENT


def test_a_stalled_workers_failure_does_not_undo_the_delivery(ctx, sent, monkeypatch):
    message_id = _two_workers(monkeypatch, worker1_result="fail")
    assert sent.sms == [("+79120000002", "Код входа: 654321")]
    assert _status(message_id) == OutboxStatus.SENT


def test_email_copies_of_one_message_share_a_message_id(ctx, sent):
    """If SMTP ever delivers twice (a lost «250 OK»), mail clients fold copies by Message-ID."""
    from app.core.notifications.notify import queue_email

    message = queue_email("a@example.ru", "Тема", "Текст")
    db.session.commit()
    dispatch_ready()
    first = sent.emails[-1]["Message-ID"]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(
        status=OutboxStatus.PENDING))
    db.session.commit()
    deliver_outbox_message(message.id)
    assert len(sent.emails) == 2 and sent.emails[-1]["Message-ID"] == first


def test_a_message_its_workers_keep_dying_on_is_given_up(ctx, sent):
    message_id = _left_sending_by_a_dead_worker()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        attempts=jobs.MAX_ATTEMPTS))
    db.session.commit()
    with time_machine.travel(START + timedelta(seconds=61), tick=False):
        assert sweep_outbox() == 1
        assert sweep_outbox() == 0
    assert sent.sms == [] and _status(message_id) == OutboxStatus.FAILED
