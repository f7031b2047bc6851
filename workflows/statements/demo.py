"""Demo data of «Подать заявление» (E2): the demo ФЛ ordered a reconciliation statement («Заказать
акт сверки») for the last quarter, made by the command that makes it, so «Мои заявления» and the
staff queue show one with its PDF. Called once from app/demo.py; flushes only."""
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Application, ApplicationType, KabinetUser
from workflows.appeals.requisites import prefilled
from workflows.applications.rules import today
from workflows.statements.filing import file_statement
from workflows.statements.types import topic_by_code, topic_code

RECONCILIATION = topic_code(1)


def _last_quarter() -> tuple[date, date]:
    first_of_quarter = date(today().year, 3 * ((today().month - 1) // 3) + 1, 1)
    start = date(first_of_quarter.year - (first_of_quarter.month == 1), (first_of_quarter.month - 4) % 12 + 1, 1)
    end = date.fromordinal(first_of_quarter.toordinal() - 1)
    return start, end


def demo_statements(consumer_email: str) -> list[str]:
    """The demo consumer's statement; the line `flask kabinet demo` prints (none when done before,
    or without the user, an account or the topic)."""
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == consumer_email))
    if user is None or user.consumer is None or topic_by_code(RECONCILIATION) is None:
        return []
    if db.session.scalar(select(Application.id).join(Application.application_type).where(
            Application.consumer_id == user.consumer.id, ApplicationType.code == RECONCILIATION).limit(1)):
        return []
    requisites = prefilled(user.consumer)
    if requisites.account_id is None:
        return []
    start, end = _last_quarter()
    values = dict(full_name=requisites.full_name, account_id=requisites.account_id,
                  supplier_id=requisites.supplier_id, phone=requisites.phone or "+79120000001",
                  email=requisites.email)
    statement = file_statement(user, RECONCILIATION, {"period_from": start, "period_to": end}, values,
                               "Прошу направить акт сверки взаиморасчетов за прошлый квартал на электронную почту.",
                               True)
    return [f"  ФЛ подал заявление «Заказать акт сверки» № {statement.number} («Мои заявления»)."]
