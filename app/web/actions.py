"""FAB's action routes answer 404 to an action name the view does not have, or to rows
that do not exist.

Flask-AppBuilder 5 (views.py: `action`, `action_post`) looks the name up with
`self.actions.get(name).func` and the rows with `datamodel.get(pk)`, and hands None on:
an unknown name or row was an AttributeError — a 500. One check before those two routes
of every CRUD view, Kabinet's and FAB's own (users, roles), instead of a base class that
FAB's security views would not have. Rows are looked up only for a user FAB would let run
the action, so the answer tells nobody else which rows exist.
"""
from flask import Flask, abort, current_app, request
from flask_appbuilder.baseviews import BaseCRUDView
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

ACTION_ROUTES = {"action", "action_post"}


def init_unknown_actions(app: Flask) -> None:
    app.before_request(_unknown_action_is_not_found)


def _unknown_action_is_not_found() -> None:
    route = (request.endpoint or "").rpartition(".")[2]
    if route not in ACTION_ROUTES:
        return
    view = _crud_view(request.blueprint)
    if view is None:
        return
    if route == "action":
        name, pks = request.view_args["name"], [request.view_args["pk"]]
    else:
        name, pks = request.form.get("action"), request.form.getlist("rowid")
    if name not in view.actions:
        abort(404)
    permission = view.get_action_permission_name(name)
    if current_app.appbuilder.sm.has_access(permission, view.class_permission_name) and not _rows_exist(view, pks):
        abort(404)


def _crud_view(blueprint_name: str | None) -> BaseCRUDView | None:
    for view in current_app.appbuilder.baseviews:
        if isinstance(view, BaseCRUDView) and view.blueprint is not None and view.blueprint.name == blueprint_name:
            return view
    return None


def _rows_exist(view: BaseCRUDView, pks: list[str]) -> bool:
    try:
        with db.session.begin_nested():  # a key PostgreSQL refuses fails this savepoint only
            return all(view.datamodel.get(view._deserialize_pk_if_composite(pk)) is not None for pk in pks)
    except (ValueError, SQLAlchemyError):  # not a key of this table at all
        return False
