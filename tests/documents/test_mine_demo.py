"""`flask kabinet demo`'s part of «Мои документы»: the demo consumer sees several documents of every
kind, sent and received, made by the workflows; a second run adds nothing."""
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import ConsumerDocument
from tests.billing import builders as b
from tests.documents import mine_world as w
from workflows.documents.demo import demo_documents


def test_demo_consumer_sees_several_documents_of_every_kind(client, login, reference_data, ctx, monkeypatch):
    from workflows.payments import mailing

    monkeypatch.setattr(mailing, "render_pdf", lambda account, month: w.PDF)  # WeasyPrint is slow
    world = w.people()
    b.charge(world.account, date(2026, 10, 1), "1234.56")
    b.commit()
    assert demo_documents(world.owner.email, world.staff.email)
    db.session.commit()
    assert not demo_documents(world.owner.email, world.staff.email)
    login(world.owner)
    rows = w.rows_of(client.get("/my/documents/?page=1").get_data(as_text=True))
    rows += w.rows_of(client.get("/my/documents/?page=2").get_data(as_text=True))
    kinds = Counter((row["kind"], row["direction"]) for row in rows)
    assert kinds[("statement", "Отправлен")] == 3 and kinds[("attachment", "Отправлен")] == 4
    assert kinds[("attachment", "Получен")] == 3 and kinds[("signature", "Получен")] == 2
    assert kinds[("copy", "Получен")] == 2 and kinds[("receipt", "Получен")] == 1
    assert db.session.scalar(select(func.count()).select_from(ConsumerDocument)) == len(rows) == 15
