"""A consumer with something in every table that holds personal data, for the A8 deletion tests."""
from decimal import Decimal

from app.core import audit
from app.core.files import store_bytes
from app.extensions import db
from app.models import (Attachment, DismissedHint, FormToken, Notification, NotificationOptOut, NotificationSettings,
                        OutboxMessage, Payment, Signature)
from app.models.base import utcnow
from tests.billing import builders as b
from tests.factories import make_consumer
from tests.surveys.builders import application, application_type

POSTAL = "г. Рязань, ул. Почтовая, д. 61, кв. 95"


def full_consumer():
    """A consumer (committed) with two linked accounts, an application with a signed document, a
    payment, notices, settings, hints, a form token, a pending and a sent message, audit records;
    returns (user, {what: row id})."""
    user = make_consumer(postal_address=POSTAL, registration_address=POSTAL, birth_place="г. Рязань",
                         passport_series="6101", passport_number="123456", passport_issued_by="ОВД Рязани")
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    first, second = b.account(), b.account()
    b.link(user, first, receipt_electronic=True, receipt_email="bills@example.ru")
    b.link(user, second)
    app_row = application(user, application_type())
    stored = store_bytes(b"%PDF-1.4 contract", "Договор.pdf", uploader=user)
    attachment = Attachment(application_id=app_row.id, file_id=stored.id, title="Договор", side="consumer",
                            author_id=user.id)
    db.session.add(attachment)
    db.session.flush()
    signature = Signature(attachment_id=attachment.id, side="consumer", method="simple", signer_id=user.id,
                          signer_name="Иванов Пётр Сергеевич", document_sha256="0" * 64, evidence={},
                          evidence_json="{}", evidence_signature="x")
    payment = Payment(consumer_id=user.consumer.id, provider="fake", method="card", amount=Decimal("100.00"),
                      idempotency_key=f"k{user.id}", receipt_email=user.email)
    db.session.add_all([
        signature, payment,
        Notification(user_id=user.id, title="Заявка принята"),
        NotificationSettings(user_id=user.id, marketing_consent=True, marketing_changed_at=utcnow()),
        NotificationOptOut(user_id=user.id, kind="application_status", channel="sms"),
        DismissedHint(user_id=user.id, hint="accounts"),
        FormToken(token=f"t{user.id}", user_id=user.id),
        OutboxMessage(channel="email", recipient=user.email, user_id=user.id, body="Ваша заявка"),
        OutboxMessage(channel="sms", recipient=user.phone, body="Код 123456", status="sent", sent_at=utcnow()),
    ])
    db.session.flush()
    audit.record("account.profile_updated", user.consumer, actor=user, summary="Изменены «Мои данные»")
    db.session.commit()
    return user, {"application": app_row.id, "signature": signature.id, "payment": payment.id,
                  "accounts": (first.id, second.id)}
