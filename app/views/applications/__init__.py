"""The applications area (B2–B13): the consumer's side (consumer.py: «Подать заявку», «Мои заявки»,
the application page), the staff's side (staff.py: «Документооборот» and the item page) and what
both pages show (shared.py). Rules and commands: workflows/applications/. «Уведомления» is the
notifications area's."""
from flask import current_app

from app.core.areas import Area
from app.security.roles import CONSUMER, ORG_ADMIN, STAFF
from app.views.applications.consumer import ConsumerApplicationsView
from app.views.applications.staff import StaffApplicationsView
from app.web import form_tokens
from workflows.applications.defaults import seed_applications

MENU_NEW = "Подать заявку"
MENU_MINE = "Мои заявки"
MENU_MESSAGE = "Сообщение сетевой организации"
MENU_QUEUE = "Документооборот"

#: roles → permissions this area needs (synced by `flask kabinet sync-roles`)
ROLE_PERMISSIONS = {
    CONSUMER: [("menu_access", MENU_NEW), ("menu_access", MENU_MINE), ("menu_access", MENU_MESSAGE)],
    STAFF: [("menu_access", MENU_QUEUE)],
    ORG_ADMIN: [("menu_access", MENU_QUEUE)],
}

#: template keys of the notifications this area sends (templates/notifications/<key>.*.j2)
NOTIFICATIONS = (
    "application_document", "application_document_added", "application_invoice", "application_number",
    "application_resubmitted", "application_stage", "application_status", "application_submitted",
    "application_tracker", "message_from_organization", "message_to_organization",
)


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
    current_app.add_template_global(form_tokens.hidden_field, "form_token")
    appbuilder.add_view_no_menu(ConsumerApplicationsView())
    appbuilder.add_view_no_menu(StaffApplicationsView())
    appbuilder.add_link(MENU_NEW, href="/my/applications/new", icon="fa-plus")
    appbuilder.add_link(MENU_MINE, href="/my/applications/", icon="fa-list")
    appbuilder.add_link(MENU_MESSAGE, href="/my/applications/new?type=message", icon="fa-envelope")
    appbuilder.add_link(MENU_QUEUE, href="/staff/queue/", icon="fa-inbox")


AREA = Area(
    "applications",
    register=register,
    permissions=ROLE_PERMISSIONS,
    seeders=(seed_applications,),
    notifications=NOTIFICATIONS,
)
