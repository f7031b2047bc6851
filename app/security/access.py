"""The one place that decides who may see and change which object.

Views and FAB actions call these helpers; they never compare owners themselves.
Object routes answer 404 to anyone outside the object's scope, so that the existence of
another consumer's application is not revealed.
"""
from flask import abort
from sqlalchemy import Select

from app.models import Application, ConsumerProfile
from app.security.roles import ORGANIZATION_ROLES


def is_organization(user) -> bool:
    """Staff, organization admins and FAB admins act for the organization."""
    return bool(user and user.is_authenticated and user.role_names & ORGANIZATION_ROLES)


def current_consumer(user) -> ConsumerProfile | None:
    if user is None or not user.is_authenticated:
        return None
    return user.consumer


def scope_applications(query: Select, user) -> Select:
    """Restrict an Application query to what `user` may see."""
    if is_organization(user):
        return query
    consumer = current_consumer(user)
    if consumer is None:
        return query.where(Application.id.is_(None))
    return query.where(Application.consumer_id == consumer.id)


def can_see_application(user, application: Application) -> bool:
    if is_organization(user):
        return True
    consumer = current_consumer(user)
    return consumer is not None and application.consumer_id == consumer.id


def ensure_can_see_application(user, application: Application | None) -> Application:
    if application is None or not can_see_application(user, application):
        abort(404)
    return application
