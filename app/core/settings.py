"""Organization settings (F2): defaults here, overrides in the `setting` table.

Read through get_setting(); all rows are loaded once per request (one query), so a
change made by an admin takes effect on the next request in every instance, without a
restart.
"""
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from sqlalchemy import select

from app.extensions import db
from app.models import SettingValue


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any
    kind: str = "string"  # string | text | int | bool | email | url | choice
    #: kind "choice": (value, label) pairs the admin picks from
    choices: tuple = ()


SPECS: list[SettingSpec] = [
    SettingSpec("org_name", "Полное наименование организации", "АО «Электросети»"),
    SettingSpec("org_short_name", "Краткое наименование (в текстах «Не подписано со стороны …»)", "АО «Электросети»"),
    SettingSpec("org_inn", "ИНН организации", ""),
    SettingSpec("org_kpp", "КПП организации", ""),
    SettingSpec("org_ogrn", "ОГРН организации", ""),
    SettingSpec("org_address", "Адрес организации", ""),
    SettingSpec("org_phone", "Телефон организации", ""),
    SettingSpec("org_email", "Email организации (уведомления о регистрации и заявках)", "", "email"),
    SettingSpec("application_forms_url", "Ссылка «Заявки для заполнения вы можете скачать здесь»", "", "url"),
    SettingSpec("upload_max_file_mb", "Максимальный размер файла, МБ", 50, "int"),
    SettingSpec("upload_max_total_mb", "Максимальный размер всех файлов заявки, МБ", 100, "int"),
    SettingSpec("upload_allowed_extensions", "Разрешённые типы файлов", "pdf,jpg,jpeg,png,tif,tiff,doc,docx,xls,xlsx,odt,ods,zip,sig,p7s,txt"),
    SettingSpec("drafts_per_type", "Черновиков одного типа заявки", 1, "int"),
    SettingSpec("captcha_enabled", "Капча при регистрации", False, "bool"),
    SettingSpec("password_min_length", "Минимальная длина пароля", 6, "int"),
    SettingSpec("totp_required_for_staff", "Двухфакторный вход обязателен для сотрудников", False, "bool"),
    SettingSpec("signature_allow_representative",
                "Принимать электронную подпись представителя (сертификат выдан не заявителю)", False, "bool"),
    SettingSpec("signature_require_trusted_chain",
                "Принимать только подписи с сертификатами доверенных УЦ", False, "bool"),
    # admin area (F2): bank details, contacts, logo, mail and SMS gateways ("" = server config)
    SettingSpec("org_bank_name", "Банк", ""),
    SettingSpec("org_bank_bik", "БИК банка", ""),
    SettingSpec("org_bank_account", "Расчетный счет", ""),
    SettingSpec("org_bank_corr_account", "Корреспондентский счет", ""),
    SettingSpec("org_site", "Сайт организации", "", "url"),
    SettingSpec("org_work_hours", "Режим работы", "", "text"),
    SettingSpec("org_logo", "Логотип", "", "image"),
    SettingSpec("mail_server", "Почтовый сервер (SMTP)", ""),
    SettingSpec("mail_port", "Порт SMTP", ""),
    SettingSpec("mail_username", "Пользователь SMTP", ""),
    SettingSpec("mail_password", "Пароль SMTP", "", "secret"),
    SettingSpec("mail_default_sender", "Адрес отправителя писем", "", "email"),
    SettingSpec("sms_http_url", "Адрес SMS-шлюза ({phone}, {text}, {sender})", ""),
    SettingSpec("sms_http_auth", "Авторизация SMS-шлюза (user:password или Bearer …)", "", "secret"),
    SettingSpec("sms_sender", "Имя отправителя SMS", ""),
    # billing (D2): what a consumer proves when linking a personal account
    SettingSpec("billing_link_proof", "Подтверждение принадлежности лицевого счета", "owner_surname", "choice",
                choices=(("owner_surname", "Фамилия владельца лицевого счета"),
                         ("last_receipt_amount", "Сумма последней квитанции"))),
    # payments (D6, D9): where online payments go (workflows/payments/providers)
    SettingSpec("payment_provider", "Платежный сервис", "sandbox", "choice",
                choices=(("sandbox", "Песочница платежей (тестовые оплаты)"), ("yookassa", "ЮKassa"))),
    # ЮKassa (workflows/payments/providers/yookassa.py; "" = the server's YOOKASSA_SHOP_ID / YOOKASSA_SECRET_KEY)
    SettingSpec("yookassa_shop_id", "ЮKassa: идентификатор магазина (shopId)", ""),
    SettingSpec("yookassa_secret_key", "ЮKassa: секретный ключ", "", "secret"),
    # appeals and statements (E1, E2): the law's 30 days for an answer; attachments of one appeal
    SettingSpec("appeal_answer_working_days", "Срок ответа на обращение, рабочих дней", 30, "int"),
    SettingSpec("cabinet_file_max_mb", "Обращения и заявления: максимальный размер одного файла, МБ", 7, "int"),
    SettingSpec("cabinet_files_total_mb", "Обращения и заявления: общий объем вложенных файлов, МБ", 100, "int"),
]
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}

_MISSING = object()
CACHE_KEY = "kabinet.settings"


def _load_all() -> dict[str, Any]:
    rows = db.session.execute(select(SettingValue.key, SettingValue.value)).all()
    return {key: value for key, value in rows}


def all_settings() -> dict[str, Any]:
    if has_request_context():
        cached = request.environ.get(CACHE_KEY)
        if cached is None:
            cached = request.environ[CACHE_KEY] = _load_all()
        return cached
    return _load_all()


def get_setting(key: str, default: Any = _MISSING) -> Any:
    values = all_settings()
    if key in values:
        return values[key]
    if default is not _MISSING:
        return default
    return SPEC_BY_KEY[key].default


def set_setting(key: str, value: Any, actor=None) -> None:
    """Store one setting (flushes; the request commits) and drop the request cache."""
    row = db.session.get(SettingValue, key)
    if row is None:
        row = SettingValue(key=key)
        db.session.add(row)
    row.value = value
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    if has_request_context():
        request.environ.pop(CACHE_KEY, None)
