"""«Загрузить документ» (E3, seed 004 §2.11 «Мои документы»): the consumer sends documents of a
«Тип документов» to the organization. The upload is filed as a statement «Направление документов»
(the applications workflow: submitted, numbered, in the staff queue like every statement), its files
its documents; «Мои документы» lists them as sent (workflows/documents/history.py).
"""
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.errors import NotFound
from app.core.files import MB, UploadRejected, safe_original_name
from app.extensions import db
from app.models import Application, ApplicationKind, ApplicationType, DocumentType
from app.security.access import current_consumer
from workflows.accounts.profile import missing_profile_fields
from workflows.applications.defaults import BY_CONSUMER, BY_STAFF, _seed_type
from workflows.applications.drafts import MSG_PROFILE
from workflows.applications.guards import ApplicationError, ProfileIncomplete
from workflows.applications.rules import CONSUMER_SIDE
from workflows.applications.service import add_attachment, assign_number, open_draft, save_data, submit
from workflows.appeals.requisites import check_files, chosen_files, file_limits
from workflows.billing.links import linked, linked_accounts
from workflows.documents.templates import seed_default_templates

MSG_REQUIRED = "Поле обязательно для заполнения"
MSG_TYPE = "Выберите тип документов из списка"
MSG_ACCOUNT = "Выберите лицевой счет из списка"
MSG_FILES = "Выберите файл для загрузки"
MSG_FORM = "Проверьте правильность заполнения полей"
MSG_SENT = "Документ отправлен. Номер обращения: %(number)s"

#: «Тип документов» of seed 004 §2.11, in the order the list offers them (admins may rename them)
DOCUMENT_TYPES = [
    ("cabinet_supply_contract", "Договор энергоснабжения"),
    ("cabinet_debt_restructuring", "Соглашение о реструктуризации задолженности"),
    ("cabinet_claim", "Исковое заявление/заявление на выдачу судебного приказа"),
    ("cabinet_court_decision", "Судебное решение"),
    ("cabinet_court_order", "Судебный приказ"),
    ("cabinet_writ", "Исполнительный лист"),
    ("cabinet_other", "Прочие документы"),
]
TYPE_CODE = "documents_sent"
TYPE_NAME = "Направление документов"
STATUSES = [
    ("draft", "Черновик", dict(is_draft=True)),
    ("received", "Получено", dict(is_initial=True, deadline_working_days=5)),
    ("done", "Рассмотрено", dict(is_final=True)),
]
TRANSITIONS = [
    ("draft", "received", "Отправить документ", BY_CONSUMER, {}),
    ("received", "done", "Рассмотрено", BY_STAFF, {}),
]
FIELDS = [
    dict(code="document_type", label="Тип документов", field_type="string", required=True),
    dict(code="account_number", label="Лицевой счет", field_type="string"),
    dict(code="address", label="Адрес", field_type="string", is_object_address=True),
]
TYPE_SPEC = dict(code=TYPE_CODE, name=TYPE_NAME, kind=ApplicationKind.STATEMENT, number_pattern="Д-{year}-{seq:05d}",
                 sort_order=120, description="Документы, направленные потребителем в «Мои документы»",
                 fields=FIELDS, statuses=STATUSES, transitions=TRANSITIONS, requirements=[])


class UploadRefused(ApplicationError):
    """Nothing is sent; `field_errors` name the fields («document_type», «account_id», «files»)."""

    category = "warning"


def seed_document_upload() -> None:
    """The seed's «Тип документов» and the statement type uploads are filed as (idempotent)."""
    known = set(db.session.scalars(select(DocumentType.code)))
    for order, (code, name) in enumerate(DOCUMENT_TYPES, start=1):
        if code not in known:
            db.session.add(DocumentType(code=code, name=name, sort_order=900 + order))
    db.session.flush()
    _seed_type(TYPE_SPEC, {})
    seed_default_templates()


def type_choices() -> list[tuple[int, str]]:
    """«Тип документов»: the seed's types still active, in the seed's order."""
    rows = db.session.execute(select(DocumentType.id, DocumentType.name).where(
        DocumentType.code.in_([code for code, _name in DOCUMENT_TYPES]), DocumentType.active.is_(True))
        .order_by(DocumentType.sort_order, DocumentType.id))
    return [(type_id, name) for type_id, name in rows]


def account_choices(consumer) -> list[tuple[int, str]]:
    """«Лицевой счет»: the consumer's linked accounts as «номер — адрес»."""
    return [(account_id, f"{number} — {address}") for account_id, number, address in linked_accounts(consumer)]


def limits_mb() -> tuple[int, int]:
    """(one file, all files) in MB, as «Загрузить документ» states them."""
    one, total = file_limits()
    return one // MB, total // MB


def _upload_type() -> ApplicationType:
    app_type = db.session.scalar(select(ApplicationType).where(ApplicationType.code == TYPE_CODE,
                                                               ApplicationType.active.is_(True)))
    if app_type is None:
        raise NotFound(_("Прием документов временно не ведется"))
    return app_type


def _checked(consumer, type_id, account_id, files) -> tuple[DocumentType, int | None]:
    """The chosen type and account; every refusal at once, under its field, before anything is stored."""
    errors = {}
    types = dict(type_choices())
    if not type_id:
        errors["document_type"] = _(MSG_REQUIRED)
    elif type_id not in types:
        errors["document_type"] = _(MSG_TYPE)
    if account_id and account_id not in dict(account_choices(consumer)):
        errors["account_id"] = _(MSG_ACCOUNT)
    if not chosen_files(files):
        errors["files"] = _(MSG_FILES)
    else:
        errors.update(check_files(files))
    if errors:
        raise UploadRefused(_(MSG_FORM), errors)
    if missing_profile_fields(consumer):
        raise ProfileIncomplete(_(MSG_PROFILE))
    return db.session.get(DocumentType, type_id), account_id or None


def send_documents(actor, type_id: int | None, account_id: int | None, files) -> Application:
    """«Отправить документ»: the files sent to the organization as one numbered statement in its queue."""
    consumer = current_consumer(actor)
    if consumer is None:
        raise NotFound()
    document_type, account_id = _checked(consumer, type_id, account_id, files)
    account = next((link.account for link in linked(consumer) if link.account_id == account_id), None)
    application, _reopened = open_draft(consumer, _upload_type(), actor, new=True)
    save_data(application, {"document_type": document_type.name, "account_number": account.number if account else "",
                            "address": account.address if account else ""}, actor)
    for upload in chosen_files(files):
        try:
            add_attachment(application, upload, actor, side=CONSUMER_SIDE, document_type=document_type,
                           title=safe_original_name(upload.filename), notify=False)
        except UploadRejected as exc:  # the limits of app/core/files.py, checked while stored
            raise UploadRefused(exc.message, {"files": exc.message}) from exc
    submit(application, actor)
    assign_number(application, None, actor)
    return application

