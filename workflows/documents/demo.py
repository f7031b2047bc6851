"""Demo data of «Мои документы» (E3): the demo ФЛ sent documents through «Загрузить документ», got
the organization's answer and a signed agreement on their application, copies they asked for and
the month's receipt by e-mail — each made by the workflow that makes it, so the ledger fills as in
production. Called once from app/demo.py (`flask kabinet demo`); flushes only."""
import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import AccountLink, Application, ConsumerDocument, KabinetUser, ReceiptRun
from workflows.applications.rules import ORGANIZATION_SIDE
from workflows.applications.service import add_attachment
from workflows.billing.balance import latest_charged_month
from workflows.documents import copies, signing, uploads
from workflows.payments import mailing

DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: what the demo ФЛ sent: (Тип документов, file names)
SENT = [("Договор энергоснабжения", ["Договор энергоснабжения.pdf"]),
        ("Соглашение о реструктуризации задолженности", ["Соглашение.pdf", "Приложение 1.pdf"]),
        ("Прочие документы", ["Справка о составе семьи.pdf"])]


def _pdf(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(DEMO_PDF), filename=name, content_type="application/pdf")


def demo_documents(consumer_email: str, staff_email: str) -> bool:
    """Several documents of every kind for the demo consumer, once (False: done before or no data)."""
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == consumer_email))
    staff = db.session.scalar(select(KabinetUser).where(KabinetUser.email == staff_email))
    if user is None or staff is None or user.consumer is None or not uploads.type_choices():
        return False  # no demo users, or no reference data (`flask kabinet seed`)
    if db.session.scalar(select(ConsumerDocument.id).where(ConsumerDocument.source_kind == "copy",
                                                           ConsumerDocument.consumer_id == user.consumer.id)):
        return False
    link = db.session.scalar(select(AccountLink).where(AccountLink.consumer_id == user.consumer.id))
    for type_name, names in SENT:
        type_id = next((i for i, name in uploads.type_choices() if name == type_name), None)
        uploads.send_documents(user, type_id, link.account_id if link else None, [_pdf(n) for n in names])
    _answers(user, staff)
    request = copies.request_copies(user.consumer, documents="Акт о выполнении технических условий", actor=user)
    copies.fulfil(request, [_pdf("Акт о выполнении ТУ.pdf"), _pdf("Акт допуска прибора учета.pdf")],
                  answer="Копии во вложении", actor=staff)
    if link is not None:
        _mailed_receipt(link)
    return True


def _answers(user, staff) -> None:
    """The organization's answer and an agreement it signed, on the consumer's first application."""
    application = db.session.scalar(select(Application).where(Application.consumer_id == user.consumer.id,
                                                              Application.submitted_at.is_not(None))
                                    .order_by(Application.id).limit(1))
    if application is None:
        return
    add_attachment(application, _pdf("Ответ на заявку.pdf"), staff, side=ORGANIZATION_SIDE,
                   title="Ответ на заявку", notify=False)
    for title in ("Технические условия", "Договор об осуществлении технологического присоединения"):
        agreement = add_attachment(application, _pdf(f"{title}.pdf"), staff, side=ORGANIZATION_SIDE, title=title,
                                   notify=False, needs_two_sided_signature=True)
        signing.sign_as_organization(agreement, staff)


def _mailed_receipt(link: AccountLink) -> None:
    """The latest month's receipt, as «Рассылка квитанций» e-mails it."""
    month = latest_charged_month(link.account_id)
    if month is None:
        return
    run = ReceiptRun(month=month)
    db.session.add(run)
    db.session.flush()
    mailing._mail_one(run, link)
