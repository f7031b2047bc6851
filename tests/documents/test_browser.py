"""Browser journey (issue 4): staff attach a contract offer needing two signatures and sign it;
a ФЛ consumer signs it by SMS code; both signatures show «Скачать подпись»; the public
verification page confirms the pair and rejects a modified document."""
import re

import pytest

from app.extensions import db
from app.core.notifications.transports import memory_outbox
from app.models import LegalForm
from app.security.roles import STAFF
from tests.browser_helpers import browser_login, browser_logout
from tests.documents.conftest import make_application
from tests.factories import PASSWORD, make_consumer, make_staff

pytestmark = pytest.mark.browser

CONTRACT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% contract\n%%EOF\n"


def test_two_sided_signing_journey(live_server, page, ctx, tmp_path):
    staff = make_staff(STAFF)
    consumer = make_consumer(LegalForm.INDIVIDUAL, last_name="Туксин", first_name="Артем",
                             middle_name="Александрович")
    application = make_application(consumer)
    db.session.commit()
    app_id, staff_email, consumer_email, phone = application.id, staff.email, consumer.email, consumer.phone

    _staff_adds_and_signs(page, live_server, app_id, staff_email)
    panel = _consumer_signs_with_sms_code(page, live_server, app_id, consumer_email, phone)
    document_path, evidence_path = _download(page, live_server, panel, tmp_path)
    _anyone_verifies(page, live_server, document_path, evidence_path, tmp_path)


def _staff_adds_and_signs(page, live_server, app_id, staff_email):
    # staff: «Добавить документ» with «Необходима двухсторонняя электронная подпись», then «Подписать»
    browser_login(page, live_server, staff_email, PASSWORD)
    page.goto(f"{live_server}/staff/applications/{app_id}")
    form = page.locator("form[data-test=attachment-form]")
    form.locator("input[name=title]").fill("Оферта договора о технологическом присоединении")
    form.locator("input[name=file]").set_input_files(
        {"name": "Договор ТП.pdf", "mimeType": "application/pdf", "buffer": CONTRACT})
    form.locator("input[name=needs_two_sided_signature]").check()
    form.locator("[data-test=add-document]").click()
    page.wait_for_load_state("networkidle")
    panel = page.locator("[data-test=documents-panel]")
    assert "Не подписано со стороны" in panel.inner_text()
    panel.locator("[data-test=sign-organization]").click()
    page.wait_for_load_state("networkidle")
    panel = page.locator("[data-test=documents-panel]")
    assert "Подписано со стороны" in panel.inner_text()
    assert "Ожидается подписание документа со стороны пользователя" in panel.inner_text()
    browser_logout(page, live_server)


def _consumer_signs_with_sms_code(page, live_server, app_id, consumer_email, phone):
    # the ФЛ consumer: «Подписать» → SMS code → «Подтвердить»
    browser_login(page, live_server, consumer_email, PASSWORD)
    page.goto(f"{live_server}/my/applications/{app_id}")
    panel = page.locator("[data-test=documents-panel]")
    assert "Ожидается подписание документа со стороны пользователя" in panel.inner_text()
    panel.locator("[data-test=pep-sign]").click()
    page.wait_for_load_state("networkidle")
    assert "отправлено смс сообщение с кодом" in page.locator("[data-test=documents-panel]").inner_text()
    texts = [text for number, text in memory_outbox.sms if number == phone]
    code = re.search(r"\b(\d{6})\b", texts[-1]).group(1)
    page.fill("[data-test=pep-confirm-form] input[name=code]", "000000" if code != "000000" else "111111")
    page.click("[data-test=pep-confirm]")
    page.wait_for_load_state("networkidle")
    assert "Неверный код подтверждения" in page.inner_text("[data-test=sign-error]")
    page.fill("[data-test=pep-confirm-form] input[name=code]", code)
    page.click("[data-test=pep-confirm]")
    page.wait_for_load_state("networkidle")
    panel = page.locator("[data-test=documents-panel]")
    text = panel.inner_text()
    assert "Подписано со стороны пользователя" in text and "ПЭП: Туксин Артем Александрович" in text
    assert "Дата подписания" in text
    assert panel.locator("[data-test=download-signature]").count() == 2
    return panel


def _download(page, live_server, panel, tmp_path):
    # download the document and the consumer's signature file
    with page.expect_download() as info:
        panel.locator("[data-test=signed-consumer] [data-test=download-signature]").click()
    evidence_path = tmp_path / "signature.json"
    info.value.save_as(evidence_path)
    with page.expect_download() as info:
        panel.locator("a", has_text="Скачать файл").first.click()
    document_path = tmp_path / "Договор ТП.pdf"
    info.value.save_as(document_path)
    assert document_path.read_bytes() == CONTRACT
    browser_logout(page, live_server)
    return document_path, evidence_path


def _anyone_verifies(page, live_server, document_path, evidence_path, tmp_path):
    # anyone: «Проверить подпись»
    page.goto(f"{live_server}/verify-signature/")
    page.set_input_files("input[name=document]", str(document_path))
    page.set_input_files("input[name=evidence]", str(evidence_path))
    page.click("[data-test=verify]")
    result = page.locator("[data-test=verify-result]")
    assert result.get_attribute("data-ok") == "yes"
    assert "Туксин Артем Александрович" in result.inner_text()

    modified = tmp_path / "modified.pdf"
    modified.write_bytes(CONTRACT.replace(b"1 0 obj", b"2 0 obj"))
    page.set_input_files("input[name=document]", str(modified))
    page.set_input_files("input[name=evidence]", str(evidence_path))
    page.click("[data-test=verify]")
    result = page.locator("[data-test=verify-result]")
    assert result.get_attribute("data-ok") == "no"
    assert "Документ не совпадает с подписанным" in result.inner_text()
