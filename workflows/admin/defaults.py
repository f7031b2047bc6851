"""Default dictionary rows (F3): the statement topics of seed 004 §2.11 and the appeal
kinds of seed 002. Idempotent; an admin edits or retires them afterwards."""
from sqlalchemy import select

from app.extensions import db
from app.models import Topic, TopicKind

STATEMENT_TOPICS = [
    "Заказать акт сверки",
    "Заказать справку об отсутствии задолженности",
    "Заключить соглашение о реструктуризации задолженности",
    "Заявление на открытие лицевого счета",
    "Заявление на закрытие лицевого счета",
    "Заявление на смену собственника по лицевому счету (перерегистрация лицевого счета)",
    "Заявление на изменение данных по лицевому счету",
    "Заявление свободной формы",
    "Заявление на опломбировку прибора учета",
    "Заявление на контрольное снятие показаний прибора учета",
    "Заявление на проверку исправности прибора учета",
    "Заявление на корректировку начислений по показаниям прибора учета",
    "Заявление на возврат денежных средств",
    "Заявление на переадресовку оплаты",
    "Заявление на реструктуризацию дебиторской задолженности",
    "Заявление на перерасчет по причине временного отсутствия",
    "Заявление на смену тарифа (зоны суток)",
    "Заявление на смену тарифа (применение в расчетах понижающего коэффициента)",
]
APPEAL_TOPICS = [("consultation", "Консультация"), ("complaint", "Жалоба"), ("message", "Сообщение")]


def seed_topics() -> None:
    """Create the default appeal and statement topics that are missing."""
    existing = {(kind, code) for kind, code in db.session.execute(select(Topic.kind, Topic.code))}
    rows = [(TopicKind.APPEAL, code, name) for code, name in APPEAL_TOPICS]
    rows += [(TopicKind.STATEMENT, f"statement-{n:02d}", name) for n, name in enumerate(STATEMENT_TOPICS, start=1)]
    for order, (kind, code, name) in enumerate(rows):
        if (kind, code) not in existing:
            db.session.add(Topic(kind=kind, code=code, name=name, sort_order=order))
    db.session.flush()
