"""`make run`'s demo statement (workflows/statements/demo.py, called from app/demo.py): the demo
ФЛ's «Заказать акт сверки» for the last quarter, sent through the command; a second run adds nothing."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application
from tests.statements.helpers import consumer_with_account, seed
from workflows.statements.demo import demo_statements


def test_the_demo_statement_is_sent_once(ctx):
    seed("statement-01")
    user, account, _supplier = consumer_with_account()
    lines = demo_statements(user.email)
    statement = db.session.scalars(select(Application)).one()
    assert lines == [f"  ФЛ подал заявление «Заказать акт сверки» № {statement.number} («Мои заявления»)."]
    assert statement.status.name == "Принято в работу" and statement.data["account_number"] == account.number
    assert statement.data["period_from"] < statement.data["period_to"]
    assert [a.title for a in statement.attachments] == ["Заявление (PDF)"]
    assert demo_statements(user.email) == [] and demo_statements("nobody@demo.kabinet") == []
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1
