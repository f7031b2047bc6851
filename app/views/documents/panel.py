"""The documents panel of the application pages (templates/documents/_application_panel.html):
the statement, the bundle and the documents to sign, with the signing forms where the
viewer may sign. The applications area's pages include the template; its data comes from
the `documents_panel()` template global defined here."""
from flask import session
from flask_login import current_user

from app.models.documents import SignatureSide
from app.security.access import can_sign_for_organization
from forms.documents import CmsUploadForm, ConfirmForm, OrganizationSignForm, PepConfirmForm
from workflows.documents import queries, signing, statements

#: where the sign-error for a document waits to be shown under its field (one request)
SIGN_ERRORS = "kb_sign_errors"


def remember_error(attachment_id: int, message: str) -> None:
    """Show `message` under the signing form of this document on the next page."""
    errors = dict(session.get(SIGN_ERRORS, {}))
    errors[str(attachment_id)] = message
    session[SIGN_ERRORS] = errors


def _document_row(attachment, application, viewer_side: str, user, errors: dict) -> dict:
    waiting = signing.awaiting_side(attachment)
    can_org = waiting == SignatureSide.ORGANIZATION and viewer_side == "organization" \
        and can_sign_for_organization(user)
    can_consumer = waiting == SignatureSide.CONSUMER and viewer_side == "consumer" \
        and user.consumer is not None and user.consumer.id == application.consumer_id
    sides = signing.signatures_of(attachment)
    return {
        "attachment": attachment,
        "rows": signing.side_rows(attachment),
        "waiting": waiting,
        "signed_on": max((s.signed_at for s in sides.values()), default=None) if waiting is None else None,
        "can_sign_organization": can_org,
        "needs_totp": can_org and user.totp_enabled,
        "can_sign_consumer": can_consumer,
        "consumer_method": signing.consumer_method(application),
        "pending_code": queries.pending_code(attachment, user) if can_consumer else None,
        "error": errors.get(str(attachment.id)),
    }


def documents_panel(application, viewer_side: str) -> dict:
    """Data of templates/documents/_application_panel.html for one application."""
    errors = session.pop(SIGN_ERRORS, {}) if SIGN_ERRORS in session else {}
    documents = [_document_row(attachment, application, viewer_side, current_user, errors)
                 for attachment in queries.documents_to_sign(application)]
    panel = {"documents": documents, "pdf_available": statements.pdf_converter() is not None}
    if documents:  # the signing forms, only where something is to be signed or shown signed
        panel.update(org_name=signing.organization_name(), confirm_form=ConfirmForm(), org_form=OrganizationSignForm(),
                     pep_form=PepConfirmForm(), cms_form=CmsUploadForm(), method_labels=signing.METHOD_LABELS)
    return panel
