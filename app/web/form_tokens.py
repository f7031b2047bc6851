"""One-time form tokens: a double click or a resent form does its work once (issue 10, point 12).

A form renders `{{ form_token() }}`, a hidden field with a fresh random token. The view
claims the token just before doing the work, in the transaction that does it:

    repeat = form_tokens.claim(current_user, fallback=url_for(...))
    if repeat is not None:
        return repeat                  # this form was already sent: go where it led
    ... the work ...
    form_tokens.produced(url)          # where a repeat of this form should land
    return redirect(url)               # the request boundary commits token and work together

The token's unique index decides between two POSTs with one token: the second INSERT waits
for the first transaction and then fails, so only one of them does the work. Work that
fails rolls the token back with everything else, so the form can be sent again.

A POST without a token (a page rendered before the upgrade, a script) is handled as
before: the token guards against accidents, not against anyone — any GET hands out a
fresh one — so refusing it would protect nothing.
"""
import re
import secrets

from flask import abort, flash, g, redirect, request
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core.lifetimes import FORM_TOKENS_KEPT
from app.extensions import db
from app.models import FormToken
from app.models.base import utcnow

FIELD = "form_token"
#: a user's tokens older than this are deleted when they send the next form
KEEP = FORM_TOKENS_KEPT
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
_CLAIMED = "kb_form_token"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hidden_field() -> Markup:
    """The Jinja global `form_token()`: a hidden input with a fresh token, one per render."""
    return Markup('<input type="hidden" name="%s" value="%s">') % (FIELD, new_token())


def claim(user, *, fallback: str, say_done: bool = True):
    """Record this POST's token for `user`; a redirect to the first POST's result when the
    token was recorded before (with «Уже отправлено» unless `say_done` is false), else None."""
    token = request.form.get(FIELD, "")
    if not token:
        return None
    if not TOKEN_PATTERN.fullmatch(token):
        abort(400)
    db.session.execute(delete(FormToken).where(FormToken.user_id == user.id,
                                               FormToken.created_at < utcnow() - KEEP))
    row = FormToken(token=token, user_id=user.id, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return _repeat(token, user, fallback, say_done)
    g.setdefault(_CLAIMED, row)
    return None


def produced(url: str) -> None:
    """Remember where the claimed form led, for its repeats; call before the commit."""
    row = g.get(_CLAIMED)
    if row is not None:
        row.result_url = url[:500]
        db.session.flush()


def release() -> None:
    """Forget the claimed token when the work failed but the request still commits
    (e.g. a draft's values kept while its submission was refused)."""
    row = g.pop(_CLAIMED, None)
    if row is not None and row in db.session:
        db.session.delete(row)
        db.session.flush()


def settle() -> None:
    """At the request boundary, before the commit: a token claimed for work that did not
    finish (no `produced()`: the form came back with its errors) is forgotten, so the same
    form can be sent again once corrected."""
    row = g.get(_CLAIMED)
    if row is not None and row.result_url is None:
        release()


def _repeat(token: str, user, fallback: str, say_done: bool):
    first = db.session.scalar(select(FormToken).where(FormToken.token == token))
    own = first is not None and first.user_id == user.id
    if say_done:
        flash(_("Уже отправлено"), "info")
    return redirect(first.result_url if own and first.result_url else fallback)
