"""Demo data of «Уведомления» (`flask kabinet demo`): a few notices of the demo consumer, some unread;
the marketing consent stays off (nobody consents by default)."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import KabinetUser, Notification
from app.models.base import utcnow

#: (template, title, body, days ago, read)
DEMO_NOTICES = (
    ("application_submitted", "Заявка принята", "Ваша заявка на технологическое присоединение принята.", 6, True),
    ("application_status", "Статус заявки изменен", "Статус заявки: «Подготовка оферты договора».", 4, True),
    ("message_from_organization", "Сообщение сетевой организации", "По вашей заявке получено сообщение.", 2, False),
    ("billing_account_unlinked", "Лицевой счет отвязан", "Лицевой счет отвязан от личного кабинета.", 1, False),
    ("payment_succeeded", "Платеж прошел успешно", "Оплата 500,00 руб. зачислена.", 0, False),
)


def demo_notifications(email: str) -> list[str]:
    """The demo consumer's notices (once); the lines `flask kabinet demo` prints."""
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == email))
    if user is None or db.session.scalar(select(Notification.id).where(
            Notification.user_id == user.id, Notification.title == DEMO_NOTICES[-1][1]).limit(1)) is not None:
        return []
    now = utcnow()
    for template, title, body, days, read in DEMO_NOTICES:
        created = now - timedelta(days=days, hours=1)
        db.session.add(Notification(user_id=user.id, template=template, title=title, body=body, created_at=created,
                                    read_at=created + timedelta(hours=1) if read else None,
                                    link="/my/applications/" if template.startswith(("application_", "message_")) else None))
    db.session.flush()
    unread = sum(not read for *_, read in DEMO_NOTICES)
    return [f"  У ФЛ {len(DEMO_NOTICES)} уведомлений, {unread} непрочитанных («Уведомления»); "
            "согласие на рассылку не дано."]
