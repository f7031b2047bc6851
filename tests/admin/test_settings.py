"""F2: one settings form; changes act at once, bad values change nothing, all audited."""
from app.core.errors import STALE_FORM
import io

import pytest

from app.extensions import db
from app.models import AuditRecord
from app.core.settings import SPECS, get_setting


def _form_data(**changes):
    """The settings form as the browser posts it, with the current values plus `changes`."""
    data = {}
    for spec in SPECS:
        value = get_setting(spec.key)
        if spec.kind == "bool":
            if value:
                data[spec.key] = "y"
        elif spec.kind in ("image", "secret"):
            continue
        else:
            data[spec.key] = "" if value is None else str(value)
    from workflows.admin.settings import fingerprint

    data["loaded"] = fingerprint()
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _save(client, **changes):
    return client.post("/admin/settings/", data=_form_data(**changes), content_type="multipart/form-data")


def test_settings_form_shows_and_saves_every_setting(client, login, org_admin):
    login(org_admin)
    page = client.get("/admin/settings/").get_data(as_text=True)
    for spec in SPECS:
        assert page.count(f'name="{spec.key}"') == 1, spec.key
    for legend in ("Реквизиты", "Почта и SMS", "Правила входа"):
        assert f"<legend>{legend}</legend>" in page
    response = _save(client, org_name="ООО «Сетевая организация»", org_inn="7707083893", org_bank_bik="044525225",
                     org_bank_account="40702810900000000001", captcha_enabled="y", drafts_per_type="2")
    assert response.status_code == 302
    db.session.expire_all()
    assert get_setting("org_name") == "ООО «Сетевая организация»"
    assert get_setting("org_inn") == "7707083893"
    assert get_setting("captcha_enabled") is True
    assert get_setting("drafts_per_type") == 2
    assert "ООО «Сетевая организация»" in client.get("/admin/settings/").get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("org_email", "not-an-email", "Некорректный адрес электронной почты"),
    ("application_forms_url", "javascript:alert(1)", "Введите адрес, начинающийся с http:// или https://"),
    ("upload_max_file_mb", "-5", "Введите число от 0 до 100000"),
    ("upload_max_file_mb", "", "Поле обязательно для заполнения"),
    ("org_inn", "12345", "ИНН должен содержать 10 или 12 цифр"),
    ("org_kpp", "12", "КПП должен содержать 9 символов"),
    ("org_bank_bik", "abc", "БИК должен содержать 9 цифр"),
    ("org_bank_account", "123", "Номер счета должен содержать 20 цифр"),
    ("mail_port", "порт", "Введите номер порта"),
])
def test_invalid_value_shows_message_under_field_and_changes_nothing(client, login, org_admin, field, value, message):
    login(org_admin)
    response = _save(client, **{field: value, "org_name": "Должно не сохраниться"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f'data-error-for="{field}">{message}' in body
    db.session.expire_all()
    assert get_setting("org_name") != "Должно не сохраниться"
    assert db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "settings.update")).first() is None


def test_change_is_audited_with_before_and_after_and_secrets_masked(client, login, org_admin):
    import pyotp

    org_admin.totp_secret, org_admin.totp_enabled = pyotp.random_base32(), True  # gateway changes need TOTP
    db.session.commit()
    login(org_admin)
    _save(client, org_phone="+7 (495) 000-00-00", mail_password="s3cret-pass",
          gateway_totp=pyotp.TOTP(org_admin.totp_secret).now())
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "settings.update")).scalar_one()
    assert record.actor_id == org_admin.id
    assert record.before == {"org_phone": ""}
    assert record.after == {"org_phone": "+7 (495) 000-00-00"}
    gateway = db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "settings.gateway_update")
                                 ).scalar_one()
    assert gateway.before == {"mail_password": ""} and gateway.after == {"mail_password": "***"}
    assert get_setting("mail_password") == "s3cret-pass"
    # an empty password field keeps the stored password
    _save(client, org_phone="+7 (495) 111-11-11")
    db.session.expire_all()
    assert get_setting("mail_password") == "s3cret-pass"
    assert "s3cret-pass" not in client.get("/admin/settings/").get_data(as_text=True)


def _open_draft(consumer_user):
    from workflows.applications import service

    app_type = service.active_types()[0]
    application, _reopened = service.open_draft(consumer_user.consumer, app_type, consumer_user)
    db.session.commit()
    return application


def test_forms_link_appears_and_disappears_without_restart(client, login, reference_data, org_admin, consumer):
    application = _open_draft(consumer)
    login(consumer)
    url = f"/my/applications/{application.id}/edit"
    assert 'data-test="forms-url"' not in client.get(url).get_data(as_text=True)
    login(org_admin)
    _save(client, application_forms_url="https://example.ru/forms")
    login(consumer)
    body = client.get(url).get_data(as_text=True)
    assert 'href="https://example.ru/forms"' in body and "Заявки для заполнения вы можете скачать здесь" in body
    login(org_admin)
    _save(client, application_forms_url="")
    login(consumer)
    assert 'data-test="forms-url"' not in client.get(url).get_data(as_text=True)


def test_upload_limit_takes_effect_at_once(client, login, pages, org_admin):
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024)
    login(org_admin)
    _save(client, upload_max_file_mb="1")

    def upload():
        return client.post("/admin/pages/upload-image", data={"image": (io.BytesIO(big), "big.png")},
                           content_type="multipart/form-data")

    refused = upload()
    assert refused.status_code == 400 and "Максимальный размер файла 1 МБ" in refused.get_json()["error"]
    _save(client, upload_max_file_mb="3")
    assert upload().status_code == 200


def test_logo_upload(client, login, org_admin):
    login(org_admin)
    data = _form_data()
    data["org_logo"] = (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100), "logo.png")
    assert client.post("/admin/settings/", data=data, content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    key = get_setting("org_logo")
    assert len(key) == 40
    assert client.get(f"/page/asset/{key}").status_code == 200
    assert 'data-test="logo"' in client.get("/admin/settings/").get_data(as_text=True)
    with client.session_transaction() as session:
        session.clear()
    assert f'src="/page/asset/{key}"' in client.get("/").get_data(as_text=True)
    login(org_admin)
    bad = _form_data()
    bad["org_logo"] = (io.BytesIO(b"MZ-executable"), "logo.exe")
    response = client.post("/admin/settings/", data=bad, content_type="multipart/form-data")
    assert response.status_code == 400 and "PNG, JPG или GIF" in response.get_data(as_text=True)


def test_send_test_message_by_email_and_sms(client, login, org_admin, sent):
    login(org_admin)
    response = client.post("/admin/settings/test", data={"channel": "email", "recipient": "check@example.ru"})
    assert response.status_code == 302
    assert [m["To"] for m in sent.emails] == ["check@example.ru"]
    assert "Тестовое сообщение" in sent.emails[0]["Subject"]
    client.post("/admin/settings/test", data={"channel": "sms", "recipient": "8 (912) 345-67-89"})
    assert sent.sms[-1][0] == "+79123456789"
    bad = client.post("/admin/settings/test", data={"channel": "sms", "recipient": "12"})
    assert bad.status_code == 400 and "Введите номер телефона" in bad.get_data(as_text=True)
    assert len(sent.sms) == 1


def test_save_over_another_admins_newer_change_is_refused(client, login, org_admin):
    from app.core.settings import set_setting

    login(org_admin)
    stale = _form_data(org_name="Мой вариант")
    set_setting("org_phone", "+7 (495) 222-22-22")  # another admin saved in between
    db.session.commit()
    response = client.post("/admin/settings/", data=stale, content_type="multipart/form-data")
    assert response.status_code == 409
    assert str(STALE_FORM) in response.get_data(as_text=True)
    db.session.expire_all()
    assert get_setting("org_name") != "Мой вариант"
    assert get_setting("org_phone") == "+7 (495) 222-22-22"
