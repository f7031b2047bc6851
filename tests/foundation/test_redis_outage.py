"""Redis down or hung (issue 10, point 3): the portal still answers at once, limits still
hold (in memory), and what could not be queued is delivered by the outbox sweep."""
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.core.jobs import queue
from app.models import OutboxMessage, OutboxStatus
from app.core.notifications.notify import queue_sms
from tests.factories import PASSWORD, make_consumer

ROOT = Path(__file__).resolve().parents[2]
#: nothing listens on port 1: every connection is refused at once
DEAD_REDIS = "redis://127.0.0.1:1/10"


@pytest.fixture
def hung_redis():
    """A server that accepts connections and never answers: a Redis that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/10"
    stop.set()
    thread.join()
    for connection in held + [server]:
        connection.close()


def timed_post(client, url, data, *, limit=10.0):
    """POST in a thread (a request that hangs must not hang the test): (response, seconds)."""
    result = {}

    def run():
        started = time.perf_counter()
        try:
            result["response"] = client.post(url, data=data)
        except Exception as exc:  # raised instead of a 500 (TESTING propagates it)
            result["error"] = exc
        result["seconds"] = time.perf_counter() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"POST {url} still had no answer after {limit} s"
    assert "error" not in result, f"POST {url} failed after {result['seconds']:.1f} s: {result['error']!r}"
    return result["response"], result["seconds"]


def test_login_answers_and_is_still_limited_when_redis_is_down(make_app, ctx):
    down = make_app(RATELIMIT_STORAGE_URI=DEAD_REDIS, REDIS_URL=DEAD_REDIS, LOGIN_RATE_LIMIT="3 per minute")
    user = make_consumer()
    client = down.test_client()
    for _ in range(3):
        response = client.post("/login/", data={"username": user.email, "password": "Wrong-123!"})
        assert response.status_code == 200
        assert "Неверный логин или пароль" in response.text
    blocked = client.post("/login/", data={"username": user.email, "password": PASSWORD})
    assert blocked.status_code == 429  # the limit holds, counted in memory


def test_code_requested_while_redis_is_down_still_arrives(make_app, ctx, sent, monkeypatch):
    down = make_app(RATELIMIT_STORAGE_URI=DEAD_REDIS, REDIS_URL=DEAD_REDIS, OUTBOX_SWEEP_SECONDS=60)
    monkeypatch.setitem(queue._last_sweep, "at", 0.0)
    user = make_consumer()
    response = down.test_client().post("/login/code/", data={"destination": user.phone})
    assert response.status_code == 302
    # rq is unreachable, so the request itself sweeps the outbox: the code is not stuck
    assert [phone for phone, _ in sent.sms] == [user.phone]


def test_a_hung_redis_does_not_hold_responses(make_app, ctx, hung_redis):
    hung = make_app(RATELIMIT_STORAGE_URI=hung_redis, REDIS_URL=hung_redis)
    user = make_consumer()
    client = hung.test_client()
    for attempt in range(2):  # the first meets the hang, the second finds Redis set aside
        response, seconds = timed_post(client, "/login/code/", {"destination": user.phone})
        assert response.status_code == 302
        assert seconds < 1.0, f"attempt {attempt + 1} took {seconds:.1f} s"
    db.session.expire_all()
    pending = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == user.phone)).all()
    assert pending and {m.status for m in pending} == {OutboxStatus.PENDING}  # left to the sweep
    started = time.perf_counter()
    health = client.get("/health").get_json()
    assert health["status"] == "degraded" and time.perf_counter() - started < 1.0


@pytest.mark.redis
def test_rq_cron_sweeps_what_an_outage_left(make_app, app, redis_url, tmp_path):
    """With Redis configured the sweep is `rq cron app/core/jobs/cron.py` plus a worker."""
    from redis import Redis
    from rq import Queue

    down = make_app(REDIS_URL=DEAD_REDIS)
    with down.app_context():
        message = queue_sms("+79120000042", "Статус заявки изменён")
        db.session.commit()
        queue.dispatch_ready()  # refused: the message stays pending
        message_id = message.id
        db.session.remove()
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    env = {**os.environ, "KABINET_ENV": "development", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": redis_url, "SMS_BACKEND": "file", "OUTBOX_DIR": str(tmp_path),
           "KABINET_INSTANCE_DIR": str(tmp_path / "instance")}
    cron = subprocess.Popen([sys.executable, "-m", "rq.cli", "cron", "app/core/jobs/cron.py", "--url", redis_url],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while Queue("kabinet", connection=connection).count == 0 and time.monotonic() < deadline:
            assert cron.poll() is None, cron.stderr.read()
            time.sleep(0.2)
    finally:
        cron.terminate()
        cron.wait(10)
    worker = subprocess.run([sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", redis_url, "kabinet"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.SENT
    assert "Статус заявки изменён" in next(tmp_path.glob("*.txt")).read_text(encoding="utf-8")
