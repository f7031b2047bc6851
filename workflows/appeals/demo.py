"""Demo data of «Обращения» (E1): the demo ФЛ wrote two appeals, one of them answered by staff in
their queue — each made by the command that makes it. Called once from app/demo.py; flushes only."""
import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Appeal, KabinetUser, Topic, TopicKind, Transition
from workflows.appeals.commands import write_appeal
from workflows.appeals.requisites import prefilled
from workflows.applications.commands.staff import ItemChanges, save_item

DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: (topic, text, the organization's answer or None)
APPEALS = [
    ("Консультация", "Подскажите, как передать показания, если прибор учета находится в подъезде?",
     "Показания можно передать в разделе «Приборы учета» личного кабинета с 15 по 25 число месяца. "
     "Номер и место установки прибора указаны в карточке прибора."),
    ("Жалоба", "В квитанции за прошлый месяц начисление больше обычного, хотя показания переданы вовремя. "
               "Прошу проверить расчет.", None),
]


def demo_appeals(consumer_email: str, staff_email: str) -> list[str]:
    """Two appeals of the demo consumer, the first answered; the line `flask kabinet demo` prints
    (none when done before, or without the users)."""
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == consumer_email))
    staff = db.session.scalar(select(KabinetUser).where(KabinetUser.email == staff_email))
    if user is None or staff is None or user.consumer is None:
        return []
    if db.session.scalar(select(Appeal.id).where(Appeal.consumer_id == user.consumer.id).limit(1)):
        return []
    requisites = prefilled(user.consumer)
    for topic_name, text, answer in APPEALS:
        topic_id = db.session.scalar(select(Topic.id).where(Topic.kind == TopicKind.APPEAL, Topic.name == topic_name))
        values = dict(full_name=requisites.full_name, account_id=requisites.account_id,
                      supplier_id=requisites.supplier_id, phone=requisites.phone or "+79120000001",
                      email=requisites.email, topic_id=topic_id, text=text)
        files = [FileStorage(io.BytesIO(DEMO_PDF), filename="Квитанция.pdf", content_type="application/pdf")]
        appeal = write_appeal(user, values, files if answer is None else ())
        if answer:
            _answer(appeal, staff, answer)
    return ["  ФЛ написал два обращения («Обращения»), на одно сотрудник ответил."]


def _answer(appeal: Appeal, staff, answer: str) -> None:
    application = appeal.application
    transition = db.session.scalar(select(Transition).where(
        Transition.application_type_id == application.application_type_id,
        Transition.from_status_id == application.status_id, Transition.name == "Дать ответ"))
    save_item(application.id, staff, ItemChanges(transition_id=transition.id, comment=answer),
              expected_version=application.version)
