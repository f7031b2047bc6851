"""A small test PKI made with `cryptography`: root and intermediate CAs, certificates of
consumers carrying the Russian identifiers (ОГРНИП, ИНН), and detached CMS signatures."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

OGRNIP = x509.ObjectIdentifier("1.2.643.100.5")
INN = x509.ObjectIdentifier("1.2.643.3.131.1.1")


@dataclass
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def _build(subject: x509.Name, issuer: "Issued | None", *, ca: bool, days: int, not_before_days: int) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(timezone.utc)
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder().subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=not_before_days)).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), critical=False)
    )
    return Issued(builder.sign(signer_key, hashes.SHA256()), key)


def make_ca(name: str, issuer: Issued | None = None, *, days: int = 3650, not_before_days: int = -1) -> Issued:
    """A CA certificate (BasicConstraints ca=True): a root when `issuer` is None."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, name)])
    return _build(subject, issuer, ca=True, days=days, not_before_days=not_before_days)


def make_person(issuer: Issued, *, surname: str = "Туксин", given: str = "Артем Александрович",
                ogrnip: str | None = None, inn: str | None = None, days: int = 365) -> Issued:
    """An end-entity certificate of an ИП as a qualified certificate names one."""
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, f"{surname} {given}"),
                  x509.NameAttribute(NameOID.SURNAME, surname), x509.NameAttribute(NameOID.GIVEN_NAME, given)]
    if ogrnip:
        attributes.append(x509.NameAttribute(OGRNIP, ogrnip, _type=_ASN1Type.NumericString))
    if inn:
        attributes.append(x509.NameAttribute(INN, inn, _type=_ASN1Type.NumericString))
    return _build(x509.Name(attributes), issuer, ca=False, days=days, not_before_days=-1)


def for_consumer(issuer: Issued, user) -> Issued:
    """A certificate naming this ИП consumer by ОГРНИП and ИНН."""
    consumer = user.consumer
    return make_person(issuer, ogrnip=consumer.ogrnip, inn=consumer.inn)


def pem_bundle(*certificates: Issued) -> bytes:
    return b"".join(c.pem for c in certificates)


def detached_cms(document: bytes, signer: Issued, *, extra: tuple[Issued, ...] = ()) -> bytes:
    """A detached CMS signature (DER) by `signer`, carrying `extra` certificates (e.g. the intermediate)."""
    builder = pkcs7.PKCS7SignatureBuilder().set_data(document).add_signer(signer.cert, signer.key, hashes.SHA256())
    for certificate in extra:
        builder = builder.add_certificate(certificate.cert)
    return builder.sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
