"""«Справочники» (F3): FAB lists and forms over the reference tables, the «Вывести из
употребления» action, and the transition graph. Rows in use are retired, never deleted
(workflows/admin/dictionaries.py)."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, TextAreaField

from app.core.formatting import format_date
from app.core.labels import FIELD_TYPE_LABELS, ROLE_LABELS, field_type_label, roles_label
from app.models import (
    ApplicationKind,
    ApplicationType,
    Branch,
    CalendarDay,
    DocumentType,
    FormField,
    Office,
    Status,
    Supplier,
    Topic,
    Transition,
    TypeDocumentRequirement,
)
from app.models.dictionaries import TOPIC_KIND_LABELS
from app.security.roles import CONSUMER, ORG_ADMIN, STAFF
from app.views.admin.common import ADMIN_PERMISSION, AdminView
from app.web.permissions import OnePermission
from forms.admin import LEGAL_FORM_CHOICES, supplier_validators
from workflows.admin import dictionaries, graph


class LinesField(TextAreaField):
    """A JSON list edited as one value per line (choices of a select field)."""

    def _value(self):
        return "\n".join(str(v) for v in (self.data or []))

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = [line.strip() for line in valuelist[0].splitlines() if line.strip()]


def _legal_forms_field():
    return SelectMultipleField(_l("Правовые формы (пусто — все)"), choices=LEGAL_FORM_CHOICES)


def _status_label(status: Status) -> str:
    return f"{status.application_type.name}: {status.name}" if status.application_type else status.name


class DictionaryView(OnePermission, ModelView):
    """Common behaviour: admins only, in-use rows are retired rather than deleted."""

    class_permission_name = ADMIN_PERMISSION
    page_size = 50
    #: newest first: a row just added is at the top, not on the last page
    base_order = ("id", "desc")

    def __init__(self):
        # FAB makes every non-nullable column InputRequired, so an unchecked box could
        # never be saved; flags get plain checkboxes instead.
        # «Действует» is ticked on a new row, as the model's default: unticked, a new status
        # or transition would be silently out of use
        flags = {col: BooleanField(self.label_columns.get(col, col), default=col == "active")
                 for col in (self.add_columns or []) if self.datamodel.is_boolean(col)}
        self.add_form_extra_fields = {**flags, **(self.add_form_extra_fields or {})}
        self.edit_form_extra_fields = {**flags, **(self.edit_form_extra_fields or {})}
        # lists and show pages speak Russian: «да»/«нет» for flags, nothing for empty values
        formatters = {}
        for col in dict.fromkeys([*(self.list_columns or []), *(self.show_columns or [])]):
            if self.datamodel.is_boolean(col):
                formatters[col] = lambda value: _("да") if value else _("нет")
            elif col not in (self.formatters_columns or {}):
                formatters[col] = lambda value: "" if value is None else value
        self.formatters_columns = {**formatters, **(self.formatters_columns or {})}
        name = str(self.list_title)
        self.add_title = self.add_title or f"{name}: добавить"
        self.edit_title = self.edit_title or f"{name}: изменить"
        self.show_title = self.show_title or f"{name}: просмотр"
        super().__init__()

    #: the rule an added or edited row must keep (workflows/admin/dictionaries.py), if any
    row_check = None

    def pre_add(self, item):
        if self.row_check is not None:
            dictionaries.checked(item, self.row_check)

    def pre_update(self, item):
        self.pre_add(item)

    def pre_delete(self, item):
        dictionaries.ensure_deletable(item)


class RetireMixin:
    """«Вывести из употребления»: the way to take a row in use out of the choices."""

    @action("retire", _l("Вывести из употребления"), _l("Вывести выбранные записи из употребления?"), "fa-ban")
    def retire(self, items):
        flash(_("Записи выведены из употребления: %(n)s", n=dictionaries.retire(items)), "success")
        self.update_redirect()
        return redirect(self.get_redirect())


KIND_LABELS = {
    ApplicationKind.CONNECTION: "Заявка на технологическое присоединение",
    ApplicationKind.MESSAGE: "Сообщение сетевой организации",
    ApplicationKind.STATEMENT: "Заявление",
    ApplicationKind.APPEAL: "Обращение",
}


class ApplicationTypeView(RetireMixin, DictionaryView):
    datamodel = SQLAInterface(ApplicationType)
    route_base = "/admin/application-types"
    list_title = _l("Типы заявок")
    list_columns = ["name", "code", "kind", "sort_order", "active"]
    add_columns = edit_columns = ["code", "name", "kind", "description", "legal_forms", "number_pattern",
                                  "allows_free_status", "has_stage_tracker", "drafts_limit", "sort_order", "active"]
    show_columns = add_columns
    search_columns = ["name", "code", "kind", "active"]
    order_columns = ["name", "code", "sort_order"]
    label_columns = {"code": _l("Код"), "name": _l("Наименование"), "kind": _l("Вид"), "description": _l("Описание"),
                     "legal_forms": _l("Правовые формы"), "number_pattern": _l("Шаблон номера"),
                     "allows_free_status": _l("Сотрудник может ввести свой статус"),
                     "has_stage_tracker": _l("Этапы исполнения договора"),
                     "drafts_limit": _l("Черновиков этого типа (пусто — из настроек)"),
                     "sort_order": _l("Порядок"), "active": _l("Действует")}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_l("Вид"), choices=list(KIND_LABELS.items())),
        "legal_forms": _legal_forms_field(),
    }
    formatters_columns = {"kind": lambda value: KIND_LABELS.get(value, value)}


class FormFieldView(RetireMixin, DictionaryView):
    datamodel = SQLAInterface(FormField)
    route_base = "/admin/form-fields"
    list_title = _l("Поля форм")
    list_columns = ["application_type", "label", "code", "field_type", "required", "sort_order", "active"]
    add_columns = edit_columns = ["application_type", "code", "label", "field_type", "required", "help_text",
                                  "choices", "default", "legal_forms", "is_object_address", "sort_order", "active"]
    show_columns = add_columns
    search_columns = ["application_type", "label", "code", "active"]
    order_columns = ["label", "code", "sort_order"]
    label_columns = {"application_type": _l("Тип заявки"), "code": _l("Код"), "label": _l("Название поля"),
                     "field_type": _l("Тип поля"), "required": _l("Обязательное"), "help_text": _l("Подсказка"),
                     "choices": _l("Варианты (по одному в строке)"), "default": _l("Значение по умолчанию"),
                     "legal_forms": _l("Правовые формы"), "is_object_address": _l("Адрес объекта"),
                     "sort_order": _l("Порядок"), "active": _l("Действует")}
    add_form_extra_fields = edit_form_extra_fields = {
        "field_type": SelectField(_l("Тип поля"), choices=list(FIELD_TYPE_LABELS.items())),
        "choices": LinesField(_l("Варианты (по одному в строке)")),
        "legal_forms": _legal_forms_field(),
    }
    formatters_columns = {"field_type": field_type_label}


class StatusView(RetireMixin, DictionaryView):
    datamodel = SQLAInterface(Status)
    route_base = "/admin/statuses"
    list_title = _l("Статусы")
    list_columns = ["application_type", "name", "code", "is_initial", "is_final", "deadline_working_days",
                    "sort_order", "active"]
    add_columns = edit_columns = ["application_type", "code", "name", "description", "is_draft", "is_initial",
                                  "is_final", "consumer_editable", "document_role", "deadline_working_days",
                                  "sort_order", "active"]
    show_columns = add_columns
    search_columns = ["application_type", "name", "code", "active"]
    order_columns = ["name", "code", "sort_order"]
    label_columns = {"application_type": _l("Тип заявки"), "code": _l("Код"), "name": _l("Наименование"),
                     "description": _l("Описание"), "is_draft": _l("Черновик"), "is_initial": _l("Начальный"),
                     "is_final": _l("Конечный"), "consumer_editable": _l("Заявитель может исправить и отправить"),
                     "document_role": _l("Блок документов у заявителя"),
                     "deadline_working_days": _l("Срок, рабочих дней"), "sort_order": _l("Порядок"),
                     "active": _l("Действует")}
    add_form_extra_fields = edit_form_extra_fields = {
        "document_role": SelectField(_l("Блок документов у заявителя"), choices=[
            ("", "—"), ("refusal_reason", "Причина отказа"), ("missing_data", "Недостающие данные")]),
    }

    def pre_add(self, item):
        item.document_role = item.document_role or None

    pre_update = pre_add


class TransitionView(RetireMixin, DictionaryView):
    datamodel = SQLAInterface(Transition)
    route_base = "/admin/transitions"
    list_title = _l("Переходы")
    list_columns = ["application_type", "from_status", "name", "to_status", "roles", "active"]
    add_columns = edit_columns = ["application_type", "from_status", "to_status", "name", "roles",
                                  "requires_document", "requires_comment", "requires_signed_document",
                                  "deadline_working_days", "sort_order", "active"]
    show_columns = add_columns
    search_columns = ["application_type", "name", "active"]
    order_columns = ["name", "sort_order"]
    label_columns = {"application_type": _l("Тип заявки"), "from_status": _l("Из статуса"),
                     "to_status": _l("В статус"), "name": _l("Кнопка (название перехода)"),
                     "roles": _l("Кто может"), "requires_document": _l("Нужен документ"),
                     "requires_comment": _l("Нужен комментарий"),
                     "requires_signed_document": _l("Нужен документ с двусторонней подписью"),
                     "deadline_working_days": _l("Срок, рабочих дней"), "sort_order": _l("Порядок"),
                     "active": _l("Действует")}
    add_form_extra_fields = edit_form_extra_fields = {
        "from_status": QuerySelectField(_l("Из статуса"), query_func=dictionaries.status_choices, get_pk_func=lambda s: s.id,
                                        get_label=_status_label),
        "to_status": QuerySelectField(_l("В статус"), query_func=dictionaries.status_choices, get_pk_func=lambda s: s.id,
                                      get_label=_status_label),
        "roles": SelectMultipleField(_l("Кто может"), choices=[
            (role, ROLE_LABELS[role]) for role in (CONSUMER, STAFF, ORG_ADMIN)]),
    }
    formatters_columns = {"roles": roles_label}

    row_check = staticmethod(dictionaries.check_transition)


class DocumentTypeView(RetireMixin, DictionaryView):
    datamodel = SQLAInterface(DocumentType)
    route_base = "/admin/document-types"
    list_title = _l("Типы документов")
    list_columns = ["name", "code", "sort_order", "active"]
    add_columns = edit_columns = show_columns = ["code", "name", "sort_order", "active"]
    search_columns = ["name", "code", "active"]
    label_columns = {"code": _l("Код"), "name": _l("Наименование"), "sort_order": _l("Порядок"),
                     "active": _l("Действует")}


class TypeDocumentRequirementView(DictionaryView):
    datamodel = SQLAInterface(TypeDocumentRequirement)
    route_base = "/admin/document-requirements"
    list_title = _l("Обязательные документы")
    list_columns = ["application_type", "document_type", "legal_forms", "required"]
    add_columns = edit_columns = show_columns = ["application_type", "document_type", "legal_forms", "required"]
    search_columns = ["application_type", "document_type"]
    order_columns = ["required"]  # not legal_forms: PostgreSQL cannot order by a JSON column (500)
    label_columns = {"application_type": _l("Тип заявки"), "document_type": _l("Документ"),
                     "legal_forms": _l("Правовые формы"), "required": _l("Обязателен")}
    add_form_extra_fields = edit_form_extra_fields = {"legal_forms": _legal_forms_field()}


class CalendarDayView(DictionaryView):
    datamodel = SQLAInterface(CalendarDay)
    route_base = "/admin/calendar"
    list_title = _l("Производственный календарь")
    list_columns = ["day", "is_working", "note"]
    add_columns = edit_columns = show_columns = ["day", "is_working", "note"]
    search_columns = ["day", "is_working"]
    base_order = ("day", "desc")
    label_columns = {"day": _l("Дата"), "is_working": _l("Рабочий день"), "note": _l("Примечание")}
    formatters_columns = {"day": format_date}  # DD.MM.YYYY, like every date in the portal
    description_columns = {"is_working": _l("Отметьте для перенесённого рабочего дня; снимите для праздника")}


class BranchView(RetireMixin, DictionaryView):
    datamodel = SQLAInterface(Branch)
    route_base = "/admin/branches"
    list_title = _l("Филиалы")
    list_columns = ["name", "code", "reading_day_from", "reading_day_to", "active"]
    add_columns = edit_columns = show_columns = ["code", "name", "address", "phone", "email", "reading_day_from",
                                                 "reading_day_to", "sort_order", "active"]
    search_columns = ["name", "code", "active"]
    label_columns = {"code": _l("Код"), "name": _l("Наименование"), "address": _l("Адрес"), "phone": _l("Телефон"),
                     "email": _l("Email"), "reading_day_from": _l("Приём показаний с (число месяца)"),
                     "reading_day_to": _l("Приём показаний по (число месяца)"), "sort_order": _l("Порядок"),
                     "active": _l("Действует")}

    row_check = staticmethod(dictionaries.check_reading_days)


class SupplierView(RetireMixin, DictionaryView):
    datamodel = SQLAInterface(Supplier)
    route_base = "/admin/suppliers"
    list_title = _l("Поставщики")
    list_columns = ["name", "code", "inn", "active"]
    add_columns = edit_columns = show_columns = ["code", "name", "inn", "kpp", "bank_name", "bik", "account",
                                                 "corr_account", "phone", "sort_order", "active"]
    search_columns = ["name", "code", "inn", "active"]
    label_columns = {"code": _l("Код"), "name": _l("Наименование"), "inn": _l("ИНН"), "kpp": _l("КПП"),
                     "bank_name": _l("Банк"), "bik": _l("БИК"), "account": _l("Расчетный счет"),
                     "corr_account": _l("Корреспондентский счет"), "phone": _l("Телефон"),
                     "sort_order": _l("Порядок"), "active": _l("Действует")}
    #: the payment QR's details checked, each message under its field (issue 15)
    validators_columns = supplier_validators()


class OfficeView(RetireMixin, DictionaryView):
    datamodel = SQLAInterface(Office)
    route_base = "/admin/offices"
    list_title = _l("Офисы")
    list_columns = ["name", "branch", "address", "active"]
    add_columns = edit_columns = show_columns = ["branch", "name", "address", "phone", "work_hours", "sort_order",
                                                 "active"]
    search_columns = ["name", "branch", "address", "active"]
    label_columns = {"branch": _l("Филиал"), "name": _l("Наименование"), "address": _l("Адрес"),
                     "phone": _l("Телефон"), "work_hours": _l("Часы работы"), "sort_order": _l("Порядок"),
                     "active": _l("Действует")}


class TopicView(RetireMixin, DictionaryView):
    datamodel = SQLAInterface(Topic)
    route_base = "/admin/topics"
    list_title = _l("Темы обращений и заявлений")
    list_columns = ["kind", "name", "code", "sort_order", "active"]
    add_columns = edit_columns = show_columns = ["kind", "code", "name", "description", "sort_order", "active"]
    search_columns = ["kind", "name", "code", "active"]
    label_columns = {"kind": _l("Вид"), "code": _l("Код"), "name": _l("Наименование"), "description": _l("Описание"),
                     "sort_order": _l("Порядок"), "active": _l("Действует")}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_l("Вид"), choices=list(TOPIC_KIND_LABELS.items())),
    }
    formatters_columns = {"kind": lambda value: TOPIC_KIND_LABELS.get(value, value)}


DICTIONARY_VIEWS = [
    (ApplicationTypeView, "Типы заявок", "fa-list"),
    (FormFieldView, "Поля форм", "fa-wpforms"),
    (StatusView, "Статусы", "fa-flag"),
    (TransitionView, "Переходы", "fa-random"),
    (DocumentTypeView, "Типы документов", "fa-file"),
    (TypeDocumentRequirementView, "Обязательные документы", "fa-check-square"),
    (CalendarDayView, "Производственный календарь", "fa-calendar"),
    (BranchView, "Филиалы", "fa-building"),
    (SupplierView, "Поставщики", "fa-truck"),
    (OfficeView, "Офисы", "fa-map-marker"),
    (TopicView, "Темы обращений и заявлений", "fa-comments"),
]


class TransitionGraphView(AdminView):
    """The state graph of each application type as a picture, with its transitions."""

    route_base = "/admin/graph"

    @expose("/")
    @has_access
    def index(self):
        types = graph.application_types()
        if types and request.args.get("type") is None:
            return redirect(url_for(".show", type_id=types[0].id))
        return self.render_template("admin/graph.html", types=types, current=None, svg="", transitions=[])

    @expose("/<int:type_id>")
    @has_access
    def show(self, type_id):
        current, svg, transitions = graph.type_graph(type_id)
        return self.render_template("admin/graph.html", types=graph.application_types(), current=current, svg=svg,
                                    transitions=transitions)


#: F6: every change of a dictionary row is audited under this action
AUDITED_DICTIONARIES = (
    (ApplicationType, "dictionary.application_type"), (FormField, "dictionary.form_field"),
    (Status, "dictionary.status"), (Transition, "dictionary.transition"),
    (DocumentType, "dictionary.document_type"), (TypeDocumentRequirement, "dictionary.document_requirement"),
    (CalendarDay, "dictionary.calendar_day"), (Branch, "dictionary.branch"), (Supplier, "dictionary.supplier"),
    (Office, "dictionary.office"), (Topic, "dictionary.topic"),
)
