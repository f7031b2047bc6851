"""FAB views of the admin area (F1–F7): information pages, settings, dictionaries,
consumers and accounts opened at the office, audit log, reports.

Views stay thin: the rules live in workflows/pages and workflows/admin.
"""
import csv
import io
from datetime import date

from flask import Response, abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, ModelView, expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, SelectMultipleField, TextAreaField

from app.extensions import db
from app.core.formatting import format_date
from app.models import (
    ApplicationKind,
    ApplicationType,
    Branch,
    CalendarDay,
    DocumentType,
    FormField,
    InfoPage,
    KabinetUser,
    Office,
    Status,
    Supplier,
    Topic,
    Transition,
    TypeDocumentRequirement,
)
from app.core.labels import FIELD_TYPE_LABELS, ROLE_LABELS, field_type_label, roles_label
from app.models.dictionaries import TOPIC_KIND_LABELS
from app.security.access import is_organization
from app.security.roles import CONSUMER, ORG_ADMIN, STAFF
from app.core.areas import Area
from workflows.admin.defaults import seed_topics
from workflows.pages.service import seed_system_pages

#: permission views of this area; OrgAdmin already holds OrganizationAdmin (roles.py)
ADMIN_PERMISSION = "OrganizationAdmin"
#: consumer search and accounts opened at the office (A6): staff and admins
CONSUMERS_PERMISSION = "ConsumerAccounts"
ADMIN_CATEGORY = "Администрирование"
DICT_CATEGORY = "Справочники"
PUBLIC_MENU = ["Информация", "Помощь"]
ADMIN_MENU = ["Информационные страницы", "Данные и настройки", "Сотрудники", "Журнал изменений", "Отчеты",
              "Граф переходов"]
DICT_MENU = ["Типы заявок", "Поля форм", "Статусы", "Переходы", "Типы документов", "Обязательные документы",
             "Производственный календарь", "Филиалы", "Поставщики", "Офисы", "Темы обращений и заявлений"]
CONSUMERS_MENU = "Потребители"

ROLE_PERMISSIONS = {
    "Public": [("menu_access", name) for name in PUBLIC_MENU],
    "Consumer": [("menu_access", name) for name in PUBLIC_MENU],
    "Staff": [("can_access", CONSUMERS_PERMISSION), ("menu_access", CONSUMERS_MENU)],
    "OrgAdmin": (
        [("can_access", CONSUMERS_PERMISSION), ("menu_access", CONSUMERS_MENU),
         ("menu_access", ADMIN_CATEGORY), ("menu_access", DICT_CATEGORY)]
        + [("menu_access", name) for name in ADMIN_MENU + DICT_MENU]
        # F5: FAB's own user and role lists, read-only (changes go through «Сотрудники» and
        # «Потребители», which never give FAB's Admin role)
        + [(perm, "UserDBModelView") for perm in ("can_list", "can_show")]
        + [(perm, "RoleModelView") for perm in ("can_list", "can_show")]
        + [("menu_access", "Security"), ("menu_access", "List Users"), ("menu_access", "List Roles")]
    ),
}


class AreaAccess:
    """Every exposed method of the view needs the one permission `can_access`."""

    def __init__(self):
        cls = type(self)
        self.method_permission_name = {
            name: "access" for name in dir(cls)
            if hasattr(getattr(cls, name, None), "_permission_name") or hasattr(getattr(cls, name, None), "_action")
        }
        super().__init__()


def _admin_user():
    return current_user if current_user.is_authenticated else None


class InfoPageView(BaseView):
    """/page/<slug>: the published text of an information page, for everyone (F1)."""

    route_base = "/page"
    default_view = "show"

    @expose("/<slug>")
    def show(self, slug):
        from workflows.pages import service

        page = service.get_page(slug)
        if page is None or page.published_version is None:
            abort(404)
        return self.render_template(
            "pages/page.html", page=page, body=service.render_html(page.published_version.body_html),
            menu=service.menu_pages(),
        )

    @expose("/asset/<key>")
    def asset(self, key):
        """An image of a page or the logo; only files registered as public assets."""
        from app.core.files import send_stored
        from workflows.pages import service

        if len(key) != 40 or not all(ch in "0123456789abcdef" for ch in key):
            abort(404)
        asset = service.find_asset(key)
        if asset is None:
            abort(404)
        # pictures are shown inline; documents (and anything else) are only downloaded
        inline = asset.purpose in ("page_image", "logo") and asset.file.content_type in (
            "image/png", "image/jpeg", "image/gif")
        response = send_stored(asset.file, as_attachment=not inline)
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def info_page(slug: str):
    """Jinja global: the sanitized published text of page `slug`, or "" (contract with accounts)."""
    from workflows.pages.service import published_html

    return published_html(slug)


def _org_logo_url():
    """Jinja global: the address of the organization's logo, or None."""
    from workflows.admin.settings import logo_url

    return logo_url()


def _send_staff_to_queue():
    """Staff land in their queue, not on the consumer front page."""
    if request.url_rule is not None and request.url_rule.rule == "/" and is_organization(current_user):
        return redirect("/staff/queue/")
    return None


# ---- F1 information pages -----------------------------------------------------------

class AdminPagesView(AreaAccess, BaseView):
    """The page editor: drafts, publishing, versions and restore."""

    route_base = "/admin/pages"
    default_view = "index"
    class_permission_name = ADMIN_PERMISSION

    def _page(self, page_id) -> InfoPage:
        page = db.session.get(InfoPage, page_id)
        if page is None:
            abort(404)
        return page

    @expose("/")
    @has_access
    def index(self):
        from sqlalchemy import select
        from sqlalchemy.orm import selectinload

        from forms.admin import PageCreateForm
        from workflows.pages import service

        pages = list(db.session.execute(
            select(InfoPage).options(selectinload(InfoPage.published_version))
            .order_by(InfoPage.sort_order, InfoPage.title)
        ).scalars())
        drafts = {page.id for page in pages if service.has_unpublished_draft(page)}
        return self.render_template("admin/pages/list.html", pages=pages, drafts=drafts,
                                    form=PageCreateForm(), placeholders=service.PLACEHOLDERS)

    @expose("/create", methods=["POST"])
    @has_access
    def create(self):
        from forms.admin import PageCreateForm
        from workflows.pages import service

        form = PageCreateForm()
        if form.validate_on_submit():
            try:
                page = service.create_page(form.slug.data, form.title.data, show_in_menu=form.show_in_menu.data,
                                           sort_order=form.sort_order.data or 0, actor=_admin_user())
            except service.PageError as exc:
                form.slug.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Страница создана"), "success")
                return redirect(url_for(".edit", page_id=page.id))
        db.session.rollback()
        from sqlalchemy import select

        pages = list(db.session.execute(select(InfoPage).order_by(InfoPage.sort_order)).scalars())
        return self.render_template("admin/pages/list.html", pages=pages, drafts=set(), form=form,
                                    placeholders=service.PLACEHOLDERS), 400

    @expose("/<int:page_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, page_id):
        from forms.admin import PageEditForm
        from workflows.pages import service

        page = self._page(page_id)
        latest = service.latest_version(page)
        form = PageEditForm()
        if request.method == "GET":
            form.title.data = latest.title if latest else page.title
            form.body_html.data = latest.body_html if latest else ""
            form.show_in_menu.data = page.show_in_menu
            form.sort_order.data = page.sort_order
            form.base_version.data = str(latest.number if latest else 0)
        elif form.validate_on_submit():
            if form.base_version.data != str(latest.number if latest else 0):
                flash(_("Страницу изменили, пока вы её редактировали. Ваш текст не сохранён: "
                        "откройте страницу заново."), "danger")
                return self.render_template("admin/pages/edit.html", page=page, form=form, latest=latest,
                                            placeholders=service.PLACEHOLDERS), 409
            actor = _admin_user()
            version = service.save_draft(page, form.title.data, form.body_html.data or "", actor=actor)
            service.update_page_settings(page, show_in_menu=bool(form.show_in_menu.data),
                                         sort_order=form.sort_order.data or 0, actor=actor)
            if form.publish.data:
                service.publish(page, version, actor=actor)
                flash(_("Опубликовано"), "success")
            else:
                flash(_("Черновик сохранён (версия %(n)s)", n=version.number), "success")
            db.session.commit()
            return redirect(url_for(".edit", page_id=page.id))
        return self.render_template("admin/pages/edit.html", page=page, form=form, latest=latest,
                                    placeholders=service.PLACEHOLDERS)

    @expose("/<int:page_id>/versions")
    @has_access
    def versions(self, page_id):
        from forms.admin import ConfirmForm

        page = self._page(page_id)
        return self.render_template("admin/pages/versions.html", page=page, versions=page.versions,
                                    form=ConfirmForm())

    @expose("/<int:page_id>/versions/<int:number>")
    @has_access
    def version(self, page_id, number):
        from forms.admin import ConfirmForm
        from workflows.pages import service

        page = self._page(page_id)
        version = service.get_version(page, number) or abort(404)
        return self.render_template("admin/pages/version.html", page=page, version=version,
                                    body=service.render_html(version.body_html), form=ConfirmForm())

    @expose("/<int:page_id>/versions/<int:number>/publish", methods=["POST"])
    @has_access
    def publish_version(self, page_id, number):
        from forms.admin import ConfirmForm
        from workflows.pages import service

        page = self._page(page_id)
        version = service.get_version(page, number) or abort(404)
        if ConfirmForm().validate_on_submit():
            service.publish(page, version, actor=_admin_user())
            db.session.commit()
            flash(_("Опубликована версия %(n)s", n=number), "success")
        return redirect(url_for(".versions", page_id=page.id))

    @expose("/<int:page_id>/versions/<int:number>/restore", methods=["POST"])
    @has_access
    def restore_version(self, page_id, number):
        from forms.admin import ConfirmForm
        from workflows.pages import service

        page = self._page(page_id)
        if ConfirmForm().validate_on_submit():
            try:
                version = service.restore(page, number, actor=_admin_user())
            except service.PageError:
                abort(404)
            db.session.commit()
            flash(_("Версия %(old)s восстановлена и опубликована как версия %(new)s", old=number, new=version.number),
                  "success")
        return redirect(url_for(".versions", page_id=page.id))

    @expose("/<int:page_id>/unpublish", methods=["POST"])
    @has_access
    def unpublish(self, page_id):
        from forms.admin import ConfirmForm
        from workflows.pages import service

        page = self._page(page_id)
        if ConfirmForm().validate_on_submit():
            try:
                service.unpublish(page, actor=_admin_user())
            except service.PageError as exc:
                flash(str(exc), "danger")
            else:
                db.session.commit()
                flash(_("Страница снята с публикации"), "success")
        return redirect(url_for(".versions", page_id=page.id))

    @expose("/upload-file", methods=["POST"])
    @has_access
    def upload_file(self):
        """The editor's paper-clip button: store a document, answer its download address."""
        from app.core.files import UploadRejected
        from forms.admin import ImageUploadForm
        from workflows.pages import service

        if not ImageUploadForm().validate_on_submit():
            return jsonify(error=_("Сессия устарела, обновите страницу")), 400
        try:
            asset = service.store_document(request.files.get("file"), uploader=_admin_user())
        except UploadRejected as exc:
            db.session.rollback()
            return jsonify(error=exc.message), 400
        db.session.commit()
        return jsonify(url=url_for("InfoPageView.asset", key=asset.file.storage_key),
                       name=asset.file.original_name)

    @expose("/upload-image", methods=["POST"])
    @has_access
    def upload_image(self):
        """The editor's image button: store the picture, answer its public address."""
        from app.core.files import UploadRejected
        from forms.admin import ImageUploadForm
        from workflows.pages import service

        form = ImageUploadForm()
        if not form.validate_on_submit():
            return jsonify(error=_("Сессия устарела, обновите страницу")), 400
        try:
            asset = service.store_image(request.files.get("image"), purpose="page_image", uploader=_admin_user())
        except UploadRejected as exc:
            db.session.rollback()
            return jsonify(error=exc.message), 400
        db.session.commit()
        return jsonify(url=url_for("InfoPageView.asset", key=asset.file.storage_key))


# ---- F2 organization data and settings ---------------------------------------------

class SettingsView(AreaAccess, BaseView):
    """«Данные и настройки»: one form over every organization setting."""

    route_base = "/admin/settings"
    default_view = "index"
    class_permission_name = ADMIN_PERMISSION

    def _render(self, form, test_form, status=200):
        from workflows.admin.settings import GATEWAY_SECTION, can_change_gateway, logo_url, sections

        return self.render_template("admin/settings.html", form=form, test_form=test_form, sections=sections(),
                                    logo_url=logo_url(), gateway_section=GATEWAY_SECTION,
                                    gateway_locked=not can_change_gateway(_admin_user())), status

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        from app.core.files import UploadRejected
        from forms.admin import TestMessageForm, settings_form_class
        from workflows.admin import settings as service
        from workflows.pages.service import store_image

        form_class = settings_form_class(service.editable_specs())
        if request.method == "GET":
            form = form_class(data={**service.current_values(), "loaded": service.fingerprint()})
            return self._render(form, TestMessageForm())
        form = form_class()
        if not form.validate_on_submit():
            return self._render(form, TestMessageForm(formdata=None), 400)
        if form.loaded.data != service.fingerprint():
            flash(_("Настройки изменил другой администратор, пока вы их редактировали. Ваши изменения не "
                    "сохранены: откройте форму заново."), "danger")
            return self._render(form, TestMessageForm(formdata=None), 409)
        values = {spec.key: form[spec.key].data for spec in service.editable_specs() if spec.kind != "image"}
        try:
            gateway_confirmed = service.confirm_gateway_change(values, actor=_admin_user(),
                                                               code=form.gateway_totp.data)
        except service.GatewayChangeRefused as exc:
            return self._refuse_gateway_change(form, values, exc)
        logo = request.files.get("org_logo")
        asset = None
        if logo is not None and logo.filename:
            try:
                asset = store_image(logo, purpose="logo", uploader=_admin_user())
            except UploadRejected as exc:
                db.session.rollback()
                form.org_logo.errors = [exc.message]
                return self._render(form, TestMessageForm(formdata=None), 400)
        changes = service.save_settings(values, actor=_admin_user(), logo_asset=asset,
                                        gateway_confirmed=gateway_confirmed)
        db.session.commit()
        flash(_("Изменения сохранены") if changes else _("Изменений нет"), "success")
        return redirect(url_for(".index"))

    def _refuse_gateway_change(self, form, values, exc):
        """Nothing is saved; the attempt itself is audited (the TOTP try was counted already)."""
        from forms.admin import TestMessageForm
        from workflows.admin import settings as service

        db.session.rollback()
        service.record_refused_gateway_change(values, actor=_admin_user(), reason=exc.message)
        db.session.commit()
        form.gateway_totp.errors = [exc.message]
        if not service.can_change_gateway(_admin_user()):
            flash(exc.message, "danger")  # the code field is not shown to an admin without TOTP
        return self._render(form, TestMessageForm(formdata=None), 400)

    @expose("/test", methods=["POST"])
    @has_access
    def test_message(self):
        from app.core.identifiers import InvalidIdentifier
        from forms.admin import TestMessageForm, settings_form_class
        from workflows.admin import settings as service

        test_form = TestMessageForm()
        form = settings_form_class(service.editable_specs())(
            formdata=None, data={**service.current_values(), "loaded": service.fingerprint()})
        if not test_form.validate_on_submit():
            return self._render(form, test_form, 400)
        try:
            service.send_test_message(test_form.channel.data, test_form.recipient.data, actor=_admin_user())
        except InvalidIdentifier as exc:
            test_form.recipient.errors.append(str(exc))
            return self._render(form, test_form, 400)
        db.session.commit()
        flash(_("Тестовое сообщение поставлено в очередь отправки"), "success")
        return redirect(url_for(".index"))


# ---- F3 dictionaries ----------------------------------------------------------------

class LinesField(TextAreaField):
    """A JSON list edited as one value per line (choices of a select field)."""

    def _value(self):
        return "\n".join(str(v) for v in (self.data or []))

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = [line.strip() for line in valuelist[0].splitlines() if line.strip()]


def _legal_forms_field():
    from forms.admin import LEGAL_FORM_CHOICES

    return SelectMultipleField(_l("Правовые формы (пусто — все)"), choices=LEGAL_FORM_CHOICES)


def _status_label(status: Status) -> str:
    return f"{status.application_type.name}: {status.name}" if status.application_type else status.name


def _status_query():
    from sqlalchemy.orm import joinedload

    return db.session.query(Status).options(joinedload(Status.application_type)).order_by(
        Status.application_type_id, Status.sort_order)


class DictionaryView(AreaAccess, ModelView):
    """Common behaviour: admins only, in-use rows are retired rather than deleted."""

    class_permission_name = ADMIN_PERMISSION
    page_size = 50
    #: newest first: a row just added is at the top, not on the last page
    base_order = ("id", "desc")

    def __init__(self):
        # FAB makes every non-nullable column InputRequired, so an unchecked box could
        # never be saved; flags get plain checkboxes instead
        from wtforms import BooleanField

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

    def pre_delete(self, item):
        from workflows.admin.dictionaries import ensure_deletable

        ensure_deletable(item)


class RetireMixin:
    """«Вывести из употребления»: the way to take a row in use out of the choices."""

    @action("retire", _l("Вывести из употребления"), _l("Вывести выбранные записи из употребления?"), "fa-ban")
    def retire(self, items):
        items = items if isinstance(items, list) else [items]
        for item in items:
            if item is not None:
                item.active = False
        db.session.commit()
        flash(_("Записи выведены из употребления: %(n)s", n=len([i for i in items if i is not None])), "success")
        self.update_redirect()
        return redirect(self.get_redirect())


KIND_LABELS = {
    ApplicationKind.CONNECTION: "Заявка на технологическое присоединение",
    ApplicationKind.MESSAGE: "Сообщение сетевой организации",
    ApplicationKind.STATEMENT: "Заявление",
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
        "from_status": QuerySelectField(_l("Из статуса"), query_func=_status_query, get_pk_func=lambda s: s.id,
                                        get_label=_status_label),
        "to_status": QuerySelectField(_l("В статус"), query_func=_status_query, get_pk_func=lambda s: s.id,
                                      get_label=_status_label),
        "roles": SelectMultipleField(_l("Кто может"), choices=[
            (role, ROLE_LABELS[role]) for role in (CONSUMER, STAFF, ORG_ADMIN)]),
    }
    formatters_columns = {"roles": roles_label}

    def pre_add(self, item):
        from workflows.admin.dictionaries import check_transition

        check_transition(item)

    pre_update = pre_add


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

    def pre_add(self, item):
        for day in (item.reading_day_from, item.reading_day_to):
            if day is not None and not 1 <= day <= 31:
                raise ValueError(_("Число месяца должно быть от 1 до 31"))

    pre_update = pre_add


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


class TransitionGraphView(AreaAccess, BaseView):
    """The state graph of each application type as a picture, with its transitions."""

    route_base = "/admin/graph"
    default_view = "index"
    class_permission_name = ADMIN_PERMISSION

    @expose("/")
    @has_access
    def index(self):
        from sqlalchemy import select

        types = list(db.session.execute(select(ApplicationType).order_by(ApplicationType.sort_order)).scalars())
        if types and request.args.get("type") is None:
            return redirect(url_for(".show", type_id=types[0].id))
        return self.render_template("admin/graph.html", types=types, current=None, svg="", transitions=[])

    @expose("/<int:type_id>")
    @has_access
    def show(self, type_id):
        from sqlalchemy import select
        from sqlalchemy.orm import joinedload

        from workflows.admin.graph import render_svg

        current = db.session.get(ApplicationType, type_id) or abort(404)
        types = list(db.session.execute(select(ApplicationType).order_by(ApplicationType.sort_order)).scalars())
        transitions = list(db.session.execute(
            select(Transition).options(joinedload(Transition.from_status), joinedload(Transition.to_status))
            .where(Transition.application_type_id == type_id).order_by(Transition.sort_order, Transition.id)
        ).scalars())
        return self.render_template("admin/graph.html", types=types, current=current, svg=render_svg(type_id),
                                    transitions=transitions)


# ---- F5 consumers, A6 accounts opened at the office ---------------------------------

class ConsumersView(AreaAccess, BaseView):
    """«Потребители»: find a consumer, block or unblock, open an account at the office."""

    route_base = "/admin/consumers"
    default_view = "index"
    class_permission_name = CONSUMERS_PERMISSION

    def _can_block(self) -> bool:
        return self.appbuilder.sm.has_access("can_access", ADMIN_PERMISSION)

    @expose("/")
    @has_access
    def index(self):
        from forms.admin import ConfirmForm, ConsumerSearchForm
        from workflows.admin.consumers import PAGE_SIZE, search_consumers

        form = ConsumerSearchForm(request.args)
        page = request.args.get("page", 1, type=int)
        rows, total = search_consumers(form.q.data or "", page=page)
        from app.core.identifiers import format_phone

        return self.render_template("admin/consumers/list.html", form=form, rows=rows, total=total, page=page,
                                    format_phone=format_phone,
                                    pages=max(1, -(-total // PAGE_SIZE)), can_block=self._can_block(),
                                    confirm=ConfirmForm())

    @expose("/<int:user_id>/block", methods=["POST"])
    @has_access
    def block(self, user_id):
        return self._set_blocked(user_id, True)

    @expose("/<int:user_id>/unblock", methods=["POST"])
    @has_access
    def unblock(self, user_id):
        return self._set_blocked(user_id, False)

    def _set_blocked(self, user_id, blocked):
        from forms.admin import ConfirmForm
        from workflows.admin.consumers import set_blocked

        if not self._can_block():
            abort(403)
        from app.security.access import ensure_consumer_account

        user = ensure_consumer_account(db.session.get(KabinetUser, user_id))
        if ConfirmForm().validate_on_submit():
            set_blocked(user, blocked, actor=_admin_user())
            db.session.commit()
            flash(_("Личный кабинет заблокирован") if blocked else _("Личный кабинет разблокирован"), "success")
        return redirect(request.referrer or url_for(".index"))

    @expose("/open", methods=["GET", "POST"])
    @has_access
    def open_account(self):
        from forms.admin import OpenAccountForm
        from workflows.admin.consumers import OpenAccountError, open_account

        form = OpenAccountForm()
        if form.validate_on_submit():
            try:
                user = open_account(form.data, actor=_admin_user())
            except OpenAccountError as exc:
                db.session.rollback()
                for field, message in exc.errors.items():
                    form[field].errors = list(form[field].errors) + [message]
            else:
                db.session.commit()
                flash(_("Личный кабинет открыт. На %(email)s отправлены логин и ссылка для установки пароля.",
                        email=user.email), "success")
                return redirect(url_for(".index", q=user.email))
        status = 400 if request.method == "POST" else 200
        return self.render_template("admin/consumers/open.html", form=form), status


class StaffView(AreaAccess, BaseView):
    """«Сотрудники»: organization admins add staff, change their role, block them."""

    route_base = "/admin/staff"
    default_view = "index"
    class_permission_name = ADMIN_PERMISSION

    def _render(self, form, status=200):
        from forms.admin import ConfirmForm, StaffRoleForm
        from workflows.admin.staff import MANAGED_ROLES, staff_users

        from app.security.access import can_manage_staff_account

        return self.render_template("admin/staff.html", form=form, users=staff_users(), roles=MANAGED_ROLES,
                                    is_managed=lambda user: can_manage_staff_account(current_user, user),
                                    confirm=ConfirmForm(), role_form=StaffRoleForm()), status

    def _managed(self, user_id) -> KabinetUser:
        from app.security.access import can_manage_staff_account

        user = db.session.get(KabinetUser, user_id)
        if user is not None and user.id == current_user.id:
            return user  # shown, but refused below with a message
        if not can_manage_staff_account(current_user, user):
            abort(404)
        return user

    @expose("/")
    @has_access
    def index(self):
        from forms.admin import StaffForm

        return self._render(StaffForm(formdata=None))

    @expose("/add", methods=["POST"])
    @has_access
    def add(self):
        from forms.admin import StaffForm
        from workflows.admin.staff import StaffError, add_staff

        form = StaffForm()
        if form.validate_on_submit():
            try:
                user = add_staff(last_name=form.last_name.data, first_name=form.first_name.data,
                                 email=form.email.data, role=form.role.data, actor=_admin_user())
            except StaffError as exc:
                db.session.rollback()
                for field, message in exc.errors.items():
                    form[field].errors = list(form[field].errors) + [message]
            else:
                db.session.commit()
                flash(_("Сотрудник добавлен. На %(email)s отправлена ссылка для установки пароля.",
                        email=user.email), "success")
                return redirect(url_for(".index"))
        return self._render(form, 400)

    @expose("/<int:user_id>/role", methods=["POST"])
    @has_access
    def role(self, user_id):
        from forms.admin import StaffRoleForm
        from workflows.admin.staff import set_role

        user = self._managed(user_id)
        form = StaffRoleForm()
        if user.id == current_user.id:
            flash(_("Свою роль изменить нельзя"), "danger")
        elif form.validate_on_submit():
            set_role(user, form.role.data, actor=_admin_user())
            db.session.commit()
            flash(_("Роль изменена"), "success")
        return redirect(url_for(".index"))

    @expose("/<int:user_id>/block", methods=["POST"])
    @has_access
    def block(self, user_id):
        return self._block(user_id, True)

    @expose("/<int:user_id>/unblock", methods=["POST"])
    @has_access
    def unblock(self, user_id):
        return self._block(user_id, False)

    def _block(self, user_id, blocked):
        from forms.admin import ConfirmForm
        from workflows.admin.consumers import set_blocked

        user = self._managed(user_id)
        if user.id == current_user.id:
            flash(_("Нельзя заблокировать самого себя"), "danger")
        elif ConfirmForm().validate_on_submit():
            set_blocked(user, blocked, actor=_admin_user())
            db.session.commit()
            flash(_("Сотрудник заблокирован") if blocked else _("Сотрудник разблокирован"), "success")
        return redirect(url_for(".index"))


# ---- F6 audit log -------------------------------------------------------------------

class AuditLogView(AreaAccess, BaseView):
    """«Журнал изменений»: who changed what and when, searchable and exportable."""

    route_base = "/admin/audit"
    default_view = "index"
    class_permission_name = ADMIN_PERMISSION

    def _filters(self):
        from forms.admin import AuditSearchForm

        form = AuditSearchForm(request.args)
        form.validate()
        filters = {"q": form.q.data, "action": form.action.data, "object_type": form.object_type.data,
                   "date_from": form.date_from.data if not form.date_from.errors else None,
                   "date_to": form.date_to.data if not form.date_to.errors else None}
        return form, filters

    @expose("/")
    @has_access
    def index(self):
        from workflows.admin.auditlog import PAGE_SIZE, search, shown

        form, filters = self._filters()
        page = request.args.get("page", 1, type=int)
        rows, total = search(page=page, **filters)
        rows = shown(rows)
        args = {k: v for k, v in request.args.items() if k != "page"}
        return self.render_template("admin/audit.html", form=form, rows=rows, total=total, page=page,
                                    pages=max(1, -(-total // PAGE_SIZE)), args=args)

    @expose("/export.csv")
    @has_access
    def export_csv(self):
        from app.core.formatting import format_datetime
        from workflows.admin.auditlog import shown, stream

        _form, filters = self._filters()
        out = _spooled_text()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["id", "Дата и время", "Кто", "IP", "Действие", "Объект", "Описание", "Было", "Стало",
                         "Код действия", "Тип объекта", "Идентификатор"])
        for row in shown(stream(**filters)):
            entry = row.record
            writer.writerow([_cell(v) for v in (
                entry.id, format_datetime(entry.at), entry.actor_name, entry.ip, row.action, row.object, row.summary,
                "; ".join(f"{k}: {v}" for k, v in row.before), "; ".join(f"{k}: {v}" for k, v in row.after),
                entry.action, entry.object_type, entry.object_id)])
        return _send_spooled(out, "audit.csv", "text/csv; charset=utf-8")

    @expose("/export.jsonl")
    @has_access
    def export_jsonl(self):
        from app.core.audit import export_chain
        from workflows.admin.auditlog import stream

        _form, filters = self._filters()
        out = _spooled_text(bom=False)
        for line in export_chain(stream(**filters)):
            out.write(line)
        return _send_spooled(out, "audit.jsonl", "application/x-ndjson; charset=utf-8")


def _cell(value):
    """A CSV cell that spreadsheet programs never run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _spooled_text(bom: bool = True):
    """A text writer over a buffer that moves to a temporary file when an export grows large."""
    import tempfile

    raw = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=True)
    if bom:
        out.write("\ufeff")  # Excel opens a UTF-8 CSV correctly only with a byte-order mark
    return out


def _send_spooled(out, name: str, mimetype: str) -> Response:
    from flask import send_file

    out.flush()
    raw = out.detach()
    raw.seek(0)
    return send_file(raw, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)


# ---- F7 reports ---------------------------------------------------------------------

class ReportsView(AreaAccess, BaseView):
    """«Отчеты»: tables and charts, each exportable to CSV."""

    route_base = "/admin/reports"
    default_view = "index"
    class_permission_name = ADMIN_PERMISSION

    REPORTS = ("by-status", "overdue", "processing", "registrations")

    def _period(self):
        from forms.admin import ReportPeriodForm

        form = ReportPeriodForm(request.args)
        form.validate()
        return form, (form.date_from.data if not form.date_from.errors else None), (
            form.date_to.data if not form.date_to.errors else None)

    def _table(self, kind, date_from, date_to):
        """(header, rows) of one report, the same for the page and the CSV."""
        from app.core.formatting import format_date
        from workflows.admin import reports

        if kind == "by-status":
            data = reports.by_status_and_type(date_from, date_to)
            return ["Тип заявки", "Статус", "Количество"], [[r["type"], r["status"], r["count"]] for r in data]
        if kind == "overdue":
            today = date.today()
            data = reports.overdue(today)
            return (["Номер", "Тип заявки", "Заявитель", "Статус", "Срок", "Просрочено, дней"],
                    [[a.number or f"№{a.id}", a.application_type.name, a.consumer.display_name, a.display_status,
                      format_date(a.due_on), (today - a.due_on).days] for a in data])
        if kind == "processing":
            data = reports.processing_times(date_from, date_to)
            return (["Статус", "Переходов", "Медиана, дней", "90-й процентиль, дней"],
                    [[r["status"], r["count"], r["median_days"], r["p90_days"]] for r in data])
        if kind == "registrations":
            data = reports.registrations_per_day(date_from, date_to)
            return ["Дата", "Регистраций"], [[format_date(r["day"]), r["count"]] for r in data]
        abort(404)

    @expose("/")
    @has_access
    def index(self):
        form, date_from, date_to = self._period()
        tables = {kind: self._table(kind, date_from, date_to) for kind in self.REPORTS}
        return self.render_template("admin/reports.html", form=form, tables=tables, args=request.args.to_dict())

    @expose("/<kind>.csv")
    @has_access
    def export_csv(self, kind):
        if kind not in self.REPORTS:
            abort(404)
        _form, date_from, date_to = self._period()
        header, rows = self._table(kind, date_from, date_to)
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        writer.writerows([_cell(v) if isinstance(v, str) else v for v in row] for row in rows)
        return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={kind}.csv"})


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
    from flask import current_app

    app = current_app._get_current_object()
    app.add_template_global(info_page, "info_page")
    app.add_template_global(_org_logo_url, "org_logo_url")
    app.before_request(_send_staff_to_queue)

    appbuilder.add_view_no_menu(InfoPageView())
    appbuilder.add_link("Информация", href="/page/info", icon="fa-info-circle")
    appbuilder.add_link("Помощь", href="/page/help", icon="fa-question-circle")

    appbuilder.add_view(AdminPagesView(), "Информационные страницы", icon="fa-file-text",
                        category=ADMIN_CATEGORY, category_icon="fa-wrench")
    appbuilder.add_view(SettingsView(), "Данные и настройки", icon="fa-sliders", category=ADMIN_CATEGORY)
    appbuilder.add_view(StaffView(), "Сотрудники", icon="fa-id-badge", category=ADMIN_CATEGORY)
    appbuilder.add_view(AuditLogView(), "Журнал изменений", icon="fa-history", category=ADMIN_CATEGORY)
    appbuilder.add_view(ReportsView(), "Отчеты", icon="fa-bar-chart", category=ADMIN_CATEGORY)
    appbuilder.add_view(TransitionGraphView(), "Граф переходов", icon="fa-sitemap", category=ADMIN_CATEGORY)
    for view, name, icon in DICTIONARY_VIEWS:
        appbuilder.add_view(view(), name, icon=icon, category=DICT_CATEGORY, category_icon="fa-book")
    appbuilder.add_view(ConsumersView(), CONSUMERS_MENU, icon="fa-users")

    watch_admin_models()


def watch_admin_models() -> None:
    """F6: dictionaries, roles and user roles/blocking are audited on every change."""
    from flask_appbuilder.security.sqla.models import Role

    from app.core import audit

    for model, action in (
        (ApplicationType, "dictionary.application_type"), (FormField, "dictionary.form_field"),
        (Status, "dictionary.status"), (Transition, "dictionary.transition"),
        (DocumentType, "dictionary.document_type"), (TypeDocumentRequirement, "dictionary.document_requirement"),
        (CalendarDay, "dictionary.calendar_day"), (Branch, "dictionary.branch"), (Supplier, "dictionary.supplier"),
        (Office, "dictionary.office"), (Topic, "dictionary.topic"),
    ):
        audit.watch(model, action)
    audit.watch(Role, "role", fields={"name", "permissions"})
    # roles and blocking only: contact data changes are audited by the accounts area, and an
    # erased account (A8) must not leave its personal data behind in automatic records
    audit.watch(KabinetUser, "user", fields={"roles", "active"})


AREA = Area(
    "admin",
    register=register,
    permissions=ROLE_PERMISSIONS,
    seeders=(seed_system_pages, seed_topics),
    notifications=(),
)
