"""A2: one-time codes — hashing, expiry, attempts, single use, resend limits."""
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import OneTimeCode, OutboxMessage
from app.models.base import utcnow
from app.core.lifetimes import EMAIL_CONFIRMATION_LINK
from app.core.sealing import unseal
from workflows.accounts.codes import CodeError, CodeThrottled, issue_code, verify_code

PHONE = "+79123456789"
EMAIL = "Ivan@Example.ru"


def _issue(**kw):
    args = {"purpose": "confirm_phone", "channel": "sms", "destination": PHONE, "ip": "10.0.0.1"}
    args.update(kw)
    return issue_code(**args)


def test_code_is_six_digits_stored_only_as_keyed_hash_and_sent_by_sms(ctx):
    row = _issue()
    db.session.commit()
    assert re.fullmatch(r"\d{6}", row.plain_code)
    stored = db.session.scalars(select(OneTimeCode)).one()
    assert row.plain_code not in stored.code_hash and len(stored.code_hash) == 64
    sms = db.session.scalars(select(OutboxMessage)).one()
    assert sms.channel == "sms" and sms.recipient == PHONE
    assert row.plain_code not in sms.body and row.plain_code in unseal(sms.body)  # sealed while it waits


def test_code_by_email_carries_a_link_and_the_code(ctx):
    row = _issue(purpose="confirm_email", channel="email", destination=EMAIL, with_link=True,
                 link_lifetime=EMAIL_CONFIRMATION_LINK)
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipient == "ivan@example.ru"
    assert row.plain_code in unseal(mail.body) and row.plain_link in unseal(mail.body)
    assert "/register/email/" in row.plain_link


def test_right_code_is_accepted_once(ctx):
    row = _issue()
    assert verify_code(purpose="confirm_phone", destination=PHONE, code=row.plain_code).id == row.id
    with pytest.raises(CodeError, match="не найден или уже использован"):
        verify_code(purpose="confirm_phone", destination=PHONE, code=row.plain_code)


def test_code_for_another_purpose_or_destination_is_refused(ctx):
    row = _issue()
    with pytest.raises(CodeError):
        verify_code(purpose="login", destination=PHONE, code=row.plain_code)
    with pytest.raises(CodeError):
        verify_code(purpose="confirm_phone", destination="+79990000000", code=row.plain_code)


def test_code_expires_after_five_minutes(ctx):
    with time_machine.travel(datetime(2026, 5, 1, 10, 0, 0), tick=False):
        row = _issue()
        db.session.commit()
    with time_machine.travel(datetime(2026, 5, 1, 10, 5, 0), tick=False):
        with pytest.raises(CodeError, match="Срок действия кода истек. Повторите попытку!"):
            verify_code(purpose="confirm_phone", destination=PHONE, code=row.plain_code)


def test_code_is_valid_just_before_expiry(ctx):
    with time_machine.travel(datetime(2026, 5, 1, 10, 0, 0), tick=False):
        row = _issue()
    with time_machine.travel(datetime(2026, 5, 1, 10, 4, 59), tick=False):
        assert verify_code(purpose="confirm_phone", destination=PHONE, code=row.plain_code)


def test_link_code_still_expires_in_five_minutes(ctx):
    with time_machine.travel(datetime(2026, 5, 1, 10, 0, 0), tick=False):
        row = _issue(purpose="confirm_email", channel="email", destination=EMAIL, with_link=True,
                     link_lifetime=EMAIL_CONFIRMATION_LINK)
    with time_machine.travel(datetime(2026, 5, 1, 10, 6, 0), tick=False):
        with pytest.raises(CodeError, match="Срок действия кода истек"):
            verify_code(purpose="confirm_email", destination=EMAIL, code=row.plain_code)


def test_wrong_code_counts_attempts_and_five_wrong_ones_burn_the_code(ctx):
    row = _issue()
    wrong = "000000" if row.plain_code != "000000" else "111111"
    for _ in range(4):
        with pytest.raises(CodeError, match="Неверный код подтверждения"):
            verify_code(purpose="confirm_phone", destination=PHONE, code=wrong)
    with pytest.raises(CodeError, match="Превышено количество попыток"):
        verify_code(purpose="confirm_phone", destination=PHONE, code=wrong)
    # even the right code is refused now
    with pytest.raises(CodeError, match="Превышено количество попыток"):
        verify_code(purpose="confirm_phone", destination=PHONE, code=row.plain_code)
    assert db.session.get(OneTimeCode, row.id).attempts == 5


def test_new_code_replaces_the_old_one(ctx):
    with time_machine.travel(datetime(2026, 5, 1, 10, 0, 0), tick=False):
        first = _issue()
    with time_machine.travel(datetime(2026, 5, 1, 10, 2, 0), tick=False):
        second = _issue()
        if first.plain_code != second.plain_code:
            with pytest.raises(CodeError):
                verify_code(purpose="confirm_phone", destination=PHONE, code=first.plain_code)
        assert verify_code(purpose="confirm_phone", destination=PHONE, code=second.plain_code).id == second.id


def test_resend_has_a_cooldown(ctx):
    with time_machine.travel(datetime(2026, 5, 1, 10, 0, 0), tick=False):
        _issue()
    with time_machine.travel(datetime(2026, 5, 1, 10, 0, 30), tick=False):
        with pytest.raises(CodeThrottled, match="Повторная отправка кода возможна через 31 сек."):
            _issue()
    with time_machine.travel(datetime(2026, 5, 1, 10, 1, 0), tick=False):
        assert _issue()


def test_hourly_cap_per_destination(ctx, app):
    start = datetime(2026, 5, 1, 10, 0, 0)
    cap = app.config["CODE_HOURLY_CAP"]
    for i in range(cap):
        with time_machine.travel(start + timedelta(minutes=2 * i), tick=False):
            _issue(ip=f"10.0.1.{i}")
    with time_machine.travel(start + timedelta(minutes=2 * cap), tick=False):
        with pytest.raises(CodeThrottled, match="Превышено количество отправок кода"):
            _issue(ip="10.0.2.1")
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert _issue(ip="10.0.2.2")  # the first code left the window


def test_hourly_cap_per_ip_across_destinations(ctx, app):
    start = datetime(2026, 5, 1, 10, 0, 0)
    limit = app.config["CODE_HOURLY_CAP"] * 3
    for i in range(limit):
        with time_machine.travel(start + timedelta(seconds=i), tick=False):
            _issue(destination=f"+7912000{i:04d}")
    with time_machine.travel(start + timedelta(seconds=limit), tick=False):
        with pytest.raises(CodeThrottled):
            _issue(destination="+79129999999")
        assert _issue(destination="+79129999999", ip="10.9.9.9")
