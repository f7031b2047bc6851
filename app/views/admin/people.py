"""People (F5, A6): «Потребители» — find a consumer, block or unblock, open an account at the
office — and «Сотрудники» — organization admins add staff, change their role, block them.
FAB's own user and role screens are people_fab.py. The commands are workflows/admin/consumers.py
and workflows/admin/staff.py."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Forbidden
from app.core.identifiers import format_phone
from app.security.access import can_manage_staff_account
from app.views.admin.common import (
    ADMIN_PERMISSION,
    CONSUMERS_PERMISSION,
    AdminView,
    acting_user,
    refused_to,
)
from app.web.permissions import OnePermission
from forms.admin import ConfirmForm, ConsumerSearchForm, OpenAccountForm, StaffForm, StaffRoleForm
from workflows.admin import FieldErrors, consumers, staff


def _show_field_errors(form, exc: FieldErrors) -> None:
    """Each refused value's message under its field (the form is rendered again)."""
    for field, message in exc.errors.items():
        form[field].errors = list(form[field].errors) + [message]


class BlockRoutes:
    """POST …/<id>/block and …/<id>/unblock, both answered by the view's `_set_blocked()`."""

    @expose("/<int:user_id>/block", methods=["POST"])
    @has_access
    def block(self, user_id):
        return self._set_blocked(user_id, True)

    @expose("/<int:user_id>/unblock", methods=["POST"])
    @has_access
    def unblock(self, user_id):
        return self._set_blocked(user_id, False)


class ConsumersView(BlockRoutes, OnePermission, BaseView):
    """«Потребители»: find a consumer, block or unblock, open an account at the office."""

    route_base = "/admin/consumers"
    default_view = "index"
    class_permission_name = CONSUMERS_PERMISSION

    def _can_block(self) -> bool:
        return self.appbuilder.sm.has_access("can_access", ADMIN_PERMISSION)

    @expose("/")
    @has_access
    def index(self):
        form = ConsumerSearchForm(request.args)
        page = request.args.get("page", 1, type=int)
        rows, total = consumers.search_consumers(form.q.data or "", page=page)
        return self.render_template("admin/consumers/list.html", form=form, rows=rows, total=total, page=page,
                                    format_phone=format_phone,
                                    pages=max(1, -(-total // consumers.PAGE_SIZE)), can_block=self._can_block(),
                                    confirm=ConfirmForm())

    def _set_blocked(self, user_id, blocked):
        if not self._can_block():
            abort(403)
        if ConfirmForm().validate_on_submit():
            consumers.block_consumer(user_id, blocked, actor=acting_user())
            flash(_("Личный кабинет заблокирован") if blocked else _("Личный кабинет разблокирован"), "success")
        return redirect(request.referrer or url_for(".index"))

    @expose("/open", methods=["GET", "POST"])
    @has_access
    def open_account(self):
        form = OpenAccountForm()
        if form.validate_on_submit():
            try:
                user = consumers.open_account(form.data, actor=acting_user())
            except consumers.OpenAccountError as exc:  # refused before anything was written
                _show_field_errors(form, exc)
            else:
                flash(_("Личный кабинет открыт. На %(email)s отправлены логин и ссылка для установки пароля.",
                        email=user.email), "success")
                return redirect(url_for(".index", q=user.email))
        status = 400 if request.method == "POST" else 200
        return self.render_template("admin/consumers/open.html", form=form), status


class StaffView(BlockRoutes, AdminView):
    """«Сотрудники»: organization admins add staff, change their role, block them."""

    route_base = "/admin/staff"

    def _render(self, form, status=200):
        return self.render_template("admin/staff.html", form=form, users=staff.staff_users(),
                                    roles=staff.MANAGED_ROLES,
                                    is_managed=lambda user: can_manage_staff_account(current_user, user),
                                    confirm=ConfirmForm(), role_form=StaffRoleForm()), status

    @expose("/")
    @has_access
    def index(self):
        return self._render(StaffForm(formdata=None))

    @expose("/add", methods=["POST"])
    @has_access
    def add(self):
        form = StaffForm()
        if form.validate_on_submit():
            try:
                user = staff.add_staff(last_name=form.last_name.data, first_name=form.first_name.data,
                                       email=form.email.data, role=form.role.data, actor=acting_user())
            except staff.StaffError as exc:  # refused before anything was written
                _show_field_errors(form, exc)
            else:
                flash(_("Сотрудник добавлен. На %(email)s отправлена ссылка для установки пароля.",
                        email=user.email), "success")
                return redirect(url_for(".index"))
        return self._render(form, 400)

    @expose("/<int:user_id>/role", methods=["POST"])
    @has_access
    def role(self, user_id):
        form = StaffRoleForm()
        role = form.role.data if form.validate_on_submit() else None
        try:
            staff.change_staff_role(user_id, role, actor=acting_user())
        except (Forbidden, staff.StaffError) as exc:  # one's own role; out of reach stays 404
            return refused_to(exc, ".index")
        if role is not None:
            flash(_("Роль изменена"), "success")
        return redirect(url_for(".index"))

    def _set_blocked(self, user_id, blocked):
        if ConfirmForm().validate_on_submit():
            try:
                staff.block_staff(user_id, blocked, actor=acting_user())
            except Forbidden as exc:  # oneself; out of reach stays 404
                return refused_to(exc, ".index")
            flash(_("Сотрудник заблокирован") if blocked else _("Сотрудник разблокирован"), "success")
        return redirect(url_for(".index"))
