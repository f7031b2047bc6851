"""Kinds of event and channels of «Настройка уведомлений» (E7), as data.

A notice's kind comes from its template key (the keys each area declares in NOTIFICATIONS): a key
belongs to the first kind one of whose prefixes it starts with. Keys of no kind — security codes,
password messages, letters to the organization — are never switchable off: app.core's notify_user
asks `kind_of` (registered by this area) and sends a kind-less notice as it always did.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.core.areas import declared_areas

#: channel code → its label on the settings page; every pair (kind, channel) is on until switched off
CHANNELS = {
    "portal": _l("В личном кабинете"),
    "email": _l("Email"),
    "sms": _l("SMS"),
}


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    #: template keys starting with one of these belong to the kind
    prefixes: tuple


KINDS = (
    Kind("application", _l("Статус заявки"), ("application_",)),
    Kind("messages", _l("Сообщения по заявке"), ("message_from_organization",)),
    Kind("documents", _l("Документы"), ("document_",)),
    Kind("appeals", _l("Ответы на обращения"), ("appeal_",)),
    Kind("statements", _l("Заявления"), ("statement_",)),
    Kind("billing", _l("Показания и начисления"), ("meter_", "reading_", "billing_", "charge_")),
    Kind("payments", _l("Оплата"), ("payment_",)),
    Kind("appointments", _l("Запись на прием и обратный звонок"), ("appointment_", "callback_")),
    Kind("surveys", _l("Опросы"), ("survey_",)),
)
KIND_CODES = frozenset(kind.code for kind in KINDS)

#: keys no setting turns off: codes, password letters, what goes to the organization
NEVER_SWITCHABLE = ("account_", "message_to_organization", "document_copy_requested", "marketing")


def kind_of(template: str | None) -> str | None:
    """The kind of event of a notice sent from `template`, or None (always sent)."""
    if not template or template.startswith(NEVER_SWITCHABLE):
        return None
    return next((kind.code for kind in KINDS if template.startswith(kind.prefixes)), None)


def templates_of(kind: str) -> list[str]:
    """The declared template keys of `kind` (the history's «Вид события» filter)."""
    keys = {key for area in declared_areas() for key in area.notifications}
    return sorted(key for key in keys if kind_of(key) == kind)


def kinds_in_use() -> tuple:
    """The kinds some area sends a notice of, in KINDS order (the settings page's rows)."""
    keys = {key for area in declared_areas() for key in area.notifications}
    used = {kind_of(key) for key in keys}
    return tuple(kind for kind in KINDS if kind.code in used)
