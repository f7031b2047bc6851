"""The outbox sends a stored file attached (a monthly receipt's PDF): by the memory and the file
transports, under its own name, once; a file that cannot be read is retried, not lost."""
import email
from email import policy
from pathlib import Path

from app.core.files import store_bytes, stored_path
from app.core.notifications.notify import queue_email
from app.core.notifications.outbox import deliver_outbox_message
from app.extensions import db
from app.models import OutboxMessage, OutboxStatus

PDF = b"%PDF-1.4\n% receipt for tests\n" + bytes(range(256)) + b"\n%%EOF\n"
NAME = "Квитанция_0000000001_11.2026.pdf"


def _queued(ctx, data=PDF):
    stored = store_bytes(data, NAME, content_type="application/pdf")
    message = queue_email("ivanov@example.ru", "Квитанция за ноябрь 2026", "Квитанция во вложении",
                          template="receipt_monthly", attachment=stored)
    db.session.commit()
    return message, stored


def _attachments(msg):
    return [(part.get_filename(), part.get_content_type(), part.get_content()) for part in msg.iter_attachments()]


def test_memory_transport_sends_the_pdf_attached_once(ctx, sent):
    message, stored = _queued(ctx)
    assert message.attachment_file_id == stored.id
    assert deliver_outbox_message(message.id) == OutboxStatus.SENT
    assert deliver_outbox_message(message.id) == OutboxStatus.SENT  # a second delivery sends nothing
    assert len(sent.emails) == 1
    msg = sent.emails[0]
    assert msg["To"] == "ivanov@example.ru"
    assert msg.get_body(("plain",)).get_content().strip() == "Квитанция во вложении"
    assert _attachments(msg) == [(NAME, "application/pdf", PDF)]


def test_file_transport_writes_the_pdf_into_the_eml(app, ctx):
    message, _stored = _queued(ctx)
    outbox = Path(app.config["OUTBOX_DIR"])
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    app.config["MAIL_BACKEND"] = "file"
    try:
        assert deliver_outbox_message(message.id) == OutboxStatus.SENT
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    [written] = set(outbox.glob("*.eml")) - before
    parsed = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert _attachments(parsed) == [(NAME, "application/pdf", PDF)]


def test_an_email_without_attachment_has_none(ctx, sent):
    message = queue_email("ivanov@example.ru", "Тема", "Текст")
    db.session.commit()
    assert message.attachment_file_id is None
    assert deliver_outbox_message(message.id) == OutboxStatus.SENT
    assert list(sent.emails[0].iter_attachments()) == [] and not sent.emails[0].is_multipart()


def test_an_attachment_that_cannot_be_read_is_retried_not_sent_bare(ctx, sent):
    message, stored = _queued(ctx)
    stored_path(stored).unlink()
    assert deliver_outbox_message(message.id) == OutboxStatus.PENDING
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row.attempts == 1 and "attachment" in row.last_error and sent.emails == []
