"""Browser journey (issue 2): register as a ФЛ, confirm the phone with the SMS code, sign
in, fill «Мои данные», sign out, sign in by a code sent to the email."""
import re

import pytest

from app.core.notifications.transports import memory_outbox
from tests.browser_helpers import browser_login, browser_logout
from tests.factories import valid_snils

pytestmark = pytest.mark.browser

PASSWORD = "Browser-77$"


def sms_code(phone: str) -> str:
    texts = [text for number, text in memory_outbox.sms if number == phone]
    assert texts, f"no SMS to {phone}"
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def email_code(address: str) -> str:
    bodies = [m.get_content() for m in memory_outbox.emails if m["To"] == address]
    assert bodies, f"no email to {address}"
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def test_register_confirm_fill_profile_and_sign_in_by_email_code(live_server, page):
    snils = valid_snils()
    page.goto(f"{live_server}/register/")
    # the ЮЛ tab shows the organization fields, the ФЛ tab hides them again
    page.check("input[name=legal_form][value=legal_entity]")
    assert page.is_visible("input[name=ogrn]") and not page.is_visible("input[name=snils]")
    page.check("input[name=legal_form][value=individual]")
    assert page.is_visible("input[name=snils]") and not page.is_visible("input[name=ogrn]")

    page.fill("input[name=snils]", snils)
    page.fill("input[name=last_name]", "Туксин")
    page.fill("input[name=first_name]", "Артем")
    page.fill("input[name=middle_name]", "Александрович")
    page.fill("input[name=email]", "browser.user@example.ru")
    page.fill("input[name=phone]", "+7 (999) 765-43-21")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", "Mismatch-1!")
    page.click("button[name=submit]")
    assert "Пароли не совпадают" in page.inner_text("[data-field=confirm]")
    assert "Необходимо согласие" in page.inner_text("[data-field=consent]")

    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.check("input[name=consent]")
    page.click("button[name=submit]")
    page.wait_for_url("**/register/confirm/")
    assert "Подтверждение телефона" in page.content()

    page.fill("input[name=code]", sms_code("+79997654321"))
    page.click("button[name=submit]")
    page.wait_for_url("**/login/")
    assert "Регистрация завершена" in page.content()

    browser_login(page, live_server, "+79997654321", PASSWORD)
    assert page.url.endswith("/my/profile/")  # the first sign-in leads to «Мои данные»
    assert "Внимание! Для подачи заявки необходимо заполнить все обязательные поля" in page.content()
    assert "Физическое лицо - СНИЛС:" in page.inner_text("[data-test=identity]")

    values = {
        "birth_date": "02.01.1980", "birth_place": "г. Казань", "passport_series": "9200",
        "passport_number": "123456", "passport_issued_by": "ОВД Вахитовского района",
        "passport_issued_on": "15.03.2005", "passport_department_code": "160-001",
        "registration_address": "г. Казань, ул. Баумана, 1", "postal_address": "г. Казань, ул. Баумана, 1",
    }
    for name, value in values.items():
        page.fill(f"form.kb-profile [name={name}]", value)
    page.click("form.kb-profile button[name=submit]")
    page.wait_for_load_state("networkidle")
    assert "Данные сохранены" in page.content(), page.locator(".kb-error").all_inner_texts()
    assert "Внимание! Для подачи заявки" not in page.content()

    browser_logout(page, live_server)
    page.goto(f"{live_server}/login/")
    page.click("[data-test=code-login]")
    page.fill("input[name=destination]", "browser.user@example.ru")
    page.click("button[name=submit]")
    page.wait_for_url("**/login/code/enter/")
    page.fill("input[name=code]", email_code("browser.user@example.ru"))
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url
    page.goto(f"{live_server}/my/profile/")
    assert page.url.endswith("/my/profile/")
    assert "подтвержден" in page.inner_text("[data-test=email]")  # the email code proved the address
