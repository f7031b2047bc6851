"""«Настройка уведомлений» (E7, seed 004 §2.19): channels per kind of event, «Рассылка уведомлений и
рекламной продукции» (the marketing consent, its date and source, withdrawn by the email's
unsubscribe link without signing in) and «Отображать подсказки»."""
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from app.core import audit
from app.core.errors import NotFound
from app.core.urls import absolute_url
from app.extensions import db
from app.models import KabinetUser, NotificationOptOut, NotificationSettings
from app.models.base import utcnow
from app.models.notifications import MarketingSource
from workflows.notifications.kinds import CHANNELS, KIND_CODES

UNSUBSCRIBE_SALT = "kabinet-marketing-unsubscribe"
UNSUBSCRIBE_ENDPOINT = "UnsubscribeView.confirm"


def settings_of(user_id: int) -> NotificationSettings:
    """The user's settings; the defaults (not stored) for a user who never changed them."""
    row = db.session.get(NotificationSettings, user_id)
    if row is None:
        row = NotificationSettings(user_id=user_id, show_hints=True, marketing_consent=False, marketing_version=0)
    return row


def _stored_settings(user_id: int) -> NotificationSettings:
    row = settings_of(user_id)
    if row not in db.session:
        db.session.add(row)
    return row


def channels_switched_off(user) -> set[tuple[str, str]]:
    """(kind, channel) pairs the user switched off."""
    rows = db.session.execute(select(NotificationOptOut.kind, NotificationOptOut.channel)
                              .where(NotificationOptOut.user_id == user.id))
    return {tuple(row) for row in rows}


@dataclass(frozen=True)
class Choices:
    """What the settings form sends: the (kind, channel) pairs left on, consent, hints."""

    channels_on: frozenset
    marketing_consent: bool
    show_hints: bool


def save(user, choices: Choices, kinds) -> None:
    """Store the settings page: every pair of `kinds` × channels not on is switched off."""
    wanted_off = {(kind.code, channel) for kind in kinds for channel in CHANNELS} - set(choices.channels_on)
    shown = {kind.code for kind in kinds}
    db.session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id,
                                                        NotificationOptOut.kind.in_(shown)))
    db.session.add_all(NotificationOptOut(user_id=user.id, kind=kind, channel=channel)
                       for kind, channel in sorted(wanted_off) if kind in KIND_CODES)
    row = _stored_settings(user.id)
    row.show_hints = choices.show_hints
    if choices.marketing_consent != row.marketing_consent:
        _change_consent(row, choices.marketing_consent, MarketingSource.SETTINGS)
    db.session.flush()


def _change_consent(row: NotificationSettings, consent: bool, source: str) -> None:
    before = {"marketing_consent": row.marketing_consent}
    row.marketing_consent, row.marketing_changed_at, row.marketing_source = consent, utcnow(), source
    row.marketing_version = (row.marketing_version or 0) + 1
    db.session.flush()
    audit.record("account.notifications_changed", db.session.get(KabinetUser, row.user_id), before=before,
                 after={"marketing_consent": consent, "source": source},
                 summary="Согласие на рассылку " + ("дано" if consent else "отозвано"))


# ---- the unsubscribe link --------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_link(row: NotificationSettings) -> str:
    """The absolute link (app.core.urls: the configured address, never the request's) that withdraws
    this consent; it names the consent's version, so it works once and never withdraws a consent
    given after it was sent."""
    token = _serializer().dumps([row.user_id, row.marketing_version])
    return absolute_url(UNSUBSCRIBE_ENDPOINT, token=token)


def consent_of_token(token: str) -> NotificationSettings:
    """The consent the link withdraws; NotFound for a forged, used or outdated link."""
    try:
        user_id, version = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound("Ссылка недействительна.") from None
    row = db.session.get(NotificationSettings, user_id) if isinstance(user_id, int) else None
    if row is None or not row.marketing_consent or row.marketing_version != version:
        raise NotFound("Ссылка недействительна или уже использована: вы не получаете рассылку.")
    return row


def unsubscribe(token: str) -> NotificationSettings:
    """Withdraw the consent the link names (no sign-in needed)."""
    row = consent_of_token(token)
    _change_consent(row, False, MarketingSource.UNSUBSCRIBE_LINK)
    return row
