"""«Доверенные сертификаты УЦ»: the CA certificates admins trust, added and removed with audit.

An uploaded file (.cer/.crt/.pem/.der/.p7b) may carry one or several certificates. Each
is added unless it is already in the store, has expired, or is not a CA's certificate
(an end-entity certificate in the store would make that one certificate trusted by
itself): those are skipped with the reason. A file with nothing to add is refused.
trust.check_chain() builds signers' chains up to the active rows.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit
from app.core.errors import Invalid, NotFound
from app.extensions import db
from app.models.base import utcnow
from app.models.documents import TrustedCertificate
from workflows.documents.bounded import read_at_most
from workflows.documents.certificates import Certificate, load_certificates

#: a .p7b with every accredited CA's certificates stays well under this
MAX_FILE_BYTES = 5 * 1024 * 1024


class TrustStoreError(Invalid):
    """Nothing of the uploaded file can be added; `message` says why."""


@dataclass
class AddResult:
    added: list[TrustedCertificate] = field(default_factory=list)
    #: why each certificate of the file that was not added was skipped
    skipped: list[str] = field(default_factory=list)


def not_a_certificate() -> str:
    return _("Файл не является сертификатом X.509 (.cer, .crt, .pem, .p7b)")


def _read(data: bytes) -> list[Certificate]:
    try:
        return load_certificates(data)
    except Exception:  # noqa: BLE001 — untrusted input: whatever fails to parse is not a certificate
        raise TrustStoreError(not_a_certificate()) from None


def _refusal(certificate: Certificate, present: dict[str, bool]) -> str | None:
    """Why this certificate cannot be added, or None."""
    name = certificate.subject_text
    if certificate.fingerprint in present:
        if not present[certificate.fingerprint]:
            return _("Сертификат уже есть в списке доверенных (отключён — включите его): %(name)s", name=name)
        return _("Сертификат уже есть в списке доверенных: %(name)s", name=name)
    if certificate.not_after < utcnow():
        return _("Срок действия сертификата истёк %(date)s: %(name)s",
                 date=certificate.not_after.strftime("%d.%m.%Y"), name=name)
    # a v1 root carries no BasicConstraints at all: self-issued is then enough
    if not (certificate.is_ca is True or (certificate.is_ca is None and certificate.self_issued)):
        return _("Сертификат не является сертификатом УЦ (в нём нет признака «CA»): %(name)s", name=name)
    return None


def describe(row: TrustedCertificate) -> dict:
    """What the audit log keeps about a certificate."""
    return {"subject": row.subject, "issuer": row.issuer, "serial": row.serial, "fingerprint": row.fingerprint,
            "not_before": row.not_before.isoformat(), "not_after": row.not_after.isoformat()}


def add_certificates(data: bytes, user) -> AddResult:
    """Add the CA certificates of an uploaded file; TrustStoreError when none can be added."""
    certificates = _read(data)
    fingerprints = {c.fingerprint for c in certificates}
    present = dict(db.session.execute(select(TrustedCertificate.fingerprint, TrustedCertificate.active)
                                      .where(TrustedCertificate.fingerprint.in_(fingerprints))).all())
    result = AddResult()
    for certificate in certificates:
        reason = _refusal(certificate, present)
        if reason:
            result.skipped.append(reason)
            continue
        present[certificate.fingerprint] = True  # the same certificate twice in one bundle
        row = TrustedCertificate(
            subject=certificate.subject_text[:1000], issuer=certificate.issuer_text[:1000],
            serial=certificate.serial_hex[:100], fingerprint=certificate.fingerprint,
            not_before=certificate.not_before, not_after=certificate.not_after, der=certificate.der,
            active=True, added_by_id=getattr(user, "id", None), added_at=utcnow())
        db.session.add(row)
        db.session.flush()
        audit.record("trusted_certificate.add", row, summary=row.subject[:500], after=describe(row), actor=user)
        result.added.append(row)
    if not result.added:
        raise TrustStoreError("; ".join(dict.fromkeys(result.skipped)))
    return result


def add_from_upload(stream, user) -> AddResult:
    """«Добавить сертификат»: the uploaded file, read up to its cap, then `add_certificates`."""
    return add_certificates(read_at_most(stream, MAX_FILE_BYTES), user)


def get(certificate_id: int) -> TrustedCertificate | None:
    return db.session.get(TrustedCertificate, certificate_id)


def remove(certificate_id: int, user) -> TrustedCertificate:
    """Delete a certificate from the store: signatures are no longer checked against it."""
    row = _existing(certificate_id)
    audit.record("trusted_certificate.delete", row, summary=row.subject[:500], before=describe(row), actor=user)
    db.session.delete(row)
    db.session.flush()
    return row


def set_active(certificate_id: int, active: bool, user) -> TrustedCertificate:
    """Switch a certificate off (kept, not trusted) or back on."""
    row = _existing(certificate_id)
    if row.active != active:
        row.active = active
        audit.record("trusted_certificate.enable" if active else "trusted_certificate.disable", row,
                     summary=row.subject[:500], before={"active": not active}, after={"active": active}, actor=user)
        db.session.flush()
    return row


def _existing(certificate_id: int) -> TrustedCertificate:
    row = get(certificate_id)
    if row is None:
        raise NotFound()
    return row
