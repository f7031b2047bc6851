"""The whole journey in headless Chromium: submit with documents, missing data, resubmission, contract execution."""
import re

import pytest

from app.models import LegalForm
from app.security.roles import STAFF
from tests.applications.conftest import COMPLETE_PROFILE, PDF, doc_type
from tests.browser_helpers import browser_login, browser_logout
from tests.factories import PASSWORD, make_consumer, make_staff

pytestmark = pytest.mark.browser


def choose_transition(page, name):
    page.select_option("#transition_id", label=name)


def test_connection_application_from_submission_to_contract_execution(live_server, page, reference_data, tmp_path):
    consumer = make_consumer(LegalForm.INDIVIDUAL, **COMPLETE_PROFILE[LegalForm.INDIVIDUAL])
    staff = make_staff(STAFF)
    plan, deed, letter, extra = (tmp_path / n for n in ("План.pdf", "Выписка ЕГРН.pdf", "Перечень.pdf", "Паспорт.pdf"))
    for path in (plan, deed, letter, extra):
        path.write_bytes(PDF)

    # 1. the consumer opens a draft, adds two documents and submits
    browser_login(page, live_server, consumer.email, PASSWORD)
    page.goto(f"{live_server}/my/applications/new")
    page.click("[data-test=create-tp]")
    assert re.search(r"/my/applications/\d+/edit", page.url)
    for doc_code, path in (("site_plan", plan), ("ownership", deed)):
        page.select_option("#doc-document_type_id", value=str(doc_type(doc_code).id))
        page.set_input_files("#doc-file", str(path))
        page.click("[data-test=add-document]")
        assert "Файл успешно загружен" in page.inner_text(".alert-success")
    page.fill("#f_contract_basis", "Выписка из ЕГРН")
    page.fill("#f_city", "Казань")
    page.fill("#f_object_address", "Казань, Салимжанова, 1")
    page.fill("#f_object_description", "Жилой дом")
    page.select_option("#f_reason", label="Новое присоединение")
    page.fill("#f_max_power_kw", "15")
    page.select_option("#f_voltage_level", label="0,4")
    page.select_option("#f_reliability_category", label="III")
    page.click("[data-test=submit]")
    assert "Заявка отправлена" in page.inner_text(".alert-success")
    assert page.inner_text("[data-test=status]") == "На рассмотрении"
    application_id = int(re.search(r"/my/applications/(\d+)", page.url).group(1))
    browser_logout(page, live_server)

    # 2. staff assign a number and ask for the missing data with a document
    browser_login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server}/staff/queue/")
    page.click(f"[data-test=queue-row][data-id='{application_id}'] [data-test=open]")
    page.check("#assign_number")
    choose_transition(page, "Запросить недостающие сведения → Ожидание недостающих сведений")
    page.select_option("#status_document_type_id", value=str(doc_type("missing_data").id))
    page.set_input_files("#status_file", str(letter))
    page.fill("[data-test=save-form] textarea[name=comment]", "Приложите копию паспорта")
    page.click("[data-test=save]")
    assert "Изменения сохранены" in page.inner_text(".alert-success")
    number = page.inner_text("[data-test=summary] [data-test=number]").strip()
    assert number.startswith("ТП-")
    browser_logout(page, live_server)

    # 3. the consumer sees «Недостающие данные», adds a document and resubmits
    browser_login(page, live_server, consumer.email, PASSWORD)
    page.goto(f"{live_server}/my/applications/")
    assert "Ожидание недостающих сведений" in page.inner_text("[data-test=my-applications]")
    page.goto(f"{live_server}/my/applications/{application_id}")
    assert "Перечень.pdf" in page.inner_text("[data-test=missing-data]")
    page.click("[data-test=edit]")
    page.select_option("#doc-document_type_id", value=str(doc_type("passport_copy").id))
    page.set_input_files("#doc-file", str(extra))
    page.click("[data-test=add-document]")
    assert "Файл успешно загружен" in page.inner_text(".alert-success")
    page.click("[data-test=submit]")
    assert page.inner_text("[data-test=status]") == "На рассмотрении"
    browser_logout(page, live_server)

    # 4. staff move it through offer preparation to contract execution, with two stage notes
    browser_login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server}/staff/applications/{application_id}")
    choose_transition(page, "Подготовка оферты договора")
    page.click("[data-test=save]")
    page.fill("[data-test=note-form] input[name=text]", "Ведется проектирование")
    page.click("[data-test=add-note]")
    choose_transition(page, "Исполнение договора ТП")
    page.click("[data-test=save]")
    page.fill("[data-test=note-form] input[name=text]", "Ведутся строительно-монтажные работы")
    page.click("[data-test=add-note]")
    page.fill("[data-test=tracker-form] input[name=date_3]", "2026-03-13")
    page.select_option("[data-test=tracker-form] select[name=state_4]", label="в стадии выполнения")
    page.click("[data-test=save-tracker]")
    assert "Этапы обновлены" in page.inner_text(".alert-success")
    browser_logout(page, live_server)

    # 5. the consumer sees every step, the stage tracker and the notifications
    browser_login(page, live_server, consumer.email, PASSWORD)
    page.goto(f"{live_server}/my/applications/{application_id}")
    assert page.inner_text("[data-test=status]") == "Исполнение договора ТП"
    history = page.inner_text("[data-test=history]")
    for step in ("На рассмотрении", "Ожидание недостающих сведений", "Подготовка оферты договора",
                 "Ведется проектирование", "Исполнение договора ТП", "Ведутся строительно-монтажные работы",
                 f"Присвоен регистрационный номер {number}"):
        assert step in history, step
    assert f"№ {number}" in page.inner_text("[data-test=stage][data-stage='1']")
    assert "13.03.2026" in page.inner_text("[data-test=stage][data-stage='3']")
    assert "в стадии выполнения" in page.inner_text("[data-test=stage][data-stage='4']")
    page.goto(f"{live_server}/my/notifications/")
    notices = page.inner_text("[data-test=notifications]")
    for text in ("Ожидание недостающих сведений", "Исполнение договора ТП", "Ведутся строительно-монтажные работы",
                 "Обновлены этапы обработки заявки"):
        assert text in notices, text
    page.set_viewport_size({"width": 375, "height": 800})  # a phone
    page.goto(f"{live_server}/my/applications/")
    assert page.is_visible("[data-test=my-applications]")
    assert "Исполнение договора ТП" in page.inner_text("[data-test=my-applications]")
