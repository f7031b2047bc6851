"""«Доверенные сертификаты УЦ»: admins upload CA certificates; signatures are checked against them."""
import io
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from app.core.files import read_stored
from app.models import AuditRecord, LegalForm, Signature, TrustedCertificate
from app.models.documents import SignatureSide
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.documents.conftest import attach, make_application
from tests.documents.pki import detached_cms, for_consumer, make_ca, pem_bundle
from tests.factories import make_consumer, make_staff
from workflows.documents import signing

BASE = "/admin/trusted-certificates/"
NOT_A_CERTIFICATE = "Файл не является сертификатом X.509 (.cer, .crt, .pem, .p7b)"


@pytest.fixture
def pki():
    class Pki:
        root = make_ca("Тестовый корневой УЦ")
        intermediate = make_ca("Тестовый подчинённый УЦ", root)
        stranger = make_ca("Посторонний УЦ")
    return Pki


@pytest.fixture
def users(ctx):
    return {ADMIN: make_staff(ADMIN), ORG_ADMIN: make_staff(ORG_ADMIN), STAFF: make_staff(STAFF),
            CONSUMER: make_consumer(), None: None}


def _upload(client, data: bytes, name: str = "ca.pem"):
    return client.post(BASE + "add", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _stored() -> list[TrustedCertificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(TrustedCertificate).order_by(TrustedCertificate.id)))


def _audit(action: str) -> list[AuditRecord]:
    return list(db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)))


@pytest.mark.parametrize("role", [ORG_ADMIN, ADMIN])
def test_admin_uploads_a_pem_bundle_and_sees_it_listed(client, login, users, pki, role):
    login(users[role])
    response = _upload(client, pem_bundle(pki.root, pki.intermediate))
    assert response.status_code == 302
    page = client.get(BASE).get_data(as_text=True)
    assert "Добавлено сертификатов: 2" in page
    assert "Тестовый корневой УЦ" in page and "Тестовый подчинённый УЦ" in page
    assert format(pki.root.cert.serial_number, "X") in page
    moscow = ZoneInfo("Europe/Moscow")  # the page shows dates in Moscow time: after 21:00 UTC that is the next day
    assert pki.root.cert.not_valid_after_utc.astimezone(moscow).strftime("%d.%m.%Y") in page
    assert users[role].display_name in page
    rows = _stored()
    assert len(rows) == 2 and "Тестовый корневой УЦ" in rows[0].subject and "Тестовый корневой УЦ" in rows[1].issuer
    assert all(r.active and r.added_by_id == users[role].id for r in rows)
    added = _audit("trusted_certificate.add")
    assert len(added) == 2 and {a.actor_id for a in added} == {users[role].id}
    assert {a.after["fingerprint"] for a in added} == {r.fingerprint for r in rows}


def test_a_certificate_already_in_the_store_is_refused(client, login, users, pki):
    login(users[ORG_ADMIN])
    _upload(client, pki.root.der, "root.cer")
    response = _upload(client, pki.root.pem, "root.crt")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Сертификат уже есть в списке доверенных" in page and "Тестовый корневой УЦ" in page
    assert len(_stored()) == 1 and len(_audit("trusted_certificate.add")) == 1
    # a bundle with one new certificate adds it and says which one it skipped
    _upload(client, pem_bundle(pki.root, pki.intermediate))
    page = client.get(BASE).get_data(as_text=True)
    assert "Добавлено сертификатов: 1" in page and "уже есть в списке доверенных" in page
    assert len(_stored()) == 2


@pytest.mark.parametrize("garbage", [b"", b"hello, I am not a certificate", b"\x30\x03\x02\x01\x01",
                                     b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                                     b"%PDF-1.4 contract"])
def test_garbage_is_refused_and_nothing_stored(client, login, users, garbage):
    login(users[ORG_ADMIN])
    response = _upload(client, garbage, "ca.cer")
    assert response.status_code == 400
    assert NOT_A_CERTIFICATE in response.get_data(as_text=True)
    assert _stored() == [] and _audit("trusted_certificate.add") == []


def test_an_expired_or_end_entity_certificate_is_refused(client, login, users, pki):
    login(users[ORG_ADMIN])
    expired = make_ca("Истёкший УЦ", days=-1, not_before_days=-30)
    page = _upload(client, expired.pem).get_data(as_text=True)
    assert "Срок действия сертификата истёк" in page and "Истёкший УЦ" in page
    person = for_consumer(pki.root, make_consumer(LegalForm.ENTREPRENEUR))
    page = _upload(client, person.pem).get_data(as_text=True)
    assert "не является сертификатом УЦ" in page
    assert _stored() == []


def test_a_huge_file_is_refused(client, login, users):
    login(users[ORG_ADMIN])
    response = _upload(client, b"0" * (5 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "Файл слишком большой" in response.get_data(as_text=True)


def test_removal_asks_first_then_deletes_and_audits(client, login, users, pki):
    login(users[ADMIN])
    _upload(client, pki.root.pem)
    row_id, fingerprint = _stored()[0].id, _stored()[0].fingerprint
    confirm = client.get(f"{BASE}{row_id}/delete").get_data(as_text=True)
    assert "Удалить сертификат" in confirm and "Тестовый корневой УЦ" in confirm
    assert len(_stored()) == 1
    response = client.post(f"{BASE}{row_id}/delete")
    assert response.status_code == 302
    assert "Сертификат удалён" in client.get(BASE).get_data(as_text=True)
    assert _stored() == []
    deleted = _audit("trusted_certificate.delete")
    assert len(deleted) == 1 and deleted[0].before["fingerprint"] == fingerprint
    assert client.post(f"{BASE}{row_id}/delete").status_code == 404


def test_disable_and_enable(client, login, users, pki):
    login(users[ORG_ADMIN])
    _upload(client, pki.root.pem)
    row = _stored()[0]
    client.post(f"{BASE}{row.id}/disable")
    assert _stored()[0].active is False
    assert "отключён" in client.get(BASE).get_data(as_text=True)
    client.post(f"{BASE}{row.id}/enable")
    assert _stored()[0].active is True
    actions = [a.action for a in db.session.scalars(select(AuditRecord).order_by(AuditRecord.id))
               if a.action.startswith("trusted_certificate.")]
    assert actions == ["trusted_certificate.add", "trusted_certificate.disable", "trusted_certificate.enable"]


def test_the_forms_need_the_csrf_token(app, client, login, users, pki):
    login(users[ORG_ADMIN])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert _upload(client, pki.root.pem).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    _upload(client, pki.root.pem)
    row = _stored()[0]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for action in ("delete", "disable"):
            assert client.post(f"{BASE}{row.id}/{action}").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _stored()[0].active is True


ROUTES = [("get", ""), ("post", "add"), ("post", "{id}/disable"), ("post", "{id}/enable"), ("get", "{id}/delete"),
          ("post", "{id}/delete")]


@pytest.mark.parametrize("role", [ADMIN, ORG_ADMIN, STAFF, CONSUMER, None])
def test_every_route_per_role(client, login, users, pki, role):
    from workflows.documents import trust_store

    row = trust_store.add_certificates(pki.root.pem, users[ADMIN]).added[0]
    db.session.commit()
    row_id = row.id
    allowed = role in (ADMIN, ORG_ADMIN)
    if role:
        login(users[role])
    for method, route in ROUTES:
        url = BASE + route.format(id=row_id)
        data = {"file": (io.BytesIO(pki.intermediate.pem), "i.pem")} if route == "add" else {}
        response = getattr(client, method)(url, data=data, content_type="multipart/form-data") \
            if method == "post" else client.get(url)
        if allowed:
            assert response.status_code in (200, 302) and "/login" not in response.headers.get("Location", ""), url
        elif role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        else:
            assert response.status_code == 403, (url, response.status_code)
    stored = _stored()
    if allowed:  # the intermediate added, the root deleted
        assert [r.id for r in stored] != [row_id] and len(stored) == 1 and "подчинённый" in stored[0].subject
    else:
        assert [(r.id, r.active) for r in stored] == [(row_id, True)]
        assert len(_audit("trusted_certificate.add")) == 1


def test_menu_entry_for_admins_only(client, login, users):
    login(users[ORG_ADMIN])
    assert "Доверенные сертификаты УЦ" in client.get("/staff/queue/").get_data(as_text=True)
    with client.session_transaction() as session:
        session.clear()
    login(users[STAFF])
    page = client.get("/staff/queue/")
    assert page.status_code == 200 and "Доверенные сертификаты УЦ" not in page.get_data(as_text=True)


# ---- through the signing flow ----------------------------------------------------------

@pytest.fixture
def contract(people):
    """An ИП's application with a contract the organization has signed; the ИП signs next."""
    application = make_application(people.entrepreneur)
    contract = attach(application, two_sided=True, data=b"%PDF-1.4 ip contract", author=people.staff)
    signing.sign_as_organization(contract, people.staff)
    db.session.commit()
    return contract


def _sign(client, login, people, contract, signature: bytes):
    login(people.entrepreneur)
    url = f"/documents/application/{contract.application_id}/"
    client.post(f"/documents/attachment/{contract.id}/sign/cms",
                data={"signature": (io.BytesIO(signature), "Договор.pdf.sig"), "next": url},
                content_type="multipart/form-data")
    return client.get(url).get_data(as_text=True)


def _consumer_signature(contract) -> Signature | None:
    db.session.expire_all()
    return db.session.scalars(select(Signature).where(Signature.attachment_id == contract.id,
                                                      Signature.side == SignatureSide.CONSUMER)).first()


def _chain(signature: Signature) -> dict:
    return signature.evidence["cms"]["signers"][0]["chain"]


def _store(*certificates):
    from workflows.documents import trust_store

    for certificate in certificates:
        trust_store.add_certificates(certificate.pem, make_staff(ADMIN))
    db.session.commit()


@pytest.mark.parametrize("intermediate_in", ["cms", "store"])
def test_a_signature_by_a_trusted_ca_says_so(client, login, people, contract, pki, intermediate_in):
    _store(pki.root, *([pki.intermediate] if intermediate_in == "store" else []))
    person = for_consumer(pki.intermediate, people.entrepreneur)
    extra = (pki.intermediate,) if intermediate_in == "cms" else ()
    page = _sign(client, login, people, contract, detached_cms(read_stored(contract.file), person, extra=extra))
    signature = _consumer_signature(contract)
    assert signature is not None, page
    assert _chain(signature)["status"] == "trusted"
    assert "Сертификат выдан доверенным УЦ" in _chain(signature)["message"]
    assert "Сертификат выдан доверенным УЦ" in page


def test_a_signature_by_an_unknown_ca_says_why_not(client, login, people, contract, pki):
    _store(pki.root)
    person = for_consumer(pki.stranger, people.entrepreneur)
    page = _sign(client, login, people, contract, detached_cms(read_stored(contract.file), person))
    signature = _consumer_signature(contract)
    assert signature is not None, page
    assert _chain(signature)["status"] == "untrusted"
    reason = "Сертификат не выдан доверенным УЦ: не найден сертификат издателя"
    assert reason in _chain(signature)["message"] and reason in page and "Посторонний УЦ" in page


def test_a_trusted_chain_may_be_required(client, login, people, contract, pki):
    from app.core.settings import set_setting

    set_setting("signature_require_trusted_chain", True)
    db.session.commit()
    _store(pki.root)
    person = for_consumer(pki.stranger, people.entrepreneur)
    page = _sign(client, login, people, contract, detached_cms(read_stored(contract.file), person))
    assert "Сертификат не выдан доверенным УЦ: не найден сертификат издателя" in page
    assert _consumer_signature(contract) is None
    trusted = for_consumer(pki.root, people.entrepreneur)
    _sign(client, login, people, contract, detached_cms(read_stored(contract.file), trusted))
    assert _chain(_consumer_signature(contract))["status"] == "trusted"
