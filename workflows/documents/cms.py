"""Detached CMS signatures (.sig/.p7s) made by a signer's own tools (C3), parsed with asn1crypto.

What is checked: the file is CMS SignedData (DER, PEM or base64 as CryptoPro writes it);
each signer's certificate is inside; the signed attribute messageDigest equals the digest
of the document (SHA-1/2 via hashlib, GOST R 34.11-2012 «Стрибог» via gostcrypto); for
RSA and ECDSA keys the signature over the signed attributes is verified with
`cryptography`. What is not checked: GOST R 34.10 signature mathematics, the certificate
chain up to an accredited CA, revocation (CRL/OCSP), qualified status. See README.
"""
import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import cms, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from flask_babel import gettext as _

#: digest algorithm name (asn1crypto) → function computing it over bytes
_GOST_DIGESTS = {
    "1.2.643.7.1.1.2.2": "streebog256",
    "1.2.643.7.1.1.2.3": "streebog512",
}
_HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
           "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class SignatureRejected(ValueError):
    """The uploaded signature is refused; `message` says why, in words for the signer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
    #: True verified, None not verifiable here (GOST R 34.10)
    signature_valid: bool | None
    signing_time: datetime | None = None
    #: the certificate was valid at the signing time (or now, without one)
    certificate_valid_then: bool = True
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "subject": self.subject, "issuer": self.issuer, "serial": self.serial,
            "not_before": self.not_before.isoformat(), "not_after": self.not_after.isoformat(),
            "digest_algorithm": self.digest_algorithm, "signature_algorithm": self.signature_algorithm,
            "signature_valid": self.signature_valid,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
        }


def _load(data: bytes) -> cms.ContentInfo:
    raw = data  # DER may end in bytes that look like whitespace: never strip it
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        raw = base64.b64decode(b"".join(line for line in text.splitlines() if not line.startswith(b"-----")))
    elif text[:1] != b"\x30" and re.fullmatch(rb"[A-Za-z0-9+/=\s]+", text or b"x"):
        raw = base64.b64decode(b"".join(text.split()))
    info = cms.ContentInfo.load(raw, strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError("not signed data")
    info["content"].native  # parse everything now: a broken file fails here, not later
    return info


def digest(algorithm: str, dotted: str, data: bytes) -> bytes:
    if dotted in _GOST_DIGESTS:
        import gostcrypto

        return bytes(gostcrypto.gosthash.new(_GOST_DIGESTS[dotted], data=data).digest())
    try:
        return hashlib.new(algorithm, data).digest()
    except (ValueError, TypeError):
        raise SignatureRejected(_("Алгоритм хэширования подписи не поддерживается: %(name)s", name=algorithm))


def _name(cert: x509.Certificate) -> str:
    subject = cert.subject.native
    parts = [subject.get("surname"), subject.get("given_name")]
    person = " ".join(p for p in parts if p)
    return person or subject.get("common_name") or cert.subject.human_friendly


def _find_certificate(signed_data, sid) -> x509.Certificate | None:
    for choice in signed_data["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            if (cert.issuer == sid.chosen["issuer"]
                    and cert.serial_number == sid.chosen["serial_number"].native):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def _verify_signature(cert: x509.Certificate, signer_info, signed_bytes: bytes) -> bool | None:
    """Verify RSA/ECDSA signatures with `cryptography`; None where we cannot (GOST)."""
    from cryptography import x509 as cx509

    algorithm = signer_info["digest_algorithm"]["algorithm"].native
    hash_cls = _HASHES.get(algorithm)
    if hash_cls is None:
        return None
    try:
        public_key = cx509.load_der_x509_certificate(cert.dump()).public_key()
    except ValueError:
        return None  # e.g. a GOST key that cryptography does not know
    signature = signer_info["signature"].native
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            if signer_info["signature_algorithm"].signature_algo == "rsassa_pss":
                return None
            public_key.verify(signature, signed_bytes, padding.PKCS1v15(), hash_cls())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, signed_bytes, ec.ECDSA(hash_cls()))
        else:
            return None
    except InvalidSignature:
        return False
    return True


def check_detached(signature_bytes: bytes, document: bytes, *, at: datetime | None = None) -> list[SignerDetails]:
    """Check a detached CMS signature against the document; the signers' details if it fits.

    Raises SignatureRejected with a clear message for garbage, a signature over another
    document, a broken signature or an expired certificate.
    """
    try:
        info = _load(signature_bytes)
    except Exception:
        raise SignatureRejected(_("Файл не является электронной подписью в формате CMS (.sig, .p7s)"))
    signed_data = info["content"]
    content = signed_data["encap_content_info"]["content"]
    if content.native is not None and content.native != document:
        raise SignatureRejected(_("Подпись сделана для другого документа"))
    signers = []
    for signer_info in signed_data["signer_infos"]:
        cert = _find_certificate(signed_data, signer_info["sid"])
        if cert is None:
            raise SignatureRejected(_("В подписи нет сертификата подписанта"))
        algorithm = signer_info["digest_algorithm"]["algorithm"]
        computed = digest(algorithm.native, algorithm.dotted, document)
        attrs = signer_info["signed_attrs"]
        signing_time = None
        if attrs.native is None:
            raise SignatureRejected(_("Подпись не содержит подписанных атрибутов (messageDigest)"))
        message_digest = None
        for attr in attrs:
            kind = attr["type"].native
            if kind == "message_digest":
                message_digest = attr["values"][0].native
            elif kind == "signing_time":
                signing_time = attr["values"][0].native.replace(tzinfo=None)
        if message_digest != computed:
            raise SignatureRejected(_("Подпись сделана для другого документа: хэш документа не совпадает"))
        # the signature covers the DER of the signed attributes as a SET OF
        signed_bytes = b"\x31" + attrs.dump()[1:]
        valid = _verify_signature(cert, signer_info, signed_bytes)
        if valid is False:
            raise SignatureRejected(_("Подпись недействительна: проверка подписи не прошла"))
        validity = cert["tbs_certificate"]["validity"]
        not_before = validity["not_before"].native.replace(tzinfo=None)
        not_after = validity["not_after"].native.replace(tzinfo=None)
        moment = signing_time or at or datetime.utcnow()
        valid_then = not_before <= moment <= not_after
        if not valid_then:
            raise SignatureRejected(_("Срок действия сертификата подписанта истек или еще не наступил "
                                      "(действителен с %(start)s по %(end)s)",
                                      start=not_before.strftime("%d.%m.%Y"), end=not_after.strftime("%d.%m.%Y")))
        signers.append(SignerDetails(
            name=_name(cert),
            subject=cert.subject.human_friendly,
            issuer=cert.issuer.human_friendly,
            serial=format(cert.serial_number, "X"),
            not_before=not_before,
            not_after=not_after,
            digest_algorithm=algorithm.native,
            signature_algorithm=signer_info["signature_algorithm"]["algorithm"].native,
            signature_valid=valid,
            signing_time=signing_time,
            certificate_valid_then=valid_then,
        ))
    if not signers:
        raise SignatureRejected(_("В файле подписи нет ни одной подписи"))
    return signers
