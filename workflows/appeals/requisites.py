"""The requisites a consumer's appeal (E1) or statement (E2) carries: ФИО, personal account,
supplier, phone and e-mail — prefilled from what the cabinet knows, checked against the
consumer's own links — and the attachment limits both share («7 МБ один файл, 100 МБ все»).
"""
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.files import MB, UploadRejected, allowed_extensions, check_content, extension_of, safe_original_name
from app.core.identifiers import InvalidIdentifier, format_phone, normalize_phone
from app.core.settings import get_setting
from app.extensions import db
from app.models import AccountService, PersonalAccount, Supplier
from workflows.billing.links import linked, linked_accounts

MSG_REQUIRED = "Поле обязательно для заполнения"
MSG_EMAIL = "Введите корректный адрес электронной почты"
MSG_ACCOUNT = "Выберите лицевой счет из списка"
MSG_SUPPLIER = "Выберите поставщика из списка"
#: the form's fields the requisites fill, in the order the screens show them
FIELDS = ("full_name", "account_id", "supplier_id", "phone", "email")


@dataclass
class Requisites:
    full_name: str
    account_id: int | None
    supplier_id: int | None
    phone: str
    email: str


def account_choices(consumer) -> list[tuple[int, str]]:
    """The consumer's linked accounts as «номер — адрес», in the order they were linked."""
    return [(account_id, f"{number} — {address}") for account_id, number, address in linked_accounts(consumer)]


def supplier_choices(account_id: int | None) -> list[tuple[int, str]]:
    """The suppliers of the account's services (one row each), as the statements name them."""
    if not account_id:
        return []
    rows = db.session.execute(
        select(Supplier.id, Supplier.name).distinct()
        .join(AccountService, AccountService.supplier_id == Supplier.id)
        .where(AccountService.account_id == account_id)
        .order_by(Supplier.name, Supplier.id))
    return [(supplier_id, name) for supplier_id, name in rows]


def prefilled(consumer, account_id: int | None = None) -> Requisites:
    """What the form shows first: the selected (else the first linked) account, its owner and its
    first supplier, the profile's phone and e-mail."""
    accounts = [link.account for link in linked(consumer)]
    account = next((a for a in accounts if a.id == account_id), accounts[0] if accounts else None)
    suppliers = supplier_choices(account.id if account else None)
    user = consumer.user if consumer is not None else None
    full_name = (account.owner_name if account else "") or (consumer.full_name if consumer else "")
    phone = getattr(user, "phone", None) or ""
    return Requisites(full_name=full_name, account_id=account.id if account else None,
                      supplier_id=suppliers[0][0] if suppliers else None,
                      phone=format_phone(phone) if phone else "", email=getattr(user, "email", None) or "")


def _as_id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1  # not a number: never one of the choices


def check_requisites(consumer, values: dict) -> dict[str, str]:
    """Field → message for every requisite missing or not the consumer's own (empty: all good).
    The account is required when the consumer has linked one; the supplier when the account has any.
    Normalizes `values` in place: ids as int, phone as +7XXXXXXXXXX, text stripped."""
    errors: dict[str, str] = {}
    for name in ("full_name", "phone", "email"):
        values[name] = (values.get(name) or "").strip()
        if not values[name]:
            errors[name] = _(MSG_REQUIRED)
    if len(values["full_name"]) > 300:
        errors["full_name"] = _("Не более 300 символов")
    if values["phone"] and "phone" not in errors:
        try:
            values["phone"] = normalize_phone(values["phone"])
        except InvalidIdentifier as exc:
            errors["phone"] = _(str(exc))
    if values["email"]:
        try:
            validate_email(values["email"], check_deliverability=False)
        except EmailNotValidError:
            errors["email"] = _(MSG_EMAIL)
    _check_account(consumer, values, errors)
    return errors


def _check_account(consumer, values: dict, errors: dict) -> None:
    accounts = dict(account_choices(consumer))
    account_id = values["account_id"] = _as_id(values.get("account_id"))
    supplier_id = values["supplier_id"] = _as_id(values.get("supplier_id"))
    if account_id is None:
        if accounts:
            errors["account_id"] = _(MSG_REQUIRED)
        if supplier_id is not None:
            errors["supplier_id"] = _(MSG_SUPPLIER)
        return
    if account_id not in accounts:
        errors["account_id"] = _(MSG_ACCOUNT)
        return
    suppliers = dict(supplier_choices(account_id))
    if supplier_id is None and suppliers:
        errors["supplier_id"] = _(MSG_REQUIRED)
    elif supplier_id is not None and supplier_id not in suppliers:
        errors["supplier_id"] = _(MSG_SUPPLIER)


def file_limits() -> tuple[int, int]:
    """(one file, all files) in bytes, from the settings «7 МБ» and «100 МБ»."""
    return int(get_setting("cabinet_file_max_mb")) * MB, int(get_setting("cabinet_files_total_mb")) * MB


def chosen_files(files) -> list:
    """The uploads actually chosen (a form posts an empty part for an unused file input)."""
    return [f for f in (files or ()) if f is not None and getattr(f, "filename", "")]


def _size_of(file_storage) -> int:
    stream = file_storage.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def check_files(files) -> dict[str, str]:
    """{"files": message} when a file is over its limit, of a type not allowed or not what its name
    says, or all of them together are over theirs; {} when they may be stored."""
    per_file, total_limit = file_limits()
    total = 0
    for upload in chosen_files(files):
        name = safe_original_name(upload.filename)
        size = _size_of(upload)
        if size > per_file:
            return {"files": _("Файл «%(name)s» слишком большой. Максимальный размер файла %(mb)s МБ",
                               name=name, mb=per_file // MB)}
        if size == 0:
            return {"files": _("Файл «%(name)s» пуст", name=name)}
        ext = extension_of(name)
        try:
            if ext not in allowed_extensions():
                raise UploadRejected(_("Недопустимый тип файла. Разрешены: %(types)s",
                                       types=", ".join(allowed_extensions())))
            check_content(ext, upload.stream.read(8192))
        except UploadRejected as exc:
            return {"files": f"«{name}»: {exc.message}"}
        finally:
            upload.stream.seek(0)
        total += size
    if total > total_limit:
        return {"files": _("Общий объем вложенных файлов не должен превышать %(mb)s МБ", mb=total_limit // MB)}
    return {}
