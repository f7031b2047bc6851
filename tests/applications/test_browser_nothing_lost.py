"""In Chromium: «Добавить документ» before «Сохранить черновик» keeps what was typed (nothing lost)."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attachment, LegalForm
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

