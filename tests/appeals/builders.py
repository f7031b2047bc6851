"""Builders of the appeals tests: a consumer with a linked account and its supplier, the appeal type
and topics seeded, and the form's values."""
import io

from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Topic, TopicKind
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.admin.defaults import seed_topics
from workflows.appeals.types import seed_appeal_type

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = "Прошу разъяснить начисление за октябрь."


def world() -> dict:
    """The appeal type and topics, a consumer with one linked account served by one supplier."""
    seed_appeal_type()
    seed_topics()
    owner = make_consumer()
    acc = b.account(owner_name="Петров Петр Петрович", address="г. Самара, ул. Мира, д. 5")
    supplier = b.supplier()
    b.provide(acc, by=supplier)
    b.link(owner, acc)
    b.commit()
    return dict(owner=owner, account=acc, supplier=supplier, topic=topic("Жалоба"))


def topic(name: str) -> Topic:
    return db.session.query(Topic).filter_by(kind=TopicKind.APPEAL, name=name).one()


def form(w: dict, **changes) -> dict:
    """What «Отправить» posts for the world's consumer, with `changes`."""
    values = dict(full_name="Петров Петр Петрович", account_id=str(w["account"].id) if w.get("account") else "",
                  supplier_id=str(w["supplier"].id) if w.get("supplier") else "", topic_id=str(w["topic"].id), text=TEXT,
                  phone="+7 (912) 345-67-89", email="petrov@example.ru")
    values.update(changes)
    return values


def pdf(name: str = "scan.pdf", size: int = 0) -> tuple:
    """A PDF of at least `size` bytes, as a test client posts a file."""
    data = PDF + b"0" * max(0, size - len(PDF))
    return io.BytesIO(data), name


def upload(name: str = "scan.pdf", size: int = 0) -> FileStorage:
    """The same PDF as a request hands it to a command."""
    stream, name = pdf(name, size)
    return FileStorage(stream=stream, filename=name, content_type="application/pdf")


def write(owner, w: dict, files=(), **changes):
    """An appeal written through the command, as the owner would send it (committed)."""
    from workflows.appeals.commands import write_appeal

    appeal = write_appeal(owner, form(w, **changes), files)
    db.session.commit()
    return appeal


def answer_transition(appeal, name: str = "Дать ответ"):
    from app.models import Transition

    application = appeal.application
    return db.session.query(Transition).filter_by(application_type_id=application.application_type_id,
                                                  from_status_id=application.status_id, name=name).one()


def nothing_created() -> None:
    """No appeal, application, attachment or stored file: a refused form kept nothing."""
    from app.models import Appeal, Application, Attachment, StoredFile

    db.session.expire_all()
    for model in (Appeal, Application, Attachment, StoredFile):
        assert db.session.query(model).count() == 0, model.__name__
