"""The registration captcha (A1): its answer stays on the server, as a keyed hash; the
browser's session — a signed but readable cookie — holds only a random token. A picture is
good for one try within lifetimes.CAPTCHA, then it is gone (also for a copy of the cookie)."""
import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import delete, or_

from app.core import lifetimes
from app.extensions import db
from app.models import CaptchaChallenge
from app.models.base import utcnow
from workflows.accounts import tries

#: the characters drawn: none that people confuse (0/O, 1/I)
ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ23456789"
LENGTH = 5


def _answer_hash(token: str, answer: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"captcha:{token}:{answer}".encode(), hashlib.sha256).hexdigest()


def new_challenge(replacing: str | None = None) -> tuple[str, str]:
    """(token, text) for a new picture: the text is drawn, the token goes to the session.
    The picture it replaces and expired ones are removed. Flushes; the caller commits."""
    now = utcnow()
    db.session.execute(
        delete(CaptchaChallenge)
        .where(or_(CaptchaChallenge.expires_at <= now, CaptchaChallenge.token == (replacing or "")))
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    text = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    db.session.add(CaptchaChallenge(token=token, answer_hash=_answer_hash(token, text),
                                    expires_at=now + lifetimes.CAPTCHA))
    db.session.flush()
    return token, text


def solve(token: str | None, typed: str | None) -> bool:
    """Whether `typed` is the text of the picture behind `token` (any letter case). One try:
    the challenge is deleted whatever the answer, by one DELETE, so that two tries at once
    cannot both use it, and committed at once (tries.py) so that a refused registration does
    not bring the picture back."""
    if not token:
        return False
    alone = tries.only_this_try()
    answer_hash = db.session.execute(
        delete(CaptchaChallenge)
        .where(CaptchaChallenge.token == token, CaptchaChallenge.expires_at > utcnow())
        .returning(CaptchaChallenge.answer_hash)
        .execution_options(synchronize_session=False)
    ).scalar()
    tries.keep(alone)
    if answer_hash is None:
        return False
    typed = "".join((typed or "").split()).upper()
    return hmac.compare_digest(answer_hash, _answer_hash(token, typed))
