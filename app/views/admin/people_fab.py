"""FAB's user, role and group screens speaking words (issue 12): role names and permissions
as labels (app/core/labels.py), «Да»/«Нет» for flags, newest rows first. The security
manager (app/security/manager.py) installs them in place of FAB's own.

Each class keeps FAB's class name, so endpoints (``UserDBModelView.userinfo``) and the
permission view names that roles hold stay the same.
"""
from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget, Select2Widget
from flask_appbuilder.security import views as fab
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import lazy_gettext as _l

from app.core.labels import (
    action_label, permission_label, permissions_label, role_label, roles_label, screen_label, yes_no)


def _many(label, model_of, get_label):
    """A multiple choice of related rows, each shown by its label."""
    def query():
        from app.extensions import db

        return db.session.query(model_of())

    return QuerySelectMultipleField(label, query_func=query, get_pk_func=lambda row: row.id,
                                    get_label=get_label, widget=Select2ManyWidget())


def _one(label, model_of, get_label):
    """A choice of one related row, shown by its label (FAB's search filters)."""
    def query():
        from app.extensions import db

        return db.session.query(model_of())

    return QuerySelectField(label, query_func=query, get_pk_func=lambda row: row.id, get_label=get_label,
                            widget=Select2Widget())


def _permission_model():
    from app.extensions import appbuilder

    return appbuilder.sm.permission_model


def _view_menu_model():
    from app.extensions import appbuilder

    return appbuilder.sm.viewmenu_model


def _role_model():
    from app.extensions import appbuilder

    return appbuilder.sm.role_model


def _group_member_model():
    """FAB's own User class: Group.users holds it (a KabinetUser there would not flush)."""
    from flask_appbuilder.security.sqla.models import Group

    return Group.users.property.mapper.class_


def _permission_view_model():
    from app.extensions import appbuilder

    return appbuilder.sm.permissionview_model


def _user_name(user) -> str:
    """«Сотрудникова Анна (anna@org.ru)»: namesakes stay apart."""
    name = f"{user.last_name or ''} {user.first_name or ''}".strip() or user.username
    return f"{name} ({user.email})" if user.email else name


def _or_empty(value):
    return "" if value is None else value


def _when(value) -> str:
    from app.core.formatting import format_datetime

    return format_datetime(value) if value else ""


def _group_names(groups) -> str:
    return ", ".join(group.label or group.name for group in groups or [])


class UserDBModelView(fab.UserDBModelView):
    base_order = ("id", "desc")
    label_columns = {**fab.UserDBModelView.label_columns, "groups": _l("Группы"), "active": _l("Действует")}
    formatters_columns = {"roles": roles_label, "groups": _group_names, "active": yes_no,
                          "last_login": _when, "created_on": _when, "changed_on": _when,
                          "created_by": _or_empty, "changed_by": _or_empty, "login_count": _or_empty,
                          "fail_login_count": _or_empty}
    add_form_extra_fields = {**fab.UserDBModelView.add_form_extra_fields,
                             "roles": _many(_l("Роль"), _role_model, role_label)}
    edit_form_extra_fields = search_form_extra_fields = {"roles": _many(_l("Роль"), _role_model, role_label)}


class RoleModelView(fab.RoleModelView):
    # FAB's role widgets print the raw values; the plain ones apply the formatters
    list_widget = ListWidget
    show_widget = ShowWidget
    base_order = ("id", "desc")
    label_columns = {"name": _l("Название"), "permissions": _l("Права"), "user": _l("Пользователи"),
                     "groups": _l("Группы")}
    formatters_columns = {"name": role_label, "permissions": permissions_label}
    add_form_extra_fields = edit_form_extra_fields = search_form_extra_fields = {
        "permissions": _many(_l("Права"), _permission_view_model, permission_label)}


class UserGroupModelView(fab.UserGroupModelView):
    base_order = ("id", "desc")
    label_columns = {"name": _l("Название"), "label": _l("Подпись"), "description": _l("Описание"),
                     "users": _l("Пользователи"), "roles": _l("Роли")}
    formatters_columns = {"roles": roles_label, "users": lambda users: ", ".join(_user_name(u) for u in users),
                          "description": _or_empty, "label": _or_empty}
    add_form_extra_fields = edit_form_extra_fields = search_form_extra_fields = {
        "roles": _many(_l("Роли"), _role_model, role_label),
        "users": _many(_l("Пользователи"), _group_member_model, _user_name)}


class PermissionModelView(fab.PermissionModelView):
    formatters_columns = {"name": action_label}


class ViewMenuModelView(fab.ViewMenuModelView):
    formatters_columns = {"name": screen_label}


class PermissionViewModelView(fab.PermissionViewModelView):
    label_columns = {"permission": _l("Право"), "view_menu": _l("Экран или меню"), "role": _l("Роли")}
    formatters_columns = {"permission": lambda p: action_label(p.name), "view_menu": lambda v: screen_label(v.name)}
    search_form_extra_fields = {
        "permission": _one(_l("Право"), _permission_model, lambda p: action_label(p.name)),
        "view_menu": _one(_l("Экран или меню"), _view_menu_model, lambda v: screen_label(v.name)),
        "role": _many(_l("Роли"), _role_model, role_label)}
