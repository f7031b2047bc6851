"""«Мои документы»: every kind of document the consumer sent or received, with its direction, type,
source and download route, newest first; nothing of anyone else's; withdrawn and draft documents
not listed."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ConsumerDocument
from tests.documents import mine_world as w
from workflows.applications.service import add_attachment, open_draft, remove_attachment


@pytest.fixture
def world(reference_data, ctx):
    return w.with_every_kind(w.people())


def _page(client, url="/my/documents/"):
    response = client.get(url)
    assert response.status_code == 200
    return w.rows_of(response.get_data(as_text=True))


def test_every_kind_with_its_direction_type_source_and_download(client, login, world):
    login(world.owner)
    rows = {(row["kind"], row["title"]): row for row in _page(client)}
    upload, appeal = world.upload, world.appeal
    upload_file = next(a for a in upload.attachments if a.side == "consumer")
    photo = next(a for a in appeal.attachments if a.side == "consumer")
    expected = {
        ("statement", "Направление документов"): ("Отправлен", "Заявление", f"Заявление № {upload.number}",
                                                   f"/documents/application/{upload.id}/statement.docx"),
        ("attachment", "Договор.pdf"): ("Отправлен", "Договор энергоснабжения", f"Заявление № {upload.number}",
                                        f"/documents/attachment/{upload_file.id}/file"),
        ("statement", "Обращение"): ("Отправлен", "Обращение", f"Обращение № {appeal.number}",
                                     f"/documents/application/{appeal.id}/statement.docx"),
        ("attachment", "Фото счетчика"): ("Отправлен", "Прочие документы", f"Обращение № {appeal.number}",
                                          f"/documents/attachment/{photo.id}/file"),
        ("attachment", "Ответ на обращение"): ("Получен", "Прочие документы", f"Обращение № {appeal.number}",
                                               f"/documents/attachment/{world.answer.id}/file"),
        ("signature", "Подпись: Соглашение"): ("Получен", "Электронная подпись", f"Обращение № {appeal.number}",
                                               f"/documents/signature/{world.signature.id}/evidence"),
        ("copy", "Копия акта.pdf"): ("Получен", "Копия документа", "Запрос копий документов",
                                     f"/documents/copy-file/{world.copy.id}"),
        ("receipt", "Квитанция за 10.2026"): ("Получен", "Квитанция", f"Лицевой счет {world.account.number}",
                                              f"/my/documents/receipts/{world.receipt.id}"),
    }
    got = {key: (row["direction"], row["type"], row["origin"], row["download"]) for key, row in rows.items()
           if key != ("attachment", "Соглашение")}
    assert got == expected
    assert rows[("attachment", "Соглашение")]["direction"] == "Получен"


def test_newest_first_with_moscow_dates(client, login, world):
    rows = db.session.scalars(select(ConsumerDocument).where(ConsumerDocument.consumer_id == world.owner.consumer.id)
                              .order_by(ConsumerDocument.id)).all()
    for age, row in enumerate(reversed(rows)):  # the first written is the oldest, a day apart
        row.created_at = row.created_at.replace(hour=22, minute=30) - timedelta(days=age + 1)
    db.session.commit()
    login(world.owner)
    page = _page(client)
    assert [(r["kind"], r["source"]) for r in page] == [(r.source_kind, r.source_id) for r in reversed(rows)]
    newest = rows[-1].created_at + timedelta(hours=3)  # 22:30 UTC is the next day in Moscow
    assert page[0]["date"] == newest.strftime("%d.%m.%Y")


def test_another_consumer_sees_none_of_them(client, login, world):
    login(world.other)
    html = client.get("/my/documents/").get_data(as_text=True)
    assert w.rows_of(html) == []
    assert 'data-test="no-documents"' in html


def test_a_document_staff_removed_is_gone_and_a_drafts_waits_for_its_submission(client, login, world):
    remove_attachment(world.answer, world.staff, side="organization")
    app_type = world.appeal.application_type
    draft, _reopened = open_draft(world.owner.consumer, app_type, world.owner, new=True)
    add_attachment(draft, w.pdf("Черновик.pdf"), world.owner, side="consumer", title="Черновик", notify=False)
    db.session.commit()
    login(world.owner)
    titles = [row["title"] for row in _page(client)]
    assert "Ответ на обращение" not in titles and "Черновик" not in titles
    assert "Фото счетчика" in titles
