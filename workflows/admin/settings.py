"""Organization data and settings (F2): one form over app.settings.SPECS.

Values are stored as rows and read per request, so a change takes effect at once in
every instance. Each save is audited with the changed values before and after; secrets
are recorded as «***».
"""
from flask_babel import gettext as _

from app import audit
from app.notify import queue_email, queue_sms
from app.settings import SPECS, get_setting, set_setting

SECRET_KINDS = {"secret"}


def editable_specs():
    return list(SPECS)


def _shown(spec, value):
    if spec.kind in SECRET_KINDS:
        return audit.MASKED if value not in (None, "") else ""
    return value


def current_values() -> dict:
    """Setting values as the form shows them (secrets left empty)."""
    return {spec.key: ("" if spec.kind in SECRET_KINDS else get_setting(spec.key)) for spec in SPECS}


def fingerprint() -> str:
    """A digest of every stored value: the form posts the one it was rendered with, so a save
    over another admin's newer change is refused (STYLE 5)."""
    import hashlib
    import json

    from app.settings import all_settings

    data = json.dumps(all_settings(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def save_settings(values: dict, *, actor=None, logo_asset=None) -> dict:
    """Store the changed settings; returns {key: (before, after)} of what changed."""
    changes = {}
    for spec in SPECS:
        if spec.kind == "image":
            if logo_asset is None:
                continue
            new = logo_asset.file.storage_key
        elif spec.key not in values:
            continue
        else:
            new = values[spec.key]
            if spec.kind in SECRET_KINDS and new in (None, ""):
                continue  # an empty password field keeps the stored one
            if spec.kind == "bool":
                new = bool(new)
            elif spec.kind == "int":
                new = int(new)
            elif isinstance(new, str):
                new = new.strip()
            elif new is None:
                new = ""
        old = get_setting(spec.key)
        if old == new:
            continue
        set_setting(spec.key, new, actor=actor)
        changes[spec.key] = (old, new)
    if changes:
        by_key = {spec.key: spec for spec in SPECS}
        audit.record(
            "settings.update", None, object_type="Settings", object_id="organization", actor=actor,
            summary=", ".join(by_key[key].label for key in changes),
            before={key: _shown(by_key[key], old) for key, (old, _new) in changes.items()},
            after={key: _shown(by_key[key], new) for key, (_old, new) in changes.items()},
        )
    return changes


def send_test_message(channel: str, recipient: str, *, actor=None):
    """Queue a test email or SMS through the configured gateway («Отправить тестовое сообщение»)."""
    from app.identifiers import normalize_phone

    org = get_setting("org_short_name")
    text = _("Тестовое сообщение личного кабинета %(org)s. Если вы его получили, настройки верны.", org=org)
    if channel == "sms":
        phone = normalize_phone(recipient)
        message = queue_sms(phone, text, template="admin_test")
    else:
        message = queue_email(recipient.strip(), _("Тестовое сообщение"), text, template="admin_test")
    audit.record("settings.test_message", message, actor=actor, summary=f"{channel}: {recipient}")
    return message


#: how the one settings form is divided into sections; keys not listed go to «Прочее»
SECTIONS: list[tuple[str, list[str]]] = [
    ("Организация", ["org_name", "org_short_name", "org_logo", "org_site", "org_work_hours"]),
    ("Реквизиты", ["org_inn", "org_kpp", "org_ogrn", "org_address", "org_bank_name", "org_bank_bik",
                   "org_bank_account", "org_bank_corr_account"]),
    ("Контакты", ["org_phone", "org_email"]),
    ("Заявки и файлы", ["application_forms_url", "drafts_per_type", "upload_max_file_mb", "upload_max_total_mb",
                        "upload_allowed_extensions"]),
    ("Безопасность", ["captcha_enabled", "password_min_length", "totp_required_for_staff"]),
    ("Почта и SMS", ["mail_server", "mail_port", "mail_username", "mail_password", "mail_default_sender",
                     "sms_http_url", "sms_sender"]),
]


def sections() -> list[tuple[str, list[str]]]:
    """(title, setting keys) in form order; every key of SPECS appears exactly once."""
    known = {spec.key for spec in SPECS}
    listed = [(title, [key for key in keys if key in known]) for title, keys in SECTIONS]
    used = {key for _title, keys in listed for key in keys}
    rest = [spec.key for spec in SPECS if spec.key not in used]
    if rest:
        listed.append(("Прочее", rest))
    return [(title, keys) for title, keys in listed if keys]


def logo_url() -> str | None:
    """Address of the organization's logo, or None (Jinja global org_logo_url)."""
    from flask import url_for

    key = get_setting("org_logo")
    return url_for("InfoPageView.asset", key=key) if key else None
