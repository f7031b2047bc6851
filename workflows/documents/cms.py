"""Detached CMS signatures (.sig/.p7s) made by a signer's own tools (C3).

What is checked, for every signer in the file (README «Электронная подпись: что
проверяется» says the same, line by line):
- the file is CMS SignedData (DER, PEM or base64 as CryptoPro writes it), parsed without
  depending on any library knowing the key algorithm (certificates.py);
- the signer's certificate is inside the file;
- the key algorithm is one the portal can verify — RSA, ECDSA, ГОСТ Р 34.10-2012 256/512 —
  and the digest and signature algorithms fit that key (signature_keys.py); anything else
  is refused;
- the document's digest equals the signed messageDigest attribute (or, without signed
  attributes, the signature covers the document itself);
- the signature mathematics over the signed attributes;
- the certificate was valid at the signing time (or now, without one);
- the certificate chain up to a trusted CA when admins uploaded CA certificates (trust.py).
Not checked: revocation (CRL/OCSP) and the signer's powers (МЧД).
"""
import base64
import re
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import cms
from flask_babel import gettext as _

from app.core.errors import Invalid
from workflows.documents import signature_keys, trust
from workflows.documents.certificates import Certificate, parse_certificate


class SignatureRejected(Invalid):
    """The uploaded signature is refused; `message` says why, in words for the signer."""


@dataclass
class SignerDetails:
    name: str
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    digest_algorithm: str
    signature_algorithm: str
    key_algorithm: str
    #: always True: a signature whose mathematics could not be checked is refused
    signature_valid: bool
    identifiers: dict[str, str]
    chain: trust.Chain
    signing_time: datetime | None = None
    #: set by signing.py: the certificate belongs to a representative, not the signer
    representative: bool = False
    certificate: Certificate | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "subject": self.subject, "issuer": self.issuer, "serial": self.serial,
            "not_before": self.not_before.isoformat(), "not_after": self.not_after.isoformat(),
            "digest_algorithm": self.digest_algorithm, "signature_algorithm": self.signature_algorithm,
            "key_algorithm": self.key_algorithm, "signature_valid": self.signature_valid,
            "identifiers": self.identifiers, "chain": self.chain.as_dict(),
            "representative": self.representative,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
        }


def _decode(data: bytes) -> bytes:
    text = data.strip()  # DER may end in bytes that look like whitespace: decode, never strip it
    if text.startswith(b"-----BEGIN"):
        return base64.b64decode(b"".join(line for line in text.splitlines() if not line.startswith(b"-----")))
    if text[:1] != b"\x30" and re.fullmatch(rb"[A-Za-z0-9+/=\s]+", text or b"x"):
        return base64.b64decode(b"".join(text.split()))
    return data


@dataclass
class _SignerInfo:
    sid_kind: str
    issuer: object
    serial: int | None
    key_id: bytes | None
    digest_algorithm: str
    signature_algorithm: str
    signature_parameters: bytes | None
    signature: bytes
    signed_attrs: object


def _read(data: bytes) -> tuple[bytes | None, list[Certificate], list[_SignerInfo]]:
    """The envelope as plain values; ValueError (→ «не является подписью») on any damage."""
    info = cms.ContentInfo.load(_decode(data), strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError("not signed data")
    signed_data = info["content"]
    content = signed_data["encap_content_info"]["content"]
    embedded = None if content.native is None else content.native
    certificates = [parse_certificate(choice.chosen.dump()) for choice in signed_data["certificates"] or []
                    if choice.name == "certificate"]
    signers = []
    for signer_info in signed_data["signer_infos"]:
        sid = signer_info["sid"]
        by_serial = sid.name == "issuer_and_serial_number"
        algorithm = signer_info["signature_algorithm"]
        parameters = algorithm["parameters"]
        signers.append(_SignerInfo(
            sid_kind=sid.name,
            issuer=sid.chosen["issuer"] if by_serial else None,
            serial=sid.chosen["serial_number"].native if by_serial else None,
            key_id=None if by_serial else sid.chosen.native,
            digest_algorithm=signer_info["digest_algorithm"]["algorithm"].dotted,
            signature_algorithm=algorithm["algorithm"].dotted,
            signature_parameters=None if parameters.native is None else parameters.dump(),
            signature=signer_info["signature"].native,
            signed_attrs=signer_info["signed_attrs"],
        ))
    return embedded, certificates, signers


def _find_certificate(certificates: list[Certificate], signer: _SignerInfo) -> Certificate | None:
    for cert in certificates:
        if signer.key_id is not None:
            if cert.subject_key_id == signer.key_id:
                return cert
        elif cert.serial == signer.serial and cert.issuer == signer.issuer:
            return cert
    return None


def _attributes(signed_attrs) -> tuple[bytes | None, datetime | None]:
    message_digest = signing_time = None
    for attr in signed_attrs:
        kind = attr["type"].dotted
        if kind == "1.2.840.113549.1.9.4":
            message_digest = attr["values"][0].native
        elif kind == "1.2.840.113549.1.9.5":
            signing_time = attr["values"][0].native.replace(tzinfo=None)
    return message_digest, signing_time


def _signed_bytes(signer: _SignerInfo, document: bytes) -> tuple[bytes, datetime | None]:
    """What the signature covers: the DER SET OF signed attributes, or the document itself."""
    if signer.signed_attrs.native is None:
        return document, None
    message_digest, signing_time = _attributes(signer.signed_attrs)
    if message_digest is None:
        raise SignatureRejected(_("Подпись не содержит атрибута messageDigest"))
    computed = signature_keys.compute_digest(signer.digest_algorithm, document)
    if message_digest != computed:
        raise SignatureRejected(_("Подпись сделана для другого документа: хэш документа не совпадает"))
    return b"\x31" + signer.signed_attrs.dump()[1:], signing_time


def _check_one(signer: _SignerInfo, certificates: list[Certificate], document: bytes,
               at: datetime | None) -> SignerDetails:
    cert = _find_certificate(certificates, signer)
    if cert is None:
        raise SignatureRejected(_("В подписи нет сертификата подписанта"))
    signature_keys.check_fit(cert.key_algorithm, signer.signature_algorithm, signer.digest_algorithm)
    signed, signing_time = _signed_bytes(signer, document)
    valid = signature_keys.verify(cert.key_algorithm, cert.key_parameters, cert.public_key, cert.spki_der,
                                  signer.signature_algorithm, signer.signature_parameters,
                                  signer.digest_algorithm, signed, signer.signature)
    if not valid:
        raise SignatureRejected(_("Подпись недействительна: проверка подписи не прошла"))
    moment = signing_time or at or datetime.utcnow()
    if not cert.valid_at(moment):
        raise SignatureRejected(_("Срок действия сертификата подписанта истек или еще не наступил "
                                  "(действителен с %(start)s по %(end)s)",
                                  start=cert.not_before.strftime("%d.%m.%Y"), end=cert.not_after.strftime("%d.%m.%Y")))
    return SignerDetails(
        name=cert.person_name, subject=cert.subject_text, issuer=cert.issuer_text, serial=cert.serial_hex,
        not_before=cert.not_before, not_after=cert.not_after,
        digest_algorithm=signature_keys.digest_name(signer.digest_algorithm),
        signature_algorithm=signer.signature_algorithm,
        key_algorithm=signature_keys.key_kind(cert.key_algorithm)[1],
        signature_valid=True, identifiers=cert.identifiers,
        chain=trust.check_chain(cert, certificates, moment), signing_time=signing_time, certificate=cert,
    )


def check_detached(signature_bytes: bytes, document: bytes, *, at: datetime | None = None) -> list[SignerDetails]:
    """Check a detached CMS signature against the document; the signers' details if it fits.

    Raises SignatureRejected with one clear message: not CMS; a signature over another
    document; an unsupported algorithm; a forged signature; an expired certificate.
    """
    try:
        embedded, certificates, signer_infos = _read(signature_bytes)
    except Exception:
        raise SignatureRejected(_("Файл не является электронной подписью в формате CMS (.sig, .p7s)"))
    if embedded is not None and embedded != document:
        raise SignatureRejected(_("Подпись сделана для другого документа"))
    if not signer_infos:
        raise SignatureRejected(_("В файле подписи нет ни одной подписи"))
    try:
        return [_check_one(signer, certificates, document, at) for signer in signer_infos]
    except signature_keys.UnsupportedAlgorithm as exc:
        raise SignatureRejected(exc.message)
