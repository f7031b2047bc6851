"""C1: statement templates — whitelist, hostile text, unknown placeholders, frozen statements."""
import io

import pytest
from docx import Document

from app.extensions import db
from app.core.files import read_stored
from app.models import RenderedDocument, StatementTemplate
from app.security.roles import ORG_ADMIN
from tests.documents.conftest import docx_text, make_application
from tests.zip_bombs import docx_of_many_parts, docx_of_zeros
from workflows.documents import statements, templates
from workflows.documents.default_template import build_default_template


def docx_with(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_default_template_fills_applicant_and_fields(application):
    statement = statements.statement_for(application)
    text = docx_text(statement.data)
    assert "Заявка на технологическое присоединение" in text
    assert "ТП-1563" in text
    assert "г. Казань, ул. Салимжанова, д. 1" in text
    assert "Характеристика и назначение объекта" in text and "Жилой дом" in text
    assert application.consumer.full_name in text
    assert "{{" not in text and "{%" not in text


def test_hostile_text_is_escaped_and_kept_verbatim(people):
    hostile = '<b>&</b> "кавычки" \'и\' </w:t></w:r><w:r><w:t>' + "Очень длинный текст " * 500
    application = make_application(people.owner, data={"object_address": hostile, "purpose": "{{ 7*7 }}"})
    db.session.commit()
    data = statements.statement_for(application).data
    text = docx_text(data)  # python-docx would fail on a broken document
    assert hostile.strip() in text
    assert "{{ 7*7 }}" in text


def test_upload_reports_unknown_placeholders(people, application):
    kind = application.application_type
    data = docx_with("{{ applicant.full_name }} {{ applicant.salary }} {{ fields.power }} {{ fields.nope }} {{ secret }}")
    template, check = templates.upload_template(kind, data, "мой.docx", actor=people.staff)
    assert check.unknown == ["applicant.salary", "fields.nope", "secret"]
    filled = docx_text(statements.statement_for(make_application(people.owner, submitted=False)).data)
    assert filled.split() == [application.consumer.full_name.split()[0], *application.consumer.full_name.split()[1:],
                              "15"]  # unknown placeholders render empty
    assert template.version == 1
    assert "applicant.full_name" in check.placeholders
    again, _ = templates.upload_template(kind, data, "мой.docx", actor=people.staff)
    assert again.version == 2
    assert templates.current_template(kind).id == again.id


@pytest.mark.parametrize("data, name, message", [
    (b"not a zip", "t.docx", "не является документом Word"),
    (docx_with("{{ applicant.full_name "), "t.docx", "Ошибка в шаблоне"),
    (docx_with("{{ applicant.full_name }}"), "t.doc", ".docx"),
    (b"PK" + b"0" * (10 * 1024 * 1024), "big.docx", "слишком большой"),
    (docx_with("{{ ''.__class__.__mro__[1].__subclasses__() }}"), "t.docx", "не заполняется"),
])
def test_bad_templates_are_refused(people, application, data, name, message):
    with pytest.raises(templates.TemplateRejected, match=message):
        templates.upload_template(application.application_type, data, name, actor=people.staff)
    assert db.session.query(StatementTemplate).count() == 0


@pytest.fixture
def docxtpl_must_not_open(monkeypatch):
    """A zip bomb must be refused before docxtpl unpacks it (it would read the whole 1 GB)."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("docxtpl opened a zip bomb")

    monkeypatch.setattr(templates, "DocxTemplate", refuse)


@pytest.mark.parametrize("make, message", [
    (lambda: docx_of_zeros(), "в распакованном виде больше 200 МБ"),
    (lambda: docx_of_many_parts(2001), "слишком много частей"),
])
def test_zip_bomb_template_is_refused_by_its_unpacked_size(people, application, docxtpl_must_not_open, make, message):
    with pytest.raises(templates.TemplateRejected, match=message):
        templates.upload_template(application.application_type, make(), "шаблон.docx", actor=people.staff)
    assert db.session.query(StatementTemplate).count() == 0


def test_zip_bomb_template_over_http_shows_the_message_and_stores_nothing(client, login, application,
                                                                          docxtpl_must_not_open):
    from app.models import StoredFile
    from tests.factories import make_staff

    stored = db.session.query(StoredFile).count()
    login(make_staff(ORG_ADMIN))
    page = client.post(f"/documents/templates/{application.application_type_id}/",
                       data={"file": (io.BytesIO(docx_of_zeros()), "шаблон.docx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Файл в распакованном виде больше 200 МБ и не принят" in page
    db.session.expire_all()
    assert db.session.query(StatementTemplate).count() == 0 and db.session.query(StoredFile).count() == stored


def test_kept_statement_does_not_change_after_template_update(people, application):
    first = statements.statement_for(application)
    db.session.commit()
    assert first.kept is not None
    templates.upload_template(application.application_type, docx_with("Новый шаблон {{ applicant.inn }}"),
                              "new.docx", actor=people.staff)
    db.session.commit()
    again = statements.statement_for(application)
    assert again.data == first.data
    assert again.template.version == 1
    assert db.session.query(RenderedDocument).count() == 1
    # a draft renders with the new template
    draft = make_application(people.owner, submitted=False)
    assert "Новый шаблон" in docx_text(statements.statement_for(draft).data)


def test_default_template_uses_only_whitelisted_placeholders(ctx):
    check = templates.check_template(build_default_template())
    assert check.unknown == []


def test_seed_gives_every_type_a_template(application):
    templates.seed_default_templates()
    templates.seed_default_templates()
    rows = db.session.query(StatementTemplate).all()
    assert len(rows) == 1
    assert read_stored(rows[0].file)[:2] == b"PK"


def test_resubmission_keeps_a_new_statement_and_the_first_one_stays(people, application):
    from datetime import timedelta

    from app.models import ApplicationEvent, Status

    first = statements.statement_for(application)
    db.session.commit()
    # returned for editing, changed and sent again: the organization receives the new text
    editable = Status(application_type_id=application.application_type_id, code="missing", name="Ожидание",
                      consumer_editable=True)
    db.session.add(editable)
    db.session.flush()
    application.data = {**application.data, "purpose": "Баня"}
    db.session.add(ApplicationEvent(application_id=application.id, kind="status", from_status_id=editable.id,
                                    to_status_id=application.status_id,
                                    at=application.submitted_at + timedelta(minutes=1)))
    db.session.commit()
    second = statements.statement_for(application)
    db.session.commit()
    assert "Баня" in docx_text(second.data) and "Баня" not in docx_text(first.data)
    assert db.session.query(RenderedDocument).count() == 2
    assert read_stored(db.session.get(RenderedDocument, first.kept.id).file) == first.data
