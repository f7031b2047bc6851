"""C3: signatures a real third-party tool made — OpenSSL, with the gost engine for ГОСТ Р
34.10-2012 — accepted when genuine and refused when forged, through the signing workflow."""
import pytest

from app.extensions import db
from app.core.files import read_stored
from app.models import TrustedCertificate
from app.core.settings import set_setting
from tests.documents.openssl_tool import OPENSSL, Signer, needs_gost, subject
from workflows.documents import signing
from workflows.documents.certificates import parse_certificate
from workflows.documents.signing import SigningError

pytestmark = pytest.mark.skipif(OPENSSL is None, reason="!!! SKIPPED LOUDLY: the openssl command is missing")


def own_subject(user, **extra) -> str:
    consumer = user.consumer
    return subject(ogrnip=consumer.ogrnip, inn=consumer.inn, **extra)


def sign_as_consumer(attachment, user, signature: bytes):
    return signing.sign_with_cms(attachment, user, signature, "Договор.pdf.sig")


@pytest.mark.parametrize("kind, key_name, digest_name", [
    pytest.param("gost256", "ГОСТ Р 34.10-2012 (256 бит)", "ГОСТ Р 34.11-2012 (256 бит)", marks=needs_gost),
    pytest.param("gost256-tc26a", "ГОСТ Р 34.10-2012 (256 бит)", "ГОСТ Р 34.11-2012 (256 бит)", marks=needs_gost),
    pytest.param("gost512", "ГОСТ Р 34.10-2012 (512 бит)", "ГОСТ Р 34.11-2012 (512 бит)", marks=needs_gost),
    ("rsa", "RSA", "SHA-256"),
    ("rsa-pss", "RSA", "SHA-256"),
    ("ec", "ECDSA", "SHA-256"),
])
def test_real_signature_is_accepted_and_its_maths_checked(people, ip_contract, tmp_path, kind, key_name, digest_name):
    signer = Signer(tmp_path, kind, own_subject(people.entrepreneur, snils="11223344595"))
    signature, signers = sign_as_consumer(ip_contract, people.entrepreneur,
                                          signer.sign(read_stored(ip_contract.file)))
    db.session.commit()
    details = signers[0]
    assert details.signature_valid is True
    assert (details.key_algorithm, details.digest_algorithm) == (key_name, digest_name)
    assert details.name == "Туксин Артем Александрович"
    assert details.identifiers == {"ОГРНИП": people.entrepreneur.consumer.ogrnip,
                                   "ИНН": people.entrepreneur.consumer.inn, "СНИЛС": "11223344595"}
    assert signing.is_fully_signed(ip_contract)
    assert signature.evidence["cms"]["signers"][0]["key_algorithm"] == key_name


@needs_gost
def test_gost_signature_without_signed_attributes_is_checked_over_the_document(people, ip_contract, tmp_path):
    signer = Signer(tmp_path, "gost256", own_subject(people.entrepreneur))
    document = read_stored(ip_contract.file)
    with pytest.raises(SigningError, match="Подпись недействительна"):
        sign_as_consumer(ip_contract, people.entrepreneur, signer.sign(document + b"x", no_attributes=True))
    sign_as_consumer(ip_contract, people.entrepreneur, signer.sign(document, no_attributes=True))


@pytest.mark.parametrize("kind", [pytest.param("gost256", marks=needs_gost), pytest.param("gost512", marks=needs_gost),
                                  "rsa", "rsa-pss", "ec"])
def test_changed_signature_bytes_are_refused(people, ip_contract, tmp_path, kind):
    signer = Signer(tmp_path, kind, own_subject(people.entrepreneur))
    forged = bytearray(signer.sign(read_stored(ip_contract.file)))
    forged[-3] ^= 0x01  # the signature value is the last field of the file
    with pytest.raises(SigningError, match="Подпись недействительна"):
        sign_as_consumer(ip_contract, people.entrepreneur, bytes(forged))
    assert signing.awaiting_side(ip_contract) == "consumer"


@pytest.mark.parametrize("kind", [pytest.param("gost256", marks=needs_gost), "rsa"])
def test_swapped_in_certificate_with_a_copied_digest_is_refused(people, ip_contract, tmp_path, kind):
    """The attacker signs with their own key and puts the victim's certificate in the file:
    the messageDigest (copied) matches the document, the signature does not match the key."""
    from asn1crypto import cms as acms, x509 as ax509

    from workflows.documents.certificates import RawCertificate

    document = read_stored(ip_contract.file)
    victim = Signer(tmp_path / "victim", kind, own_subject(people.entrepreneur))
    attacker = Signer(tmp_path / "attacker", kind, subject(surname="Злоумышленников", given="Иван"))
    info = acms.ContentInfo.load(attacker.sign(document))
    victim_der = victim.certificate_der()
    tbs = RawCertificate.load(victim_der)["tbs_certificate"]
    signed_data = info["content"]
    signed_data["certificates"] = acms.CertificateSet.load(_set_of(victim_der))
    signed_data["signer_infos"][0]["sid"] = acms.SignerIdentifier({"issuer_and_serial_number": {
        "issuer": ax509.Name.load(tbs["issuer"].dump()), "serial_number": tbs["serial_number"].native}})
    with pytest.raises(SigningError, match="Подпись недействительна"):
        sign_as_consumer(ip_contract, people.entrepreneur, info.dump())


def _set_of(der: bytes) -> bytes:
    from asn1crypto.core import _dump_header

    return _dump_header(0, True, 17, der) + der


def ed25519_signature(signer: Signer, document: bytes) -> bytes:
    """A genuine Ed25519 CMS signature (RFC 8419) with openssl's Ed25519 certificate: OpenSSL 3.0's
    `cms -sign` cannot make one, so the envelope is assembled here and signed with the real key."""
    import hashlib
    from datetime import datetime, timezone

    from asn1crypto import cms as acms, x509 as ax509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    certificate = ax509.Certificate.load(signer.certificate_der())
    attrs = acms.CMSAttributes([
        acms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        acms.CMSAttribute({"type": "signing_time", "values": [acms.Time({"utc_time": datetime.now(timezone.utc)})]}),
        acms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha512(document).digest()]}),
    ])
    key = load_pem_private_key(signer.key.read_bytes(), None)
    value = key.sign(b"\x31" + attrs.dump()[1:])
    digest = {"algorithm": "sha512"}
    signer_info = {"version": "v1", "digest_algorithm": digest, "signed_attrs": attrs,
                   "sid": {"issuer_and_serial_number": {"issuer": certificate.issuer,
                                                        "serial_number": certificate.serial_number}},
                   "signature_algorithm": {"algorithm": "ed25519"}, "signature": value}
    signed = acms.SignedData({"version": "v1", "digest_algorithms": [digest], "certificates": [certificate],
                              "encap_content_info": {"content_type": "data"}, "signer_infos": [signer_info]})
    return acms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def test_unsupported_key_algorithm_is_refused_not_accepted_unchecked(people, ip_contract, tmp_path):
    signer = Signer(tmp_path, "ed25519", own_subject(people.entrepreneur))
    with pytest.raises(SigningError) as error:
        sign_as_consumer(ip_contract, people.entrepreneur, ed25519_signature(signer, read_stored(ip_contract.file)))
    assert error.value.message.startswith("Алгоритм ключа сертификата не поддерживается: Ed25519")
    assert not signing.is_fully_signed(ip_contract)


@needs_gost
def test_gost_certificate_of_another_entrepreneur_is_refused(people, ip_contract, tmp_path):
    signer = Signer(tmp_path, "gost256", subject(ogrnip="304500116000157"))
    with pytest.raises(SigningError, match="Сертификат выдан другому лицу.*ОГРНИП 304500116000157"):
        sign_as_consumer(ip_contract, people.entrepreneur, signer.sign(read_stored(ip_contract.file)))


@pytest.fixture
def gost_pki(tmp_path):
    """A ГОСТ root (256) → intermediate (512) → leaf chain made by openssl."""
    root = Signer(tmp_path / "root", "gost256", "/CN=Тестовый корневой УЦ/O=Минцифры", ca=True, days=3650)
    intermediate = Signer(tmp_path / "ca", "gost512", "/CN=Тестовый УЦ ФНС/O=ФНС", ca=True, issuer=root)
    return root, intermediate


def trust(signer: Signer) -> None:
    cert = parse_certificate(signer.certificate_der())
    db.session.add(TrustedCertificate(subject=cert.subject_text, issuer=cert.issuer_text, serial=cert.serial_hex,
                                      fingerprint=cert.fingerprint, not_before=cert.not_before,
                                      not_after=cert.not_after, der=cert.der))
    db.session.commit()


@needs_gost
def test_chain_up_to_a_trusted_root_is_checked(people, ip_contract, tmp_path, gost_pki):
    root, intermediate = gost_pki
    trust(root)
    leaf = Signer(tmp_path / "leaf", "gost256", own_subject(people.entrepreneur), issuer=intermediate)
    document = read_stored(ip_contract.file)
    _, signers = sign_as_consumer(ip_contract, people.entrepreneur, leaf.sign(document, extra_certs=[intermediate]))
    assert signers[0].chain.status == "trusted"
    assert signers[0].chain.message.startswith("Сертификат выдан доверенным УЦ")


@needs_gost
def test_chain_without_the_intermediate_says_why_and_may_be_required(people, ip_contract, tmp_path, gost_pki):
    root, intermediate = gost_pki
    trust(root)
    leaf = Signer(tmp_path / "leaf", "gost256", own_subject(people.entrepreneur), issuer=intermediate)
    stranger_root = Signer(tmp_path / "other", "gost256", "/CN=Чужой УЦ", ca=True)
    document = read_stored(ip_contract.file)
    set_setting("signature_require_trusted_chain", True)
    db.session.commit()
    with pytest.raises(SigningError, match="не найден сертификат издателя «.*Тестовый УЦ ФНС"):
        sign_as_consumer(ip_contract, people.entrepreneur, leaf.sign(document))
    forged_ca = Signer(tmp_path / "fake", "gost512", "/CN=Тестовый УЦ ФНС/O=ФНС", ca=True, issuer=stranger_root)
    with pytest.raises(SigningError, match="Сертификат не выдан доверенным УЦ"):
        sign_as_consumer(ip_contract, people.entrepreneur, leaf.sign(document, extra_certs=[forged_ca]))
    assert not signing.is_fully_signed(ip_contract)


def test_without_a_store_the_chain_is_said_to_be_unchecked(people, ip_contract, tmp_path):
    signer = Signer(tmp_path, "rsa", own_subject(people.entrepreneur))
    _, signers = sign_as_consumer(ip_contract, people.entrepreneur, signer.sign(read_stored(ip_contract.file)))
    assert signers[0].chain.status == "not_checked"
    assert "Цепочка сертификатов не проверялась" in signers[0].chain.message


def test_trusted_chain_required_with_an_empty_store_refuses(people, ip_contract, tmp_path):
    set_setting("signature_require_trusted_chain", True)
    db.session.commit()
    signer = Signer(tmp_path, "rsa", own_subject(people.entrepreneur))
    with pytest.raises(SigningError, match="Цепочка сертификатов не проверялась"):
        sign_as_consumer(ip_contract, people.entrepreneur, signer.sign(read_stored(ip_contract.file)))
