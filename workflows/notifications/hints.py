"""«Отображать подсказки» (E7): contextual hints on the consumer's pages, as data.

A page (its endpoint) has at most one hint; it is shown as a box the user can close, until they
close it; with the setting off no hint is shown anywhere. Pages without a hint cost no query.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.errors import NotFound
from app.extensions import db
from app.models import DismissedHint, NotificationSettings


@dataclass(frozen=True)
class Hint:
    #: stored when the user closes it
    key: str
    text: str


#: endpoint → its hint
HINTS = {
    "PersonalAccountsView.index": Hint("accounts", _l(
        "Здесь собраны ваши лицевые счета. Нажмите «+ Добавить лицевой счет», чтобы привязать еще один, "
        "и выберите счет, чтобы увидеть его начисления, приборы учета и квитанции.")),
    "ConsumerApplicationsView.index": Hint("applications", _l(
        "В разделе «Мои заявки» видны все ваши заявки и их статусы. Черновик можно дописать и отправить позже.")),
    "NotificationsView.index": Hint("notifications", _l(
        "Непрочитанные уведомления выделены цветом. Откройте уведомление, чтобы отметить его прочитанным, "
        "а в «Настройке уведомлений» выберите, как получать уведомления о каждом событии.")),
    "ProfileView.profile": Hint("profile", _l(
        "Заполните все обязательные поля «Моих данных»: без них нельзя подать заявку.")),
}
KEYS = frozenset(hint.key for hint in HINTS.values())


def hint_for(user, endpoint: str | None) -> Hint | None:
    """The hint to show `user` on the page of `endpoint`, if any: on when they did not switch hints
    off and did not close this one."""
    hint = HINTS.get(endpoint or "")
    if hint is None or getattr(user, "id", None) is None:
        return None
    show = db.session.scalar(select(NotificationSettings.show_hints).where(NotificationSettings.user_id == user.id))
    if show is False:
        return None
    closed = db.session.scalar(select(DismissedHint.id).where(DismissedHint.user_id == user.id,
                                                              DismissedHint.hint == hint.key))
    return None if closed is not None else hint


def dismiss(user, key: str) -> None:
    """The user closed the hint `key`: not shown to them again (closing it twice changes nothing)."""
    if key not in KEYS:
        raise NotFound("Подсказка не найдена.")
    if db.session.scalar(select(DismissedHint.id).where(DismissedHint.user_id == user.id,
                                                        DismissedHint.hint == key)) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(DismissedHint(user_id=user.id, hint=key))
    except IntegrityError:  # closed in another tab at the same moment
        pass
