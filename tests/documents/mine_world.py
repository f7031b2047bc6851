"""Builders of «Мои документы» tests: a consumer with one document of every kind, each made by the
workflow that makes it in production (so the ledger's hooks are what the tests exercise), and a
reader of the page's rows."""
import io
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import (
    ApplicationKind,
    ApplicationType,
    DocumentType,
    ReceiptRun,
)
from app.security.roles import STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff
from tests.meters.test_cabinet_faults import PROFILE
from workflows.applications.defaults import BY_CONSUMER, BY_STAFF, _seed_type
from workflows.applications.rules import ORGANIZATION_SIDE
from workflows.applications.service import add_attachment, assign_number, open_draft, save_data, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPEAL_TYPE = dict(code="test_appeal", name="Обращение", kind=ApplicationKind.APPEAL, number_pattern="О-{seq}",
                   sort_order=500, fields=[dict(code="text", label="Текст обращения", field_type="text")],
                   statuses=[("draft", "Черновик", dict(is_draft=True)),
                             ("new", "На рассмотрении", dict(is_initial=True)),
                             ("answered", "Ответ направлен", dict(is_final=True))],
                   transitions=[("draft", "new", "Отправить", BY_CONSUMER, {}),
                                ("new", "answered", "Ответить", BY_STAFF, {})], requirements=[])


def pdf(name: str = "document.pdf", data: bytes = PDF) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/pdf")


def type_id(name: str) -> int:
    return db.session.scalar(select(DocumentType.id).where(DocumentType.name == name,
                                                           DocumentType.code.like("cabinet_%")))


@dataclass
class World:
    owner: object
    other: object
    staff: object
    account: object
    upload: object = None
    appeal: object = None
    answer: object = None
    signature: object = None
    copy: object = None
    receipt: object = None


def people() -> World:
    """The consumer (profile complete, one linked account), another consumer and a staff member."""
    world = World(owner=make_consumer(**PROFILE), other=make_consumer(**PROFILE), staff=make_staff(STAFF),
                  account=b.account())
    b.link(world.owner, world.account, receipt_email="owner@example.ru")
    b.link(world.other, b.account())
    b.commit()
    return world


def with_every_kind(world: World) -> World:
    """One document of every kind: sent upload and appeal, received answer, signature, copy, receipt."""
    from workflows.documents import copies, signing, uploads

    world.upload = uploads.send_documents(world.owner, type_id("Договор энергоснабжения"), world.account.id,
                                          [pdf("Договор.pdf")])
    world.appeal = appeal_with_file(world.owner)
    world.answer = add_attachment(world.appeal, pdf("Ответ.pdf"), world.staff, side=ORGANIZATION_SIDE,
                                  title="Ответ на обращение", notify=False)
    contract = add_attachment(world.appeal, pdf("Соглашение.pdf"), world.staff, side=ORGANIZATION_SIDE,
                              title="Соглашение", notify=False, needs_two_sided_signature=True)
    world.signature = signing.sign_as_organization(contract, world.staff)
    request = copies.request_copies(world.owner.consumer, documents="Акт", actor=world.owner)
    copies.fulfil(request, [pdf("Копия акта.pdf")], answer="Направляем", actor=world.staff)
    world.copy = request.files[0]
    world.receipt = mailed_receipt(world, date(2026, 10, 1))
    db.session.commit()
    return world


def appeal_with_file(user):
    """An appeal (kind «appeal») with the consumer's file, submitted and numbered."""
    _seed_type(APPEAL_TYPE, {})
    app_type = db.session.scalar(select(ApplicationType).where(ApplicationType.code == APPEAL_TYPE["code"]))
    application, _reopened = open_draft(user.consumer, app_type, user, new=True)
    save_data(application, {"text": "Прошу разъяснить начисления"}, user)
    add_attachment(application, pdf("Фото.pdf"), user, side="consumer", title="Фото счетчика", notify=False)
    submit(application, user)
    assign_number(application, None, user)
    return application


def mailed_receipt(world: World, month: date):
    """The month's receipt mailed by «Рассылка квитанций» (its PDF stubbed: WeasyPrint is slow)."""
    from workflows.payments import mailing

    run = ReceiptRun(month=month)
    db.session.add(run)
    db.session.flush()
    original = mailing.render_pdf
    mailing.render_pdf = lambda account, month: PDF
    try:
        mailing._mail_one(run, _link(world))
    finally:
        mailing.render_pdf = original
    return mailing._sending(_link(world).id, month)


def _link(world: World):
    from app.models import AccountLink

    return db.session.scalar(select(AccountLink).where(AccountLink.consumer_id == world.owner.consumer.id))


class _Rows(HTMLParser):
    """The rows of «Мои документы»: [{kind, source, date, title, type, origin, direction, download}]."""

    def __init__(self):
        super().__init__()
        self.rows, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("data-test") == "document":
            self.rows.append({"kind": attrs.get("data-kind"), "source": int(attrs.get("data-source"))})
        elif self.rows and attrs.get("data-test") in ("date", "title", "type", "origin", "direction"):
            self._cell = attrs["data-test"]
            self.rows[-1][self._cell] = ""
        elif self.rows and attrs.get("data-test") == "download":
            self.rows[-1]["download"] = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None

    def handle_data(self, data):
        if self._cell:
            self.rows[-1][self._cell] = (self.rows[-1][self._cell] + data).strip()


def rows_of(html: str) -> list[dict]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows
