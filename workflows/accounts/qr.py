"""QR login (A9, seed 004 §2.2): the login page shows a QR with a one-time link; a phone where
the consumer is signed in opens it, sees which browser asks and «подтвердите операцию»; the
waiting browser is then signed in as that consumer.

Two secrets, both stored only as keyed hashes: the nonce in the QR's link (anyone who sees the
screen has it) and the browser secret in the waiting browser's session (only that browser has
it). Approval needs the nonce and a signed-in consumer; signing in needs the browser secret —
so a photographed QR approved by anyone signs in nobody but the browser that shows it.
Every state change is one conditional UPDATE: two approvals or two sign-ins cannot both win.
"""
import base64
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta

import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from app.core import audit
from app.core.errors import Invalid
from app.core.urls import absolute_url
from app.extensions import db
from app.models import KabinetUser, QrLoginRequest
from app.models.base import utcnow

#: how long a QR may be scanned and approved (the page shows a new one after it)
QR_LIFETIME = timedelta(seconds=60)
#: after approval, the time the waiting browser has to notice it and sign in
FINISH_LIFETIME = timedelta(seconds=60)
#: old requests are deleted when new ones are made
KEEP_FOR = timedelta(days=1)

WAITING, APPROVED, DECLINED, USED, EXPIRED = "waiting", "approved", "declined", "used", "expired"

MSG_EXPIRED = _l("Срок действия QR-кода истек. Обновите страницу входа и отсканируйте новый QR-код.")
MSG_USED = _l("Этот QR-код уже использован. Обновите страницу входа и отсканируйте новый QR-код.")
MSG_CONSUMERS_ONLY = _l("Вход по QR-коду доступен только потребителям. Сотрудники входят по логину и паролю.")
MSG_NOT_APPROVED = _l("Вход не подтвержден. Отсканируйте QR-код телефоном, на котором вы вошли в личный кабинет, "
                      "и подтвердите операцию.")


class QrLoginError(Invalid):
    """A QR that can no longer be approved or used to sign in."""


@dataclass(frozen=True)
class NewQr:
    row: QrLoginRequest
    nonce: str  # goes into the QR's link
    browser_secret: str  # goes into the waiting browser's session


def _digest(kind: str, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"qr-login:{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def start(*, user_agent: str | None, ip: str | None) -> NewQr:
    """A new QR for the login page of the browser described by `user_agent` and `ip`."""
    now = utcnow()
    db.session.execute(delete(QrLoginRequest).where(QrLoginRequest.expires_at < now - KEEP_FOR))
    nonce, browser_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    row = QrLoginRequest(nonce_hash=_digest("nonce", nonce), browser_hash=_digest("browser", browser_secret),
                         status=WAITING, created_at=now, expires_at=now + QR_LIFETIME,
                         user_agent=(user_agent or "")[:300] or None, ip=(ip or "")[:64] or None)
    db.session.add(row)
    db.session.flush()
    return NewQr(row, nonce, browser_secret)


def link(nonce: str) -> str:
    """The QR's content: an absolute link from the configured public address (never the request's Host)."""
    return absolute_url("QrLoginView.confirm", nonce=nonce)


def qr_image(text: str) -> str:
    """The QR symbol of `text` as a data: URL of a PNG (the CSP allows data: images)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=5, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _state(row: QrLoginRequest | None) -> str:
    if row is None:
        return EXPIRED
    if row.status in (WAITING, APPROVED) and utcnow() >= row.expires_at:
        return EXPIRED
    return row.status


def _by_browser(browser_secret: str | None) -> QrLoginRequest | None:
    if not browser_secret:
        return None
    return db.session.scalar(select(QrLoginRequest).where(
        QrLoginRequest.browser_hash == _digest("browser", browser_secret)))


def state_for_browser(browser_secret: str | None) -> str:
    """What the waiting page shows: waiting, approved, declined, used or expired."""
    return _state(_by_browser(browser_secret))


def request_to_decide(nonce: str, user: KabinetUser) -> QrLoginRequest:
    """The request behind a scanned link while it still waits for `user`'s decision."""
    if not user.is_consumer:
        raise QrLoginError(MSG_CONSUMERS_ONLY)
    row = db.session.scalar(select(QrLoginRequest).where(QrLoginRequest.nonce_hash == _digest("nonce", nonce)))
    state = _state(row)
    if state == EXPIRED:
        raise QrLoginError(MSG_EXPIRED)
    if state != WAITING:
        raise QrLoginError(MSG_USED)
    return row


def decide(nonce: str, user: KabinetUser, *, approve: bool) -> QrLoginRequest:
    """The phone's «Подтвердить» or «Отклонить» by the consumer signed in on it; once only."""
    row = request_to_decide(nonce, user)
    now = utcnow()
    values = {"status": APPROVED if approve else DECLINED, "user_id": user.id, "decided_at": now}
    if approve:
        values["expires_at"] = now + FINISH_LIFETIME
    changed = db.session.execute(
        update(QrLoginRequest).where(QrLoginRequest.id == row.id, QrLoginRequest.status == WAITING,
                                     QrLoginRequest.expires_at > now)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if changed != 1:  # another tab or phone decided first
        raise QrLoginError(MSG_USED)
    db.session.expire(row)
    summary = f"Вход по QR-коду {'подтвержден' if approve else 'отклонен'}: {row.user_agent or '—'}, {row.ip or '—'}"
    audit.record("account.qr_approved" if approve else "account.qr_declined", user, actor=user, summary=summary)
    return row


def finish(browser_secret: str | None) -> KabinetUser:
    """The account the waiting browser signs in as, once: only the browser holding the secret."""
    row = _by_browser(browser_secret)
    state = _state(row)
    if state == EXPIRED:
        raise QrLoginError(MSG_EXPIRED)
    if state != APPROVED:
        raise QrLoginError(MSG_USED if state == USED else MSG_NOT_APPROVED)
    changed = db.session.execute(
        update(QrLoginRequest).where(QrLoginRequest.id == row.id, QrLoginRequest.status == APPROVED)
        .values(status=USED).execution_options(synchronize_session=False)).rowcount
    user = db.session.get(KabinetUser, row.user_id)
    if changed != 1 or user is None or not user.is_active:
        raise QrLoginError(MSG_USED)
    audit.record("account.login_by_qr", user, actor=user, summary=f"Вход по QR-коду: {row.user_agent or '—'}")
    return user
