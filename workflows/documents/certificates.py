"""X.509 certificates read without depending on a library knowing their key algorithm.

asn1crypto's `x509.Certificate` refuses to parse a public key whose OID it does not know
(ГОСТ Р 34.10-2012 among them), so a real CryptoPro certificate looked like garbage. Here
the key stays raw bytes beside its algorithm OID; `signature_keys` decides whether it can
verify it. Russian qualified-certificate identifiers (СНИЛС, ОГРН, ОГРНИП, ИНН, ИНН ЮЛ)
are read from the subject.
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import core, x509


class AlgorithmIdentifier(core.Sequence):
    _fields = [("algorithm", core.ObjectIdentifier), ("parameters", core.Any, {"optional": True})]


class SubjectPublicKeyInfo(core.Sequence):
    _fields = [("algorithm", AlgorithmIdentifier), ("public_key", core.OctetBitString)]


class Extension(core.Sequence):
    _fields = [("extn_id", core.ObjectIdentifier), ("critical", core.Boolean, {"default": False}),
               ("extn_value", core.OctetString)]


class Extensions(core.SequenceOf):
    _child_spec = Extension


class TbsCertificate(core.Sequence):
    _fields = [
        ("version", x509.Version, {"explicit": 0, "default": "v1"}),
        ("serial_number", core.Integer),
        ("signature", AlgorithmIdentifier),
        ("issuer", x509.Name),
        ("validity", x509.Validity),
        ("subject", x509.Name),
        ("subject_public_key_info", SubjectPublicKeyInfo),
        ("issuer_unique_id", core.OctetBitString, {"implicit": 1, "optional": True}),
        ("subject_unique_id", core.OctetBitString, {"implicit": 2, "optional": True}),
        ("extensions", Extensions, {"explicit": 3, "optional": True}),
    ]


class RawCertificate(core.Sequence):
    _fields = [("tbs_certificate", TbsCertificate), ("signature_algorithm", AlgorithmIdentifier),
               ("signature_value", core.OctetBitString)]


class BasicConstraints(core.Sequence):
    _fields = [("ca", core.Boolean, {"default": False}), ("path_len_constraint", core.Integer, {"optional": True})]


class AuthorityKeyIdentifier(core.Sequence):
    _fields = [("key_identifier", core.OctetString, {"implicit": 0, "optional": True}),
               ("authority_cert_issuer", core.Any, {"implicit": 1, "optional": True}),
               ("authority_cert_serial_number", core.Integer, {"implicit": 2, "optional": True})]


#: Russian qualified-certificate identifiers in the subject (Приказ ФСБ № 795): OID → label
IDENTIFIER_OIDS = {
    "1.2.643.100.3": "СНИЛС",
    "1.2.643.100.1": "ОГРН",
    "1.2.643.100.5": "ОГРНИП",
    "1.2.643.3.131.1.1": "ИНН",
    "1.2.643.100.4": "ИНН ЮЛ",
}


@dataclass
class Certificate:
    """One certificate with everything the checks need, as plain values."""

    der: bytes
    tbs_der: bytes
    subject: x509.Name
    issuer: x509.Name
    serial: int
    not_before: datetime
    not_after: datetime
    key_algorithm: str
    key_parameters: bytes | None
    public_key: bytes
    spki_der: bytes
    signature_algorithm: str
    signature_parameters: bytes | None
    signature: bytes
    subject_key_id: bytes | None
    authority_key_id: bytes | None
    is_ca: bool | None

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    @property
    def self_issued(self) -> bool:
        return self.subject == self.issuer

    def valid_at(self, moment: datetime) -> bool:
        return self.not_before <= moment <= self.not_after

    @property
    def subject_text(self) -> str:
        return describe_name(self.subject)

    @property
    def issuer_text(self) -> str:
        return describe_name(self.issuer)

    @property
    def serial_hex(self) -> str:
        return format(self.serial, "X")

    @property
    def person_name(self) -> str:
        """«Фамилия Имя Отчество» as CryptoPro certificates carry it (SN + G), else the CN."""
        values = _subject_values(self.subject)
        person = " ".join(v for v in (values.get("2.5.4.4"), values.get("2.5.4.42")) if v)
        return person or values.get("2.5.4.3") or self.subject_text

    @property
    def identifiers(self) -> dict[str, str]:
        """{«СНИЛС»: …, «ОГРН»: …} — digits only, as present in the subject."""
        values = _subject_values(self.subject)
        found = {}
        for oid, label in IDENTIFIER_OIDS.items():
            digits = "".join(ch for ch in values.get(oid, "") if ch.isdigit())
            if digits:
                found[label] = digits
        # old certificates put a legal entity's ИНН (10 digits) into the ИНН field with leading zeros
        inn = found.get("ИНН")
        if inn and len(inn) == 12 and inn.startswith("00") and "ИНН ЮЛ" not in found:
            found["ИНН ЮЛ"] = inn[2:]
            del found["ИНН"]
        return found


def _subject_values(name: x509.Name) -> dict[str, str]:
    values = {}
    for rdn in name.chosen:
        for attribute in rdn:
            try:
                value = attribute["value"].native
            except Exception:  # an attribute type whose value asn1crypto cannot read: skip it
                continue
            if isinstance(value, str):
                values.setdefault(attribute["type"].dotted, value)
    return values


def describe_name(name: x509.Name) -> str:
    try:
        return name.human_friendly
    except Exception:
        return ", ".join(f"{k}={v}" for k, v in _subject_values(name).items())


def _extension_values(tbs: TbsCertificate) -> dict[str, bytes]:
    found = {}
    extensions = tbs["extensions"]
    if isinstance(extensions, core.Void):
        return found
    for extension in extensions:
        found[extension["extn_id"].dotted] = extension["extn_value"].native
    return found


def _raw(value) -> bytes | None:
    return None if isinstance(value, core.Void) else value.dump()


def parse_certificate(der: bytes) -> Certificate:
    """Read a DER certificate of any key algorithm; ValueError if it is not one."""
    try:
        raw = RawCertificate.load(der, strict=True)
        tbs = raw["tbs_certificate"]
        spki = tbs["subject_public_key_info"]
        extensions = _extension_values(tbs)
        ski = core.OctetString.load(extensions["2.5.29.14"]).native if "2.5.29.14" in extensions else None
        aki = (AuthorityKeyIdentifier.load(extensions["2.5.29.35"])["key_identifier"].native
               if "2.5.29.35" in extensions else None)
        is_ca = BasicConstraints.load(extensions["2.5.29.19"])["ca"].native if "2.5.29.19" in extensions else None
        validity = tbs["validity"]
        return Certificate(
            der=der, tbs_der=tbs.dump(), subject=tbs["subject"], issuer=tbs["issuer"],
            serial=tbs["serial_number"].native,
            not_before=validity["not_before"].native.replace(tzinfo=None),
            not_after=validity["not_after"].native.replace(tzinfo=None),
            key_algorithm=spki["algorithm"]["algorithm"].dotted,
            key_parameters=_raw(spki["algorithm"]["parameters"]),
            public_key=spki["public_key"].native, spki_der=spki.dump(),
            signature_algorithm=raw["signature_algorithm"]["algorithm"].dotted,
            signature_parameters=_raw(raw["signature_algorithm"]["parameters"]),
            signature=raw["signature_value"].native,
            subject_key_id=ski, authority_key_id=aki, is_ca=is_ca,
        )
    except ValueError:
        raise
    except Exception as exc:  # asn1crypto raises several types for broken input
        raise ValueError(f"not a certificate: {exc}") from exc


def load_certificates(data: bytes) -> list[Certificate]:
    """Certificates from an uploaded file: DER, PEM (one or several) or base64 DER; a
    PKCS#7 bundle (.p7b) gives all certificates it carries."""
    import base64
    import re

    text = data.strip()
    blobs = []
    if b"-----BEGIN" in text:
        for block in re.findall(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", text, re.S):
            blobs.append(base64.b64decode(b"".join(block[1].split())))
    elif text[:1] == b"\x30":
        blobs.append(data)
    elif re.fullmatch(rb"[A-Za-z0-9+/=\s]+", text or b"x"):
        blobs.append(base64.b64decode(b"".join(text.split())))
    certificates = []
    for blob in blobs:
        try:
            certificates.append(parse_certificate(blob))
        except ValueError:
            certificates.extend(_bundle(blob))
    if not certificates:
        raise ValueError("no certificate in the file")
    return certificates


def _bundle(blob: bytes) -> list[Certificate]:
    from asn1crypto import cms

    info = cms.ContentInfo.load(blob, strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError("not a certificate bundle")
    return [parse_certificate(choice.chosen.dump()) for choice in info["content"]["certificates"] or []
            if choice.name == "certificate"]
