"""«Заявление на изменение данных по лицевому счету» (D4, seed 004 §2.7): the consumer's
«Редактировать» on the account's requisites files a statement; staff process it through the
applications workflow and the billing system learns of it from the export stream. The billing's
own row (PersonalAccount) is never edited here.

Export (kind "data_changes", workflows.billing.exports.record): one flat item per changed field,
written in the transaction that submits the statement —
    application_number  the statement's registration number («ИД-2026-00001»)
    date                the day it was filed, ISO (YYYY-MM-DD), Moscow time
    branch_code         Branch.code of the account
    account_number      PersonalAccount.number
    field               the requisite's column: owner_name, area_total, area_living, owners_count,
                        registered_count, residing_count, rooms, stove_type, electric_heating
    old, new            machine values: decimals with a dot («54.30»), integers, text,
                        "true"/"false" for electric_heating, "" for none
    comment             what the consumer wrote
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.errors import NotFound
from app.extensions import db
from app.models import Application, ApplicationKind, ApplicationType, PersonalAccount
from app.security.access import ensure_linked_account
from workflows.accounts.profile import missing_profile_fields
from workflows.applications.defaults import BY_CONSUMER, BY_STAFF, _seed_type
from workflows.applications.service import ApplicationError, assign_number, open_draft, save_data, submit, today
from workflows.billing import exports
from workflows.documents.templates import seed_default_templates

TYPE_CODE = "account_data_change"
TYPE_NAME = "Заявление на изменение данных по лицевому счету"
EXPORT_KIND = "data_changes"
#: seed 004 §2.11: what the consumer sees once a statement is sent
MSG_ACCEPTED = "Ваше обращение принято в работу."
MSG_REQUIRED = "Поле обязательно для заполнения"
#: «Тип плиты» as billing systems name it; the account's own value is offered too
STOVE_TYPES = ("Электрическая", "Газовая", "Отсутствует")
#: the largest area Numeric(10, 2) holds
MAX_AREA = Decimal("99999999.99")


@dataclass(frozen=True)
class Requisite:
    """A field of the account the consumer may ask to change (seed 004 §2.7)."""

    #: PersonalAccount's column, the form field and the statement's field code
    name: str
    label: str
    #: text | area | count | choice | flag
    kind: str


REQUISITES = (
    Requisite("owner_name", "ФИО", "text"),
    Requisite("area_total", "Общая площадь, м²", "area"),
    Requisite("area_living", "Жилая площадь, м²", "area"),
    Requisite("owners_count", "Количество собственников", "count"),
    Requisite("registered_count", "Количество зарегистрированных", "count"),
    Requisite("residing_count", "Количество проживающих", "count"),
    Requisite("rooms", "Количество комнат", "count"),
    Requisite("stove_type", "Тип плиты", "choice"),
    Requisite("electric_heating", "Наличие электроотопительной установки", "flag"),
)

STATUSES = [
    ("draft", "Черновик", dict(is_draft=True)),
    ("accepted", "Принято в работу", dict(is_initial=True, deadline_working_days=5)),
    ("in_review", "На рассмотрении", dict(deadline_working_days=10)),
    ("done", "Данные изменены", dict(is_final=True)),
    ("refused", "Отказано", dict(is_final=True)),
]
TRANSITIONS = [
    ("draft", "accepted", "Отправить заявление", BY_CONSUMER, {}),
    ("accepted", "in_review", "Взять на рассмотрение", BY_STAFF, {}),
    ("accepted", "done", "Данные изменены", BY_STAFF, {}),
    ("accepted", "refused", "Отказать", BY_STAFF, dict(requires_comment=True)),
    ("in_review", "done", "Данные изменены", BY_STAFF, {}),
    ("in_review", "refused", "Отказать", BY_STAFF, dict(requires_comment=True)),
]
FIELDS = (
    [dict(code="branch", label="Филиал", field_type="string"),
     dict(code="account_number", label="Лицевой счет", field_type="string"),
     dict(code="address", label="Адрес объекта", field_type="string", is_object_address=True)]
    + [dict(code=r.name, label=r.label, field_type="string",
            help_text="прежнее значение → новое значение") for r in REQUISITES]
    + [dict(code="comment", label="Комментарий", field_type="text", required=True)]
)
TYPE_SPEC = dict(code=TYPE_CODE, name=TYPE_NAME, kind=ApplicationKind.STATEMENT, number_pattern="ИД-{year}-{seq:05d}",
                 sort_order=100, description="Изменение реквизитов лицевого счета по заявлению потребителя",
                 fields=FIELDS, statuses=STATUSES, transitions=TRANSITIONS, requirements=[])


def seed_data_change_type() -> None:
    """The statement type with its fields, statuses and transitions, and the built-in statement
    template like every type's (idempotent; admins may edit them)."""
    _seed_type(TYPE_SPEC, {})
    seed_default_templates()


@dataclass(frozen=True)
class Change:
    requisite: Requisite
    old: object
    new: object


#: every refusal of «Отправить заявление»: DataChangeRefused, or the workflow's own (ProfileIncomplete…)
StatementRefused = ApplicationError


class DataChangeRefused(ApplicationError):
    """The statement is refused; `field_errors` name the fields, or the message concerns the form."""

    category = "warning"


def current_values(account: PersonalAccount) -> dict:
    """The requisites as the billing knows them, to prefill «Редактировать»."""
    return {r.name: getattr(account, r.name) for r in REQUISITES}


def statement_form(actor, account_id: int) -> tuple[PersonalAccount, dict, list[str]]:
    """«Редактировать»: the linked account, its requisites to prefill the statement, and the
    fields of «Мои данные» still to fill in before any statement is accepted."""
    link = ensure_linked_account(actor, account_id)
    return link.account, current_values(link.account), missing_profile_fields(link.consumer)


def changes_of(account: PersonalAccount, values: dict) -> list[Change]:
    """The requisites whose new value differs from the account's; a value left empty keeps it."""
    changes = []
    for requisite in REQUISITES:
        new = values.get(requisite.name)
        if isinstance(new, str):
            new = " ".join(new.split())
        if new is None or new == "":
            continue
        old = getattr(account, requisite.name)
        if requisite.kind == "area" and old is not None and Decimal(old) == Decimal(new):
            continue
        if new != old:
            changes.append(Change(requisite, old, new))
    return changes


def _check(account: PersonalAccount, changes: list[Change], comment: str) -> None:
    """Every refusal at once, under its field; nothing is filed while one remains."""
    errors = {}
    for change in changes:
        name, new = change.requisite.name, change.new
        if change.requisite.kind == "area":
            if new < 0 or new > MAX_AREA:
                errors[name] = _("Площадь не может быть отрицательной") if new < 0 else _("Слишком большое значение")
            elif new != new.quantize(Decimal("0.01")):
                errors[name] = _("Укажите площадь с точностью до сотых")
        elif change.requisite.kind == "count" and (not isinstance(new, int) or new < 0 or new > 1000):
            errors[name] = _("Введите целое неотрицательное число")
        elif change.requisite.name == "owner_name" and len(new) > 300:
            errors[name] = _("Не более 300 символов")
    wanted = {c.requisite.name: c.new for c in changes}
    total = wanted.get("area_total", account.area_total)
    living = wanted.get("area_living", account.area_living)
    if not errors and total is not None and living is not None and Decimal(living) > Decimal(total):
        errors["area_living"] = _("Жилая площадь не может быть больше общей")
    if not (comment or "").strip():
        errors["comment"] = _(MSG_REQUIRED)
    if errors:
        raise DataChangeRefused(_("Проверьте правильность заполнения полей"), errors)
    if not changes:
        raise DataChangeRefused(_("Измените хотя бы одно значение: заявление без изменений не направляется"))


def shown(requisite: Requisite, value) -> str:
    """A value in words for the statement: «54,30», «есть», «не указано»."""
    if value is None or value == "":
        return _("не указано")
    if requisite.kind == "flag":
        return _("есть") if value else _("нет")
    if requisite.kind == "area":
        return format(Decimal(value).quantize(Decimal("0.01")), "f").replace(".", ",")
    return str(value)


def requisite_rows(account: PersonalAccount) -> list[tuple[str, str, str]]:
    """The requisites as seed 004 §2.7 lists them: (label, value in words, the statement's field
    «Редактировать» leads to)."""
    by_name = {r.name: r for r in REQUISITES}

    def value(name):
        return shown(by_name[name], getattr(account, name))

    heating = account.electric_heating
    return [
        (_("ФИО"), value("owner_name"), "owner_name"),
        (_("Общая/жилая площадь, м²"), f"{value('area_total')} / {value('area_living')}", "area_total"),
        (_("Количество собственников"), value("owners_count"), "owners_count"),
        (_("Количество зарегистрированных/проживающих"), f"{value('registered_count')} / {value('residing_count')}",
         "registered_count"),
        (_("Количество комнат"), value("rooms"), "rooms"),
        (_("Тип плиты"), value("stove_type"), "stove_type"),
        (_("Наличие/отсутствие электроотопительной установки"),
         _("не указано") if heating is None else (_("наличие") if heating else _("отсутствие")), "electric_heating"),
    ]


def machine(requisite: Requisite, value) -> str:
    """A value for the billing system: «54.30», «2», «true», "" for none."""
    if value is None:
        return ""
    if requisite.kind == "flag":
        return "true" if value else "false"
    if requisite.kind == "area":
        return format(Decimal(value).quantize(Decimal("0.01")), "f")
    return str(value)


def data_change_type() -> ApplicationType:
    app_type = db.session.scalar(select(ApplicationType).where(ApplicationType.code == TYPE_CODE,
                                                               ApplicationType.active.is_(True)))
    if app_type is None:
        raise NotFound(_("Прием заявлений на изменение данных временно не ведется"))
    return app_type


def file_data_change(actor, account_id: int, values: dict, comment: str) -> Application:
    """«Отправить заявление»: a statement with the account, the old and new values and the
    comment, submitted and numbered, in the staff queue, and one export row per changed field."""
    link = ensure_linked_account(actor, account_id)
    account = link.account
    changes = changes_of(account, values)
    _check(account, changes, comment)
    application, _reopened = open_draft(link.consumer, data_change_type(), actor, new=True)
    data = {"branch": account.branch.name, "account_number": account.number, "address": account.address,
            "comment": comment.strip()}
    data.update({c.requisite.name: f"{shown(c.requisite, c.old)} → {shown(c.requisite, c.new)}" for c in changes})
    save_data(application, data, actor)
    submit(application, actor)
    assign_number(application, None, actor)
    for change in changes:
        exports.record(EXPORT_KIND, {
            "application_number": application.number, "date": today().isoformat(),
            "branch_code": account.branch.code, "account_number": account.number,
            "field": change.requisite.name, "old": machine(change.requisite, change.old),
            "new": machine(change.requisite, change.new), "comment": comment.strip(),
        })
    return application
