"""Issue 10, points 7 and 11: wrong attempts are counted in the database, atomically (concurrent
guesses cannot slip past the limit), and per account (many addresses do not help)."""
import threading
from datetime import datetime, timedelta

import pyotp
import pytest
import time_machine

from app.extensions import db
from app.models import KabinetUser, LegalForm, Signature
from app.security.roles import STAFF
from tests.accounts.conftest import last_code
from tests.factories import PASSWORD, make_consumer, make_staff
from workflows.accounts import codes
from workflows.accounts.codes import CodeError, issue_code, verify_code

PHONE = "+79123450000"
THREADS = 40
#: the limits when the configuration does not say otherwise
DEFAULT_TOTP_MAX_FAILURES = 5
DEFAULT_CODE_ACCOUNT_MAX_FAILURES = 10


def race(app, attempt, threads=THREADS):
    """Run attempt() in `threads` threads at once, each in its own app context and database
    session (as concurrent requests are); commit after each, as the views do. Returns the
    outcomes: attempt()'s value or the CodeError message."""
    barrier = threading.Barrier(threads)
    outcomes = []

    def run():
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                outcome = attempt()
            except CodeError as exc:
                outcome = exc.message
            except Exception as exc:  # noqa: BLE001 — reported below
                outcome = exc
            try:
                db.session.commit()
            except Exception as exc:  # noqa: BLE001
                outcome = exc
            finally:
                db.session.remove()
            outcomes.append(outcome)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert len(outcomes) == threads
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    return outcomes


def soon() -> datetime:
    """A moment just ahead (travelling back would put the test's own rows in the future)."""
    return datetime.now().replace(microsecond=0) + timedelta(minutes=1)


def a_wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def wrong_totp(secret: str, at: datetime) -> str:
    """A code that matches no window the portal accepts at `at`."""
    generator = pyotp.TOTP(secret)
    accepted = {generator.at(at + timedelta(seconds=shift)) for shift in (-30, 0, 30)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


# ---- 7. atomic counting ------------------------------------------------------------------------

def test_concurrent_guesses_of_a_code_are_evaluated_at_most_max_attempts_times(app, ctx, monkeypatch):
    row = issue_code(purpose="login", channel="sms", destination=PHONE, ip="10.0.0.1")
    right = row.plain_code
    db.session.commit()
    evaluated = []
    original = codes.hash_code
    monkeypatch.setattr(codes, "hash_code", lambda *args: evaluated.append(args) or original(*args))

    race(app, lambda: verify_code(purpose="login", destination=PHONE, code=a_wrong_code(right)))

    assert len(evaluated) <= app.config["CODE_MAX_ATTEMPTS"]
    with pytest.raises(CodeError, match="Превышено количество попыток"):
        verify_code(purpose="login", destination=PHONE, code=right)


def test_a_right_code_sent_twice_at_once_is_accepted_once(app, ctx):
    row = issue_code(purpose="sign", channel="sms", destination=PHONE, ip="10.0.0.1")
    right = row.plain_code
    db.session.commit()
    outcomes = race(app, lambda: verify_code(purpose="sign", destination=PHONE, code=right).id, threads=10)
    assert outcomes.count(row.id) == 1


def test_concurrent_totp_guesses_are_evaluated_at_most_the_account_limit(app, ctx, monkeypatch):
    from workflows.accounts.totp import verify_totp

    staff = make_staff(STAFF)
    staff.totp_secret, staff.totp_enabled = pyotp.random_base32(), True
    db.session.commit()
    now = datetime.now().replace(second=10, microsecond=0)
    wrong = wrong_totp(staff.totp_secret, now)
    evaluated = []

    class CountingTOTP(pyotp.TOTP):
        def __init__(self, *args, **kwargs):
            evaluated.append(1)
            super().__init__(*args, **kwargs)

    with time_machine.travel(now, tick=False):
        right = pyotp.TOTP(staff.totp_secret).now()
        monkeypatch.setattr(pyotp, "TOTP", CountingTOTP)
        outcomes = race(app, lambda: verify_totp(db.session.get(KabinetUser, staff.id), wrong))
        assert set(outcomes) == {False}
        assert len(evaluated) <= app.config.get("TOTP_MAX_FAILURES", DEFAULT_TOTP_MAX_FAILURES)
        db.session.expire_all()
        assert verify_totp(db.session.get(KabinetUser, staff.id), right) is False  # locked for now


def test_concurrent_wrong_passwords_are_all_counted(app, ctx):
    from workflows.accounts.login import authenticate

    user = make_consumer()
    outcomes = race(app, lambda: authenticate(user.email, "Wrong-123!")[0], threads=20)
    assert set(outcomes) == {None}
    db.session.expire_all()
    assert db.session.get(KabinetUser, user.id).fail_login_count == 20


# ---- 11. per account, whatever the address ----------------------------------------------------

def test_wrong_totp_codes_from_many_addresses_lock_the_account(app, client, ctx):
    staff = make_staff(STAFF)
    staff.totp_secret, staff.totp_enabled = pyotp.random_base32(), True
    db.session.commit()
    limit = app.config.get("TOTP_MAX_FAILURES", DEFAULT_TOTP_MAX_FAILURES)
    now = datetime.now().replace(second=10, microsecond=0)
    with time_machine.travel(now, tick=False):
        wrong = wrong_totp(staff.totp_secret, now)
        for i in range(limit):
            address = {"REMOTE_ADDR": f"10.7.0.{i}"}
            client.post("/login/", data={"username": staff.email, "password": PASSWORD}, environ_base=address)
            page = client.post("/login/totp/", data={"code": wrong}, environ_base=address)
            assert ("Неверный код" if i < limit - 1 else "Слишком много неверных кодов") in page.text
        address = {"REMOTE_ADDR": "10.7.1.1"}
        client.post("/login/", data={"username": staff.email, "password": PASSWORD}, environ_base=address)
        page = client.post("/login/totp/", data={"code": pyotp.TOTP(staff.totp_secret).now()},
                           environ_base=address)
        assert page.status_code == 200
        assert "Слишком много неверных кодов" in page.text
        assert client.get("/my/security/").status_code == 302  # not signed in
    with time_machine.travel(now + timedelta(minutes=16), tick=False):  # the lock lifts
        client.post("/login/", data={"username": staff.email, "password": PASSWORD})
        response = client.post("/login/totp/", data={"code": pyotp.TOTP(staff.totp_secret).now()})
        assert response.status_code == 302
        assert client.get("/my/security/").status_code == 200


def _burn_codes(client, destination, failures, per_code, start):
    """Ask for login codes and send `failures` wrong ones, each from another address."""
    sent_wrong = 0
    moment = start
    while sent_wrong < failures:
        with time_machine.travel(moment, tick=False):
            client.post("/login/code/", data={"destination": destination})
            wrong = a_wrong_code(last_code(destination))
            for _ in range(min(per_code, failures - sent_wrong)):
                client.post("/login/code/enter/", data={"code": wrong},
                            environ_base={"REMOTE_ADDR": f"10.8.{sent_wrong // 250}.{sent_wrong % 250}"})
                sent_wrong += 1
        moment += timedelta(seconds=61)  # past the resend cooldown
    return moment


def test_wrong_login_codes_from_many_addresses_lock_the_account(app, client, ctx):
    user = make_consumer()
    limit = app.config.get("CODE_ACCOUNT_MAX_FAILURES", DEFAULT_CODE_ACCOUNT_MAX_FAILURES)
    moment = _burn_codes(client, user.phone, limit, app.config["CODE_MAX_ATTEMPTS"], soon())
    with time_machine.travel(moment, tick=False):
        client.post("/login/code/", data={"destination": user.phone})
        page = client.post("/login/code/enter/", data={"code": last_code(user.phone)},
                           environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert "Слишком много неверных кодов" in page.text
        assert client.get("/my/security/").status_code == 302
    with time_machine.travel(moment + timedelta(hours=1, minutes=5), tick=False):
        client.post("/login/code/", data={"destination": user.phone})
        response = client.post("/login/code/enter/", data={"code": last_code(user.phone)})
        assert response.status_code == 302
        assert client.get("/my/security/").status_code == 200


def test_the_simple_signature_code_is_throttled_per_account(app, client, ctx, login, sent):
    from tests.documents.conftest import attach, make_application, sms_code
    from workflows.documents import signing

    owner = make_consumer(LegalForm.INDIVIDUAL)
    contract = attach(make_application(owner), two_sided=True)
    signing.sign_as_organization(contract, make_staff(STAFF))
    db.session.commit()
    login(owner)
    page_url = f"/documents/application/{contract.application_id}/"
    sign_code, sign_confirm = (f"/documents/attachment/{contract.id}/sign/{step}" for step in ("code", "confirm"))
    limit = app.config.get("CODE_ACCOUNT_MAX_FAILURES", DEFAULT_CODE_ACCOUNT_MAX_FAILURES)
    per_code = app.config["CODE_MAX_ATTEMPTS"]
    moment, failures = soon(), 0
    while failures < limit:
        with time_machine.travel(moment, tick=False):
            client.post(sign_code, data={"next": page_url})
            wrong = a_wrong_code(sms_code(sent, owner.phone))
            for _ in range(min(per_code, limit - failures)):
                client.post(sign_confirm, data={"code": wrong, "next": page_url},
                            environ_base={"REMOTE_ADDR": f"10.6.0.{failures}"})
                failures += 1
        moment += timedelta(seconds=61)
    with time_machine.travel(moment, tick=False):
        client.post(sign_code, data={"next": page_url})
        client.post(sign_confirm, data={"code": sms_code(sent, owner.phone), "next": page_url},
                    environ_base={"REMOTE_ADDR": "10.6.1.1"})
        assert "Слишком много неверных кодов" in client.get(page_url).text
    assert db.session.query(Signature).filter_by(side="consumer").count() == 0


def test_wrong_totp_codes_when_signing_count_against_the_account(app, client, ctx, login):
    """The signing page rolls its transaction back on a refusal; the counted tries stay."""
    from tests.documents.conftest import attach, make_application

    staff = make_staff(STAFF)
    staff.totp_secret, staff.totp_enabled = pyotp.random_base32(), True
    contract = attach(make_application(make_consumer(LegalForm.INDIVIDUAL)), two_sided=True)
    db.session.commit()
    login(staff)
    page_url = f"/documents/application/{contract.application_id}/"
    sign = f"/documents/attachment/{contract.id}/sign/organization"
    limit = app.config.get("TOTP_MAX_FAILURES", DEFAULT_TOTP_MAX_FAILURES)
    now = soon().replace(second=10)
    with time_machine.travel(now, tick=False):
        wrong = wrong_totp(staff.totp_secret, now)
        for i in range(limit):
            client.post(sign, data={"totp_code": wrong, "next": page_url}, environ_base={"REMOTE_ADDR": f"10.5.0.{i}"})
        client.post(sign, data={"totp_code": pyotp.TOTP(staff.totp_secret).now(), "next": page_url},
                    environ_base={"REMOTE_ADDR": "10.5.1.1"})
        assert "Слишком много неверных кодов" in client.get(page_url).text
    assert db.session.query(Signature).count() == 0
