"""Two-sided electronic signing (C3, C5, seed 003).

A document staff attach with «Необходима двухсторонняя электронная подпись» is signed by
the organization first (a staff member with the signing right, confirmed with TOTP where
the user has it), then by the consumer: a ФЛ with a simple electronic signature (ПЭП) —
a code sent by SMS to the confirmed phone; an ИП or ЮЛ by uploading a detached CMS
signature made with their own certificate. Every signature is an evidence record sealed
with the organization's key (evidence.py). A document with any signature is locked:
it can no longer be replaced or deleted.
"""
import hashlib
from dataclasses import dataclass

from flask import has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit
from app.core.errors import Invalid
from app.extensions import db
from app.core.files import read_stored, store_bytes
from app.models import Application, ApplicationEvent, Attachment, LegalForm, Signature
from app.models.base import utcnow
from app.models.documents import SignatureMethod, SignatureSide
from app.core.notifications.notify import notify_organization, notify_user
from app.security.access import can_sign_for_organization
from app.core.settings import get_setting
from workflows.documents import cms, evidence, history

SIGN_PURPOSE = "sign"

METHOD_LABELS = {
    SignatureMethod.ORGANIZATION_KEY: "Электронная подпись организации",
    SignatureMethod.PEP_SMS: "ПЭП",
    SignatureMethod.CMS: "ЭП",
}


class SigningError(Invalid):
    """Signing is refused now; `message` is shown to the user as is."""


class DocumentLocked(SigningError):
    """The document is signed and can no longer change (C5)."""


# ---- state ---------------------------------------------------------------------------

def organization_name() -> str:
    return get_setting("org_short_name") or get_setting("org_name")


def signatures_of(attachment: Attachment) -> dict[str, Signature]:
    return {s.side: s for s in attachment.signatures}


def is_locked(attachment: Attachment) -> bool:
    """True once anyone signed the document: it may not be replaced or deleted (C5)."""
    if attachment.id is None:
        return False
    return db.session.scalar(select(Signature.id).where(Signature.attachment_id == attachment.id).limit(1)) is not None


def ensure_not_locked(attachment: Attachment) -> None:
    if is_locked(attachment):
        raise DocumentLocked(_("Подписанный документ нельзя заменить или удалить"))


def is_fully_signed(attachment: Attachment) -> bool:
    sides = signatures_of(attachment)
    return SignatureSide.ORGANIZATION in sides and SignatureSide.CONSUMER in sides


def awaiting_side(attachment: Attachment) -> str | None:
    """Whose signature the document waits for: organization first, then the consumer."""
    if not attachment.needs_two_sided_signature or attachment.deleted_at is not None:
        return None
    sides = signatures_of(attachment)
    if SignatureSide.ORGANIZATION not in sides:
        return SignatureSide.ORGANIZATION
    if SignatureSide.CONSUMER not in sides:
        return SignatureSide.CONSUMER
    return None


#: how a consumer of each legal form signs (seed 003): ФЛ — ПЭП by SMS, ИП и ЮЛ — own certificate
CONSUMER_METHODS = {
    LegalForm.INDIVIDUAL: SignatureMethod.PEP_SMS,
    LegalForm.ENTREPRENEUR: SignatureMethod.CMS,
    LegalForm.LEGAL_ENTITY: SignatureMethod.CMS,
}


def consumer_method(application: Application) -> str:
    return CONSUMER_METHODS[application.consumer.form]


def has_fully_signed_document(application: Application) -> bool:
    return any(a.needs_two_sided_signature and a.deleted_at is None and is_fully_signed(a)
               for a in application.attachments)


def mask_phone(phone: str | None) -> str:
    """+79123456789 → +7 912 ***-**-89."""
    if not phone or len(phone) < 12:
        return "***"
    return f"{phone[:2]} {phone[2:5]} ***-**-{phone[-2:]}"


# ---- evidence ------------------------------------------------------------------------

def _client() -> dict:
    if not has_request_context():
        return {"ip": None, "user_agent": None}
    return {"ip": request.remote_addr, "user_agent": (request.user_agent.string or "")[:500]}


def _signer_block(user) -> dict:
    block = {"user_id": user.id, "name": user.display_name, "email": user.email}
    if user.consumer is not None:
        block["legal_form"] = user.consumer.form.label
        block["identifiers"] = {label: value for label, value in user.consumer.identifiers}
    return block


def _record(attachment: Attachment, *, side: str, method: str, signer, signer_name: str, document: bytes,
            extra: dict, cms_file=None) -> Signature:
    sha = hashlib.sha256(document).hexdigest()
    now = utcnow()
    application = attachment.application
    previous = signatures_of(attachment).get(SignatureSide.ORGANIZATION)
    payload = {
        "document": {"title": attachment.title, "file_name": attachment.file.original_name,
                     "sha256": sha, "size": attachment.file.size, "attachment_id": attachment.id},
        "application": {"id": application.id, "number": application.number,
                        "type": application.application_type.name},
        "organization": organization_name(),
        "side": side,
        "method": method,
        "method_label": METHOD_LABELS[method],
        "signer": _signer_block(signer),
        "signed_at": now.isoformat(timespec="seconds") + "Z",
        **_client(),
        **extra,
    }
    if previous is not None:
        payload["organization_evidence_sha256"] = hashlib.sha256(previous.evidence_json.encode()).hexdigest()
    text, seal = evidence.seal(payload)
    signature = Signature(attachment_id=attachment.id, side=side, method=method, signer_id=signer.id,
                          signer_name=signer_name, document_sha256=sha, signed_at=now, evidence=payload,
                          evidence_json=text, evidence_signature=seal,
                          cms_file_id=getattr(cms_file, "id", None))
    db.session.add(signature)
    db.session.flush()
    history.record_signature(signature)
    db.session.expire(attachment, ["signatures"])
    db.session.add(ApplicationEvent(application_id=application.id, actor_id=signer.id, kind="signature", at=now,
                                    comment=f"{attachment.title}: {signer_name}",
                                    payload={"attachment_id": attachment.id, "side": side, "method": method}))
    audit.record("document.signed", attachment, actor=signer,
                 after={"side": side, "method": method, "sha256": sha, "signature": signature.id})
    db.session.flush()
    return signature


def _document(attachment: Attachment) -> bytes:
    """The stored bytes to sign, refused before anything is written when they no longer match
    their hash (a refusal never leaves half a signature behind)."""
    data = read_stored(attachment.file)
    if hashlib.sha256(data).hexdigest() != attachment.file.sha256:
        raise SigningError(_("Файл документа повреждён: его хэш не совпадает с сохранённым"))
    return data


def _ensure_awaiting(attachment: Attachment, side: str) -> None:
    if not attachment.needs_two_sided_signature or attachment.deleted_at is not None:
        raise SigningError(_("Этот документ не требует подписания"))
    waiting = awaiting_side(attachment)
    if waiting is None or (waiting != side and side in signatures_of(attachment)):
        raise SigningError(_("Документ уже подписан"))
    if waiting != side:
        raise SigningError(_("Ожидается подписание документа со стороны %(side)s", side=organization_name()))


def _after_signature(attachment: Attachment, side: str) -> None:
    application = attachment.application
    from workflows.applications.service import consumer_link, staff_link

    if side == SignatureSide.ORGANIZATION:
        notify_user(application.consumer.user, "document_sign_requested", link=consumer_link(application),
                    application=application, title=attachment.title, important=True)
    elif is_fully_signed(attachment):
        notify_organization("document_signed", application=application, title=attachment.title,
                            link=staff_link(application))
        notify_user(application.consumer.user, "document_signed", link=consumer_link(application),
                    application=application, title=attachment.title, sms=False)


# ---- the organization signs first ----------------------------------------------------

def sign_as_organization(attachment: Attachment, user, *, totp_code: str | None = None) -> Signature:
    """«Подписать» for the organization: a staff member with the signing right, TOTP if enabled."""
    if not can_sign_for_organization(user):
        raise SigningError(_("У вас нет права подписывать документы от имени организации"))
    _ensure_awaiting(attachment, SignatureSide.ORGANIZATION)
    extra = {"confirmation": _check_totp(user, totp_code)}
    signature = _record(attachment, side=SignatureSide.ORGANIZATION, method=SignatureMethod.ORGANIZATION_KEY,
                        signer=user, signer_name=user.display_name, document=_document(attachment), extra=extra)
    _after_signature(attachment, SignatureSide.ORGANIZATION)
    return signature


def sign_as_organization_with_cms(attachment: Attachment, user, signature_bytes: bytes, filename: str,
                                  *, totp_code: str | None = None) -> tuple[Signature, list]:
    """The organization signs with a staff member's own certificate: a detached CMS upload (seed 003)."""
    if not can_sign_for_organization(user):
        raise SigningError(_("У вас нет права подписывать документы от имени организации"))
    _ensure_awaiting(attachment, SignatureSide.ORGANIZATION)
    _check_totp(user, totp_code)
    return _sign_cms(attachment, user, SignatureSide.ORGANIZATION, signature_bytes, filename)


def _check_totp(user, totp_code: str | None) -> str:
    if not user.totp_enabled:
        return "password"
    from workflows.accounts.totp import lock_message, verify_totp

    if not verify_totp(user, totp_code or ""):
        raise SigningError(lock_message(user) or _("Неверный код из приложения-аутентификатора"))
    return "totp"


# ---- ФЛ: ПЭП by SMS ------------------------------------------------------------------

def _ensure_consumer(attachment: Attachment, user, method: str) -> None:
    application = attachment.application
    if user.consumer is None or application.consumer_id != user.consumer.id:
        raise SigningError(_("Подписать документ может только заявитель"))
    if consumer_method(application) != method:
        raise SigningError(_("Этот способ подписания недоступен для вашей правовой формы"))
    _ensure_awaiting(attachment, SignatureSide.CONSUMER)


def request_pep_code(attachment: Attachment, user):
    """«Подписать» (ФЛ): send a code by SMS to the confirmed phone; the OneTimeCode row."""
    from workflows.accounts.codes import SMS, CodeError, issue_code

    _ensure_consumer(attachment, user, SignatureMethod.PEP_SMS)
    if not user.phone or not user.phone_confirmed_at:
        raise SigningError(_("Для подписания подтвердите номер телефона в разделе «Мои данные»"))
    try:
        return issue_code(purpose=SIGN_PURPOSE, channel=SMS, destination=user.phone, user=user,
                          payload={"attachment_id": attachment.id, "sha256": attachment.file.sha256})
    except CodeError as exc:
        raise SigningError(exc.message)


def confirm_pep(attachment: Attachment, user, code: str) -> Signature:
    """«Подтвердить» (ФЛ): the SMS code signs the document with ПЭП.

    A wrong code counts an attempt, kept when the refusal is rolled back (workflows/accounts/tries.py).
    """
    from workflows.accounts.codes import CodeError, verify_code

    _ensure_consumer(attachment, user, SignatureMethod.PEP_SMS)
    try:
        row = verify_code(purpose=SIGN_PURPOSE, destination=user.phone or "", code=code)
    except CodeError as exc:
        raise SigningError(exc.message)
    payload = row.payload or {}
    if payload.get("attachment_id") != attachment.id or payload.get("sha256") != attachment.file.sha256:
        raise SigningError(_("Код был отправлен для подписания другого документа. Запросите новый код."))
    extra = {"pep": {"phone": mask_phone(user.phone), "code_sent_at": row.created_at.isoformat(timespec="seconds") + "Z",
                     "code_confirmed_at": row.consumed_at.isoformat(timespec="seconds") + "Z",
                     "code_sent_ip": row.sent_ip}}
    signature = _record(attachment, side=SignatureSide.CONSUMER, method=SignatureMethod.PEP_SMS, signer=user,
                        signer_name=user.display_name, document=_document(attachment), extra=extra)
    _after_signature(attachment, SignatureSide.CONSUMER)
    return signature


# ---- ИП / ЮЛ: detached CMS -----------------------------------------------------------

def sign_with_cms(attachment: Attachment, user, signature_bytes: bytes, filename: str) -> tuple[Signature, list]:
    """Upload of a detached .sig/.p7s (ИП/ЮЛ): checked against the document, then recorded."""
    _ensure_consumer(attachment, user, SignatureMethod.CMS)
    return _sign_cms(attachment, user, SignatureSide.CONSUMER, signature_bytes, filename)


def _sign_cms(attachment: Attachment, user, side: str, signature_bytes: bytes, filename: str):
    if not signature_bytes:
        raise SigningError(_("Выберите файл подписи"))
    if len(signature_bytes) > 1024 * 1024:
        raise SigningError(_("Файл подписи слишком большой"))
    document = _document(attachment)
    try:
        signers = cms.check_detached(signature_bytes, document)
    except cms.SignatureRejected as exc:
        raise SigningError(exc.message)
    for signer in signers:
        _check_signer(signer, attachment, side)
    stored = store_bytes(signature_bytes, filename or "signature.sig", uploader=user,
                         content_type="application/pkcs7-signature")
    first = signers[0]
    extra = {"cms": {"file_sha256": stored.sha256, "signers": [s.as_dict() for s in signers]}}
    signature = _record(attachment, side=side, method=SignatureMethod.CMS, signer=user,
                        signer_name=first.name, document=document, extra=extra, cms_file=stored)
    _after_signature(attachment, side)
    return signature, signers


def _check_signer(signer: cms.SignerDetails, attachment: Attachment, side: str) -> None:
    """The certificate must be the signing party's own (or an allowed representative's) and,
    where the admin requires it, issued by a trusted CA."""
    from workflows.documents import signer_identity, trust

    if side == SignatureSide.ORGANIZATION:
        expected, party = signer_identity.expected_for_organization(), _("организации")
    else:
        expected, party = signer_identity.expected_for_consumer(attachment.application.consumer), _("заявителя")
    try:
        signer.representative = signer_identity.check(signer.identifiers, expected, party=party)
    except signer_identity.IdentityMismatch as exc:
        raise SigningError(exc.message)
    if get_setting("signature_require_trusted_chain") and signer.chain.status != trust.TRUSTED:
        raise SigningError(signer.chain.message)


# ---- status transitions that need a signed document (C5) ------------------------------

def signed_document_guard(transition, application, context):
    """Transition.requires_signed_document: only with a document signed by both sides."""
    if transition.requires_signed_document and not has_fully_signed_document(application):
        return _("Для этого статуса необходим документ, подписанный обеими сторонами")
    return None


@dataclass
class SignatureRow:
    """What the panel shows for one side of one document."""

    side: str
    label: str
    signature: Signature | None


def side_rows(attachment: Attachment) -> list[SignatureRow]:
    sides = signatures_of(attachment)
    return [
        SignatureRow(SignatureSide.ORGANIZATION, organization_name(), sides.get(SignatureSide.ORGANIZATION)),
        SignatureRow(SignatureSide.CONSUMER, _("пользователя"), sides.get(SignatureSide.CONSUMER)),
    ]
