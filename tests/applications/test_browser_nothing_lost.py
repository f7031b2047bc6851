"""In Chromium: «Добавить документ» before «Сохранить черновик» keeps what was typed (nothing lost)."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attachment, LegalForm
from app.security.roles import STAFF
from tests.applications.conftest import COMPLETE_PROFILE, PDF, doc_type
from tests.browser_helpers import browser_login
from tests.factories import PASSWORD, make_consumer

pytestmark = pytest.mark.browser

TYPED = {"#f_city": "Зеленодольск", "#f_object_address": "Зеленодольск, Ленина, 5",
         "#f_object_description": "Гараж с мастерской"}


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_typed_fields_stay_when_a_document_is_added(live_server, page, reference_data, tmp_path):
    consumer = make_consumer(LegalForm.INDIVIDUAL, **COMPLETE_PROFILE[LegalForm.INDIVIDUAL])
    plan = tmp_path / "План.pdf"
    plan.write_bytes(PDF)
    browser_login(page, live_server, consumer.email, PASSWORD)
    page.goto(f"{live_server}/my/applications/new")
    page.click("[data-test=create-tp]")
    assert re.search(r"/my/applications/\d+/edit", page.url)
    for selector, value in TYPED.items():
        page.fill(selector, value)
    page.select_option("#f_reason", label="Новое присоединение")
    # «Добавить документ» before «Сохранить черновик»
    page.select_option("#doc-document_type_id", value=str(doc_type("site_plan").id))
    page.set_input_files("#doc-file", str(plan))
    page.click("[data-test=add-document]")
    assert "Файл успешно загружен" in page.inner_text(".alert-success")
    assert {selector: page.input_value(selector) for selector in TYPED} == TYPED
    assert page.input_value("#f_reason") == "Новое присоединение"
    assert "План.pdf" in page.inner_text("[data-test=documents]")
    page.reload()  # saved on the draft, not only shown again
    assert {selector: page.input_value(selector) for selector in TYPED} == TYPED
    assert count(Attachment) == 1



def test_staff_page_keeps_what_was_typed_in_the_other_forms(live_server, page, reference_data, tmp_path):
    """The staff application page has four forms; sending one reloads the page. What was typed
    into the others comes back; the form that was sent starts empty."""
    from tests.applications.conftest import make_submitted
    from tests.factories import make_staff

    consumer = make_consumer(LegalForm.INDIVIDUAL, **COMPLETE_PROFILE[LegalForm.INDIVIDUAL])
    application = make_submitted(consumer)
    staff = make_staff(STAFF)
    scan = tmp_path / "Акт.pdf"
    scan.write_bytes(PDF)
    browser_login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server}/staff/applications/{application.id}")
    page.fill("[data-test=save-form] textarea[name=comment]", "Проверить схему подключения")
    page.fill("[data-test=message-form] textarea[name=body]", "Уточните мощность, пожалуйста")
    page.fill("[data-test=note-form] [name=text]", "Ведется проектирование")
    form = page.locator("form[data-test=attachment-form]")
    form.locator("input[name=title]").fill("Акт осмотра")
    form.locator("input[name=file]").set_input_files(str(scan))
    form.locator("[data-test=add-document]").click()
    page.wait_for_load_state("networkidle")
    assert "Акт осмотра" in page.inner_text("[data-test=documents]")
    assert page.input_value("[data-test=save-form] textarea[name=comment]") == "Проверить схему подключения"
    assert page.input_value("[data-test=message-form] textarea[name=body]") == "Уточните мощность, пожалуйста"
    assert page.input_value("[data-test=note-form] [name=text]") == "Ведется проектирование"
    assert page.locator("form[data-test=attachment-form] input[name=title]").input_value() == ""

    page.click("[data-test=send-message]")  # the message is sent once and its box starts empty
    page.wait_for_load_state("networkidle")
    assert "Уточните мощность, пожалуйста" in page.inner_text("[data-test=messages]")
    assert page.input_value("[data-test=message-form] textarea[name=body]") == ""
    page.reload()
    assert page.input_value("[data-test=message-form] textarea[name=body]") == ""
    assert page.input_value("[data-test=save-form] textarea[name=comment]") == "Проверить схему подключения"
