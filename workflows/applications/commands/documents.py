"""Commands both sides use on one application: documents and messages (B4, B10, B13)."""
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Application, Attachment, Message
from app.security.access import ensure_attachment_of, ensure_organization_application, ensure_owns_application
from workflows.applications.attachments import add_attachment, remove_attachment
from workflows.applications.dictionaries import document_type
from workflows.applications.guards import StaleForm
from workflows.applications.messages import post_message
from workflows.applications.rules import ORGANIZATION_SIDE


def application_for(side: str, application_id: int, actor) -> Application:
    """The application `actor` may act on from `side` (404 for anyone outside its scope):
    the consumer who filed it, or people acting for the organization once it is submitted."""
    application = db.session.get(Application, application_id)
    if side == ORGANIZATION_SIDE:
        return ensure_organization_application(actor, application)
    return ensure_owns_application(actor, application)


@contextmanager
def stale_as_conflict():
    """A row changed by someone else since it was loaded refuses the change with the stale-form message."""
    try:
        yield
    except StaleDataError:
        raise StaleForm() from None


def add_document(application_id: int, actor, *, side: str, file, title: str | None = None,
                 document_type_id: int | None = None, comment: str | None = None, purpose: str | None = None,
                 two_sided: bool = False) -> Attachment:
    """«Добавить документ» from either side (the organization's: an invoice, or signed by both).
    A refused document undoes only its own writes: what the request did before stays."""
    application = application_for(side, application_id, actor)
    with stale_as_conflict(), db.session.begin_nested():
        return add_attachment(application, file, actor, side=side, title=title,
                              document_type=document_type(document_type_id), comment=comment,
                              purpose=purpose if side == ORGANIZATION_SIDE else None,
                              needs_two_sided_signature=two_sided)


def remove_document(application_id: int, attachment_id: int, actor, *, side: str) -> Attachment:
    """«Удалить» a document: the consumer their draft's own, staff a wrong one (kept in the history)."""
    application = application_for(side, application_id, actor)
    attachment = ensure_attachment_of(application, db.session.get(Attachment, attachment_id))
    with stale_as_conflict():
        remove_attachment(attachment, actor, side=side)
    return attachment


def send_message(application_id: int, actor, *, side: str, body: str, file=None,
                 file_title: str | None = None) -> Message:
    """«Добавить сообщение» with an optional document; the other side is notified."""
    application = application_for(side, application_id, actor)
    files = [(file, file_title)] if file else []
    with stale_as_conflict():
        return post_message(application, body, actor, from_organization=side == ORGANIZATION_SIDE, files=files)

