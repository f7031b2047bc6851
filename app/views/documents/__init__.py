"""The documents area (C1–C5, issue 10): statements, bundles, signing, copy requests, signature
verification, statement templates and the trusted CA certificates.

Views parse, call one command of workflows/documents/ and render:
- application.py — «Документы заявки»: downloads and signing (DocumentsView);
- panel.py — the documents panel the application pages include (`documents_panel()`);
- copies.py — «Запросы копий документов» and the staff queue of copy requests;
- templates.py — «Шаблоны заявлений» (admins);
- trusted_certificates.py — «Доверенные сертификаты УЦ» (admins);
- verify.py — «Проверить подпись» (anyone);
- mine.py — «Мои документы» and «Загрузить документ» (E3), declared like app/core/areas.py's modules.
"""
from flask import current_app

from app.core.areas import Area
from app.security.roles import CONSUMER, ORG_ADMIN, STAFF
from app.views.documents import mine, trusted_certificates
from app.views.documents.application import DocumentsView
from app.views.documents.copies import PER_PAGE, CopyRequestsStaffView, CopyRequestsView
from app.views.documents.panel import documents_panel
from app.views.documents.templates import StatementTemplatesView
from app.views.documents.verify import VerifySignatureView, iso_ru_date
from workflows.documents import signing
from workflows.documents.templates import seed_default_templates

__all__ = ["AREA", "PER_PAGE", "register"]

MENU_COPIES = "Запросы копий документов"
MENU_COPIES_STAFF = "Запросы копий"
MENU_TEMPLATES = "Шаблоны заявлений"
MENU_VERIFY = "Проверить подпись"
#: the area's own menu entries, in menu order: (name, address, icon)
MENU_LINKS = (
    (MENU_COPIES, "/documents/copies/", "fa-copy"),
    (MENU_COPIES_STAFF, "/documents/copies/staff/", "fa-copy"),
    (MENU_TEMPLATES, "/documents/templates/", "fa-file-word-o"),
    (MENU_VERIFY, "/verify-signature/", "fa-check-circle"),
)

#: FAB's Admin holds every permission; each other role gets what it needs here
ROLE_PERMISSIONS = {
    CONSUMER: [("can_access", "Documents"), ("can_access", "CopyRequests"), ("menu_access", MENU_COPIES),
               ("menu_access", MENU_VERIFY)],
    STAFF: [("can_access", "Documents"), ("can_access", "CopyRequestsStaff"), ("menu_access", MENU_COPIES_STAFF),
            ("can_sign", "DocumentSigning"), ("menu_access", MENU_VERIFY)],
    ORG_ADMIN: [("can_access", "Documents"), ("can_access", "CopyRequestsStaff"),
                ("menu_access", MENU_COPIES_STAFF), ("can_sign", "DocumentSigning"),
                ("can_access", "StatementTemplates"), ("menu_access", MENU_TEMPLATES), ("menu_access", MENU_VERIFY),
                ("can_access", trusted_certificates.PERMISSION), ("menu_access", trusted_certificates.MENU)],
}


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
    current_app.add_template_global(documents_panel, "documents_panel")
    current_app.add_template_filter(iso_ru_date, "iso_ru_date")
    for view in (DocumentsView, CopyRequestsView, CopyRequestsStaffView, StatementTemplatesView, VerifySignatureView):
        appbuilder.add_view_no_menu(view())
    for view in mine.VIEWS:
        appbuilder.add_view_no_menu(view())
    for name, href, icon in MENU_LINKS + mine.MENU_LINKS:
        appbuilder.add_link(name, href=href, icon=icon)


AREA = Area(
    "documents",
    register=register,
    permissions={role: pairs + mine.PERMISSIONS.get(role, []) for role, pairs in ROLE_PERMISSIONS.items()},
    seeders=(seed_default_templates, *mine.SEEDERS),
    guards=(signing.signed_document_guard,),
    admin_views=((trusted_certificates.TrustedCertificatesView, trusted_certificates.MENU, "fa-certificate"),),
    notifications=("document_copy_answered", "document_copy_requested", "document_sign_requested", "document_signed"),
)
