"""C3/C5: two-sided signing — order, ПЭП by SMS, CMS from the signer's tools, evidence, locking."""
import json
from datetime import timedelta

import pytest
import time_machine

from app.extensions import db
from app.core.files import read_stored
from app.models import ApplicationEvent, Signature
from app.security.roles import ADMIN
from tests.documents.conftest import attach, detached_signature, ids_of, make_application, make_certificate, sms_code
from workflows.documents import evidence, signature_keys, signing
from workflows.documents.signing import SigningError


@pytest.fixture
def contract(people, application):
    attachment = attach(application, two_sided=True, author=people.staff)
    db.session.commit()
    return attachment


def test_organization_signs_first(people, contract):
    assert signing.awaiting_side(contract) == "organization"
    with pytest.raises(SigningError, match="Ожидается подписание документа со стороны"):
        signing.request_pep_code(contract, people.owner)
    signature = signing.sign_as_organization(contract, people.staff)
    db.session.commit()
    assert signature.side == "organization" and signature.document_sha256 == contract.file.sha256
    assert signing.awaiting_side(contract) == "consumer"
    with pytest.raises(SigningError, match="уже подписан"):
        signing.sign_as_organization(contract, people.staff)


def test_only_signing_right_signs_for_the_organization(people, contract, ctx):
    with pytest.raises(SigningError, match="нет права"):
        signing.sign_as_organization(contract, people.owner)
    from tests.factories import make_staff

    admin = make_staff(ADMIN)
    assert signing.sign_as_organization(contract, admin).signer_id == admin.id


def test_staff_with_totp_must_confirm(people, contract):
    import pyotp

    people.staff.totp_secret = pyotp.random_base32()
    people.staff.totp_enabled = True
    db.session.commit()
    with pytest.raises(SigningError, match="аутентификатора"):
        signing.sign_as_organization(contract, people.staff, totp_code="000000")
    signature = signing.sign_as_organization(contract, people.staff,
                                             totp_code=pyotp.TOTP(people.staff.totp_secret).now())
    assert signature.evidence["confirmation"] == "totp"


def test_pep_flow_with_wrong_code_expiry_and_attempts(app, people, contract, sent):
    signing.sign_as_organization(contract, people.staff)
    db.session.commit()
    owner = people.owner
    signing.request_pep_code(contract, owner)
    db.session.commit()
    code = sms_code(sent, owner.phone)
    with pytest.raises(SigningError, match="Неверный код"):
        signing.confirm_pep(contract, owner, "000000" if code != "000000" else "111111")
    db.session.commit()
    signature = signing.confirm_pep(contract, owner, code)
    db.session.commit()
    assert signature.method == "pep_sms" and signature.side == "consumer"
    pep = signature.evidence["pep"]
    assert pep["phone"].endswith(owner.phone[-2:]) and owner.phone not in json.dumps(signature.evidence)
    assert pep["code_sent_at"] <= pep["code_confirmed_at"]
    assert signing.is_fully_signed(contract)
    assert db.session.query(ApplicationEvent).filter_by(kind="signature").count() == 2


def test_pep_code_expires(app, people, contract, sent):
    signing.sign_as_organization(contract, people.staff)
    signing.request_pep_code(contract, people.owner)
    db.session.commit()
    code = sms_code(sent, people.owner.phone)
    with time_machine.travel(timedelta(seconds=app.config["CODE_TTL_SECONDS"] + 5)):
        with pytest.raises(SigningError, match="Срок действия кода истек. Повторите попытку!"):
            signing.confirm_pep(contract, people.owner, code)
    assert not signing.is_fully_signed(contract)


def test_pep_attempts_are_limited(app, people, contract, sent):
    signing.sign_as_organization(contract, people.staff)
    signing.request_pep_code(contract, people.owner)
    db.session.commit()
    code = sms_code(sent, people.owner.phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(app.config["CODE_MAX_ATTEMPTS"] - 1):
        with pytest.raises(SigningError):
            signing.confirm_pep(contract, people.owner, wrong)
        db.session.commit()
    with pytest.raises(SigningError, match="Превышено количество попыток"):
        signing.confirm_pep(contract, people.owner, wrong)
    db.session.commit()
    with pytest.raises(SigningError, match="Превышено количество попыток"):
        signing.confirm_pep(contract, people.owner, code)
    assert db.session.query(Signature).filter_by(side="consumer").count() == 0


def test_pep_only_for_the_applicant_and_only_for_individuals(people, contract):
    signing.sign_as_organization(contract, people.staff)
    with pytest.raises(SigningError, match="только заявитель"):
        signing.request_pep_code(contract, people.other)
    ip_application = make_application(people.entrepreneur)
    ip_contract = attach(ip_application, two_sided=True)
    signing.sign_as_organization(ip_contract, people.staff)
    with pytest.raises(SigningError, match="правовой формы"):
        signing.request_pep_code(ip_contract, people.entrepreneur)


@pytest.mark.parametrize("key_type, encoding", [("rsa", "der"), ("ec", "pem")])
def test_cms_signature_over_the_document_is_accepted(people, ip_contract, key_type, encoding):
    cert, key = make_certificate(key_type=key_type, ids=ids_of(people.entrepreneur))
    sig = detached_signature(read_stored(ip_contract.file), cert, key, encoding)
    signature, signers = signing.sign_with_cms(ip_contract, people.entrepreneur, sig, "Договор ТП.pdf.sig")
    db.session.commit()
    assert signers[0].name == "Туксин Артем Александрович"
    assert signers[0].serial == "1A2B3C4D" and "Тестовый УЦ" in signers[0].issuer
    assert signers[0].signature_valid is True
    assert signers[0].identifiers["ОГРНИП"] == people.entrepreneur.consumer.ogrnip
    assert signature.cms_file.sha256 and signature.evidence["cms"]["signers"][0]["serial"] == "1A2B3C4D"
    assert signature.evidence["cms"]["signers"][0]["chain"]["status"] == "not_checked"
    assert signing.is_fully_signed(ip_contract)


def test_cms_in_base64_as_cryptopro_writes_it(people, ip_contract):
    import base64

    cert, key = make_certificate(ids=ids_of(people.entrepreneur))
    sig = base64.encodebytes(detached_signature(read_stored(ip_contract.file), cert, key))
    signing.sign_with_cms(ip_contract, people.entrepreneur, sig, "x.sig")


def test_cms_over_another_document_is_refused(people, ip_contract):
    cert, key = make_certificate(ids=ids_of(people.entrepreneur))
    sig = detached_signature(b"another document", cert, key)
    with pytest.raises(SigningError, match="Подпись сделана для другого документа"):
        signing.sign_with_cms(ip_contract, people.entrepreneur, sig, "x.sig")
    assert signing.awaiting_side(ip_contract) == "consumer"


@pytest.mark.parametrize("garbage", [b"", b"hello", b"\x30\x03\x02\x01\x01", b"-----BEGIN PKCS7-----\nAAAA\n-----END PKCS7-----"])
def test_garbage_signature_is_refused_with_a_message(people, ip_contract, garbage):
    with pytest.raises(SigningError) as error:
        signing.sign_with_cms(ip_contract, people.entrepreneur, garbage, "x.sig")
    assert error.value.message in ("Выберите файл подписи",
                                   "Файл не является электронной подписью в формате CMS (.sig, .p7s)")


def test_expired_certificate_is_refused(people, ip_contract):
    cert, key = make_certificate(days_valid=-1, not_before_days=-30, ids=ids_of(people.entrepreneur))
    sig = detached_signature(read_stored(ip_contract.file), cert, key)
    with pytest.raises(SigningError, match="Срок действия сертификата"):
        signing.sign_with_cms(ip_contract, people.entrepreneur, sig, "x.sig")


def test_tampered_cms_signature_fails_verification(people, ip_contract):
    cert, key = make_certificate(ids=ids_of(people.entrepreneur))
    sig = bytearray(detached_signature(read_stored(ip_contract.file), cert, key))
    sig[-5] ^= 0x01  # inside the RSA signature value
    with pytest.raises(SigningError, match="Подпись недействительна"):
        signing.sign_with_cms(ip_contract, people.entrepreneur, bytes(sig), "x.sig")
    assert signing.awaiting_side(ip_contract) == "consumer"


def test_gost_digest_matches_the_standard_vector():
    message = b"012345678901234567890123456789012345678901234567890123456789012"  # ГОСТ Р 34.11-2012, пример 1
    assert signature_keys.compute_digest(signature_keys.STREEBOG_256, message).hex() == \
        "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"


def signature_with_algorithms(document: bytes, cert, *, digest_oid: str, signature_oid: str,
                              signature: bytes, message_digest: bytes | None = None) -> bytes:
    """A CMS SignedData assembled by hand around `cert`, for algorithm combinations no tool makes."""
    from datetime import datetime, timezone

    from asn1crypto import algos, cms as acms, x509 as ax509
    from cryptography.hazmat.primitives import serialization

    certificate = ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    digest_algorithm = algos.DigestAlgorithm({"algorithm": digest_oid})
    message_digest = message_digest or signature_keys.compute_digest(digest_oid, document)
    attrs = acms.CMSAttributes([
        acms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        acms.CMSAttribute({"type": "signing_time", "values": [acms.Time({"utc_time": datetime.now(timezone.utc)})]}),
        acms.CMSAttribute({"type": "message_digest", "values": [message_digest]}),
    ])
    signer = acms.SignerInfo({
        "version": "v1",
        "sid": acms.SignerIdentifier({"issuer_and_serial_number": acms.IssuerAndSerialNumber(
            {"issuer": certificate.issuer, "serial_number": certificate.serial_number})}),
        "digest_algorithm": digest_algorithm, "signed_attrs": attrs,
        "signature_algorithm": acms.SignedDigestAlgorithm({"algorithm": signature_oid}),
        "signature": signature,
    })
    signed = acms.SignedData({
        "version": "v1", "digest_algorithms": [digest_algorithm], "encap_content_info": {"content_type": "data"},
        "certificates": [certificate], "signer_infos": [signer],
    })
    return acms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def test_gost_digest_under_an_rsa_key_is_refused(people, ip_contract):
    """The old portal accepted a Стрибог digest under any key and left the maths unchecked."""
    cert, _ = make_certificate(ids=ids_of(people.entrepreneur))
    forged = signature_with_algorithms(read_stored(ip_contract.file), cert, digest_oid=signature_keys.STREEBOG_256,
                                       signature_oid="1.2.643.7.1.1.1.1", signature=b"\x01" * 64)
    with pytest.raises(SigningError, match="не подходит к ключу RSA"):
        signing.sign_with_cms(ip_contract, people.entrepreneur, forged, "x.sig")
    assert signing.awaiting_side(ip_contract) == "consumer"


def test_sha1_signature_is_refused(people, ip_contract):
    import hashlib

    cert, _ = make_certificate(ids=ids_of(people.entrepreneur))
    document = read_stored(ip_contract.file)
    weak = signature_with_algorithms(document, cert, digest_oid="1.3.14.3.2.26", signature_oid="1.2.840.113549.1.1.5",
                                     signature=b"\x00" * 256, message_digest=hashlib.sha1(document).digest())
    with pytest.raises(SigningError, match="SHA-1"):
        signing.sign_with_cms(ip_contract, people.entrepreneur, weak, "x.sig")


def test_certificate_of_another_person_is_refused_naming_both(people, ip_contract):
    stranger = {"ОГРНИП": "304500116000157", "ИНН": "500100732259"}
    cert, key = make_certificate(ids=stranger)
    sig = detached_signature(read_stored(ip_contract.file), cert, key)
    with pytest.raises(SigningError) as error:
        signing.sign_with_cms(ip_contract, people.entrepreneur, sig, "x.sig")
    message = error.value.message
    assert "Сертификат выдан другому лицу" in message
    assert "ОГРНИП 304500116000157" in message and f"ОГРНИП {people.entrepreneur.consumer.ogrnip}" in message
    assert signing.awaiting_side(ip_contract) == "consumer"


def test_certificate_without_identifiers_is_refused(people, ip_contract):
    cert, key = make_certificate()
    with pytest.raises(SigningError, match="Сертификат выдан другому лицу"):
        signing.sign_with_cms(ip_contract, people.entrepreneur,
                              detached_signature(read_stored(ip_contract.file), cert, key), "x.sig")


def test_representative_allowed_by_the_admin_is_recorded_as_such(people, ip_contract):
    from app.core.settings import set_setting

    set_setting("signature_allow_representative", True)
    db.session.commit()
    cert, key = make_certificate(surname="Представителева", given="Ольга", ids={"СНИЛС": "11223344595"})
    signature, signers = signing.sign_with_cms(
        ip_contract, people.entrepreneur, detached_signature(read_stored(ip_contract.file), cert, key), "x.sig")
    assert signers[0].representative is True
    assert signature.evidence["cms"]["signers"][0]["representative"] is True


def test_evidence_file_verifies_and_one_changed_byte_fails(people, contract):
    signature = signing.sign_as_organization(contract, people.staff)
    db.session.commit()
    document = read_stored(contract.file)
    file = evidence.evidence_file(signature.evidence_json, signature.evidence_signature)
    result = evidence.verify(document, file)
    assert result.ok and result.evidence["signer"]["name"] == people.staff.display_name
    changed = bytearray(document)
    changed[3] ^= 0x01
    assert not evidence.verify(bytes(changed), file).ok
    body = json.loads(file)
    body["evidence"] = body["evidence"].replace(people.staff.display_name, "Кто-то другой")
    forged = evidence.verify(document, json.dumps(body).encode())
    assert not forged.ok and "изменён" in forged.message
    assert "повреждён" in evidence.verify(document, b"{not json").message


def test_signed_document_is_locked(people, contract):
    from workflows.applications.service import ApplicationError, remove_attachment

    assert not signing.is_locked(contract)
    signing.sign_as_organization(contract, people.staff)
    db.session.commit()
    assert signing.is_locked(contract)
    with pytest.raises(signing.DocumentLocked):
        signing.ensure_not_locked(contract)
    with pytest.raises(ApplicationError, match="Подписанный документ нельзя удалить"):
        remove_attachment(contract, people.staff, side="organization")
    assert contract.deleted_at is None


def test_transition_requiring_signed_document(people, contract):
    from types import SimpleNamespace

    transition = SimpleNamespace(requires_signed_document=True)
    assert "подписанный обеими сторонами" in signing.signed_document_guard(transition, contract.application, None)
    signing.sign_as_organization(contract, people.staff)
    assert signing.signed_document_guard(transition, contract.application, None)
    sig = Signature(attachment_id=contract.id, side="consumer", method="pep_sms", signer_id=people.owner.id,
                    signer_name="x", document_sha256=contract.file.sha256, evidence={}, evidence_json="{}",
                    evidence_signature="x")
    db.session.add(sig)
    db.session.flush()
    db.session.expire(contract, ["signatures"])
    assert signing.signed_document_guard(transition, contract.application, None) is None
    from workflows.applications.guards import GUARDS

    assert signing.signed_document_guard in GUARDS  # the documents area declares it, the factory registers it


def test_organization_may_sign_with_its_own_certificate(people, contract):
    from app.core.settings import set_setting

    set_setting("org_ogrn", "1027700132195")
    set_setting("org_inn", "7736520080")
    db.session.commit()
    cert, key = make_certificate(surname="Сотрудникова", given="Анна",
                                 ids={"ОГРН": "1027700132195", "ИНН ЮЛ": "7736520080"})
    with pytest.raises(SigningError, match="другого документа"):
        signing.sign_as_organization_with_cms(contract, people.staff, detached_signature(b"x", cert, key), "o.sig")
    with pytest.raises(SigningError, match="нет права"):
        signing.sign_as_organization_with_cms(contract, people.owner,
                                              detached_signature(read_stored(contract.file), cert, key), "o.sig")
    signature, signers = signing.sign_as_organization_with_cms(
        contract, people.staff, detached_signature(read_stored(contract.file), cert, key), "o.sig")
    assert signature.side == "organization" and signature.method == "cms"
    assert signature.signer_name == "Сотрудникова Анна"
    assert signing.awaiting_side(contract) == "consumer"


def test_signatures_show_in_the_application_history(people, contract, client, login):
    signing.sign_as_organization(contract, people.staff)
    db.session.commit()
    login(people.owner)
    page = client.get(f"/my/applications/{contract.application_id}").get_data(as_text=True)
    assert "Документ подписан (со стороны организации)" in page
    assert ">signature<" not in page
