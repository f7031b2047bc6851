"""Organization data and settings (F2): one form over app.core.settings.SPECS.

Values are stored as rows and read per request, so a change takes effect at once in
every instance. Each save is audited with the changed values before and after; secrets
are recorded as «***». The mail and SMS gateway decides where every login code goes:
changing it needs a current TOTP code of the admin and is audited on its own
(«settings.gateway_update»).
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import Conflict, Invalid
from app.core.notifications.notify import queue_email, queue_sms
from app.core.settings import SPECS, get_setting, set_setting

SECRET_KINDS = {"secret"}

#: the section of the gateway settings; changing any of them needs the TOTP step
GATEWAY_SECTION = "Почта и SMS"
GATEWAY_KEYS = ("mail_server", "mail_port", "mail_username", "mail_password", "mail_default_sender",
                "sms_http_url", "sms_http_auth", "sms_sender")
MSG_GATEWAY_NO_TOTP = _l("Настройки почты и SMS можно изменить только с подтверждением кодом из "
                         "приложения-аутентификатора, а у вас двухфакторный вход не настроен: включите "
                         "двухфакторный вход в профиле и повторите. Изменения не сохранены.")
MSG_GATEWAY_CODE = _l("Введите текущий код из приложения-аутентификатора, чтобы изменить настройки почты и SMS. "
                      "Изменения не сохранены.")
MSG_GATEWAY_WRONG = _l("Неверный код из приложения-аутентификатора. Изменения не сохранены.")


class GatewayChangeRefused(Invalid):
    """A gateway setting would change without a valid TOTP code; `message` says why."""

    category = "danger"


class SettingsChanged(Conflict):
    """Another admin saved the settings after this form was rendered."""

    # the one stale-form message of every form (app.core.errors.STALE_FORM)


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

    from app.core.settings import all_settings

    data = json.dumps(all_settings(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


#: _new_value(): the form leaves this setting as it is
_KEEP = object()


def _new_value(spec, values: dict, logo_asset):
    """The value `spec` would get from the form, or _KEEP when the form leaves it as it is."""
    if spec.kind == "image":
        return _KEEP if logo_asset is None else logo_asset.file.storage_key
    if spec.key not in values:
        return _KEEP
    new = values[spec.key]
    if spec.kind in SECRET_KINDS and new in (None, ""):
        return _KEEP  # an empty password field keeps the stored one
    if spec.kind == "bool":
        return bool(new)
    if spec.kind == "int":
        return int(new)
    if isinstance(new, str):
        return new.strip()
    return "" if new is None else new


def planned_changes(values: dict, logo_asset=None) -> dict:
    """{key: (before, after)} of what saving `values` would change."""
    changes = {}
    for spec in SPECS:
        new = _new_value(spec, values, logo_asset)
        old = get_setting(spec.key)
        if new is not _KEEP and old != new:
            changes[spec.key] = (old, new)
    return changes


def can_change_gateway(user) -> bool:
    """Only an admin with TOTP enrolled can confirm a gateway change."""
    return bool(user is not None and user.totp_enabled and user.totp_secret)


def confirm_gateway_change(values: dict, *, actor, code: str | None) -> bool:
    """True when `values` change the gateway and `code` is the actor's current TOTP code;
    False when they leave the gateway alone. Raises GatewayChangeRefused otherwise."""
    from workflows.accounts import totp

    if not any(key in GATEWAY_KEYS for key in planned_changes(values)):
        return False
    if not can_change_gateway(actor):
        raise GatewayChangeRefused(MSG_GATEWAY_NO_TOTP)
    if not (code or "").strip():
        raise GatewayChangeRefused(MSG_GATEWAY_CODE)
    if not totp.verify_totp(actor, code):
        raise GatewayChangeRefused(totp.lock_message(actor) or MSG_GATEWAY_WRONG)
    return True


def save_settings(values: dict, *, actor=None, logo_asset=None, gateway_confirmed: bool = False) -> dict:
    """Store the changed settings; returns {key: (before, after)} of what changed. Gateway
    settings change only after confirm_gateway_change() (fail closed: refused otherwise)."""
    changes = planned_changes(values, logo_asset)
    gateway = {key: change for key, change in changes.items() if key in GATEWAY_KEYS}
    if gateway and not gateway_confirmed:
        raise GatewayChangeRefused(MSG_GATEWAY_CODE)
    for key, (_old, new) in changes.items():
        set_setting(key, new, actor=actor)
    _audit("settings.update", {k: v for k, v in changes.items() if k not in GATEWAY_KEYS}, actor, "")
    _audit("settings.gateway_update", gateway, actor, " (подтверждено кодом TOTP)")
    return changes


def _audit(action: str, changes: dict, actor, note: str) -> None:
    if not changes:
        return
    by_key = {spec.key: spec for spec in SPECS}
    audit.record(
        action, None, object_type="Settings", object_id="organization", actor=actor,
        summary=", ".join(by_key[key].label for key in changes) + note,
        before={key: _shown(by_key[key], old) for key, (old, _new) in changes.items()},
        after={key: _shown(by_key[key], new) for key, (_old, new) in changes.items()},
    )


def update_settings(values: dict, *, loaded: str, code: str | None, logo=None, actor) -> dict:
    """«Сохранить»: store the changed settings (and a new logo); returns {key: (before, after)}.

    Refused, with nothing written, when another admin saved first (SettingsChanged), when the
    gateway would change without the actor's TOTP code (GatewayChangeRefused: the attempt
    itself is audited and kept) or when the logo is not a picture (UploadRejected).
    """
    from workflows.pages.service import store_image

    if loaded != fingerprint():
        raise SettingsChanged()
    try:
        gateway_confirmed = confirm_gateway_change(values, actor=actor, code=code)
    except GatewayChangeRefused as exc:
        record_refused_gateway_change(values, actor=actor, reason=exc.message)
        raise
    asset = None
    if logo is not None and logo.filename:
        asset = store_image(logo, purpose="logo", uploader=actor)
    return save_settings(values, actor=actor, logo_asset=asset, gateway_confirmed=gateway_confirmed)


def record_refused_gateway_change(values: dict, *, actor, reason: str) -> None:
    """Audit an attempt to change the gateway that was refused (who, what, why)."""
    keys = [key for key in planned_changes(values) if key in GATEWAY_KEYS]
    audit.record("settings.gateway_refused", None, object_type="Settings", object_id="organization", actor=actor,
                 summary=f"{', '.join(keys)}: {reason}")


def send_test_message(channel: str, recipient: str, *, actor=None):
    """Queue a test email or SMS through the configured gateway («Отправить тестовое сообщение»)."""
    from app.core.identifiers import normalize_phone

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
    ("Правила входа", ["captcha_enabled", "password_min_length", "totp_required_for_staff"]),
    (GATEWAY_SECTION, ["mail_server", "mail_port", "mail_username", "mail_password", "mail_default_sender",
                     "sms_http_url", "sms_http_auth", "sms_sender"]),
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
