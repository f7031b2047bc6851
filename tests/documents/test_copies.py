"""C4: copy requests over HTTP — asked by a consumer, answered by staff, downloaded, announced."""
import io

from app.extensions import db
from app.models import CopyRequest, Notification, OutboxMessage
from tests.documents.conftest import make_application


def test_copy_request_round_trip(client, login, people, sent):
    application = make_application(people.owner)
    db.session.commit()
    login(people.owner)
    page = client.post("/documents/copies/", data={"documents": "  ", "application_id": "0"}).get_data(as_text=True)
    assert "Выберите документы или опишите, какие нужны" in page
    page = client.post("/documents/copies/", data={"kinds": ["Не из списка"], "application_id": "0"}).get_data(as_text=True)
    assert 'data-test="error-kinds"' in page
    page = client.post("/documents/copies/", data={"documents": "x", "application_id": "999999"}).get_data(as_text=True)
    assert 'data-test="error-application_id"' in page
    assert db.session.query(CopyRequest).count() == 0
    response = client.post("/documents/copies/", data={
        "kinds": ["Акт разграничения границ балансовой принадлежности сторон"],
        "documents": "Акт об осуществлении ТП", "application_id": str(application.id)})
    assert response.status_code == 302
    row = db.session.query(CopyRequest).one()
    assert row.application_id == application.id and row.status == "new"
    assert row.documents == "Акт разграничения границ балансовой принадлежности сторон\nАкт об осуществлении ТП"
    login(people.other)
    assert "Акт об осуществлении ТП" not in client.get("/documents/copies/").get_data(as_text=True)
    assert client.get(f"/documents/copies/staff/{row.id}").status_code in (302, 403)
    login(people.staff)
    assert "Акт об осуществлении ТП" in client.get("/documents/copies/staff/").get_data(as_text=True)
    page = client.post(f"/documents/copies/staff/{row.id}", data={"action": "fulfil", "answer": ""}).get_data(as_text=True)
    assert "Приложите копии документов" in page
    client.post(f"/documents/copies/staff/{row.id}",
                data={"action": "fulfil", "answer": "Копия акта", "files": [(io.BytesIO(b"%PDF-1.4 act"), "Акт.pdf")]},
                content_type="multipart/form-data")
    db.session.expire_all()
    row = db.session.get(CopyRequest, row.id)
    assert row.status == "fulfilled" and len(row.files) == 1
    assert db.session.query(Notification).filter_by(user_id=people.owner.id).count() == 1
    login(people.owner)
    page = client.get("/documents/copies/").get_data(as_text=True)
    assert "Исполнен" in page and "Акт.pdf" in page
    assert client.get(f"/documents/copy-file/{row.files[0].id}").data == b"%PDF-1.4 act"
    login(people.other)
    assert client.get(f"/documents/copy-file/{row.files[0].id}").status_code == 404


def test_organization_is_told_about_copy_request(client, login, people, sent):
    from app.core.settings import set_setting

    set_setting("org_email", "office@example.ru")
    db.session.commit()
    login(people.owner)
    client.post("/documents/copies/", data={"kinds": ["Технические условия"], "application_id": "0"})
    assert db.session.query(OutboxMessage).filter_by(recipient="office@example.ru").count() == 1
