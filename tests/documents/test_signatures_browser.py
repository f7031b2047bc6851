"""Browser journey (issue 10): an ИП uploads a real ГОСТ Р 34.10-2012 signature made by
OpenSSL's gost engine — the portal accepts it and shows who signed, with the certificate's
identifiers; a forged one (a byte of the signature changed) is refused with
«Подпись недействительна» and the document stays unsigned."""
import pytest

from app.extensions import db
from app.models import LegalForm
from app.security.roles import STAFF
from tests.browser_helpers import browser_login
from tests.documents.conftest import attach, make_application
from tests.documents.openssl_tool import KEYS, OPENSSL, GOST_AVAILABLE, Signer, subject
from tests.factories import PASSWORD, make_consumer, make_staff
from workflows.documents import signing

pytestmark = [pytest.mark.browser, pytest.mark.skipif(OPENSSL is None, reason="!!! SKIPPED LOUDLY: no openssl")]

CONTRACT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% contract\n%%EOF\n"
KIND = "gost256" if GOST_AVAILABLE else "rsa"
assert KIND in KEYS


def upload(page, signature_path) -> str:
    panel = page.locator("[data-test=documents-panel]")
    panel.locator("[data-test=cms-form] input[name=signature]").set_input_files(str(signature_path))
    panel.locator("[data-test=cms-sign]").click()
    page.wait_for_load_state("networkidle")
    return page.locator("[data-test=documents-panel]").inner_text()


def test_real_signature_accepted_and_forged_refused_in_the_browser(live_server, page, ctx, tmp_path):
    staff = make_staff(STAFF)
    consumer = make_consumer(LegalForm.ENTREPRENEUR)
    contracts = []
    for _ in range(2):
        contract = attach(make_application(consumer), two_sided=True, data=CONTRACT)
        signing.sign_as_organization(contract, staff)
        contracts.append(contract)
    db.session.commit()
    (forged_app, genuine_app), email = [c.application_id for c in contracts], consumer.email
    ogrnip, inn = consumer.consumer.ogrnip, consumer.consumer.inn

    signer = Signer(tmp_path / "key", KIND, subject(ogrnip=ogrnip, inn=inn, snils="11223344595"))
    genuine = tmp_path / "Договор ТП.pdf.sig"
    genuine.write_bytes(signer.sign(CONTRACT))
    forged = tmp_path / "Подделка.sig"
    damaged = bytearray(genuine.read_bytes())
    damaged[-3] ^= 0x01
    forged.write_bytes(bytes(damaged))

    browser_login(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/my/applications/{forged_app}")
    text = upload(page, forged)
    assert "Подпись недействительна" in page.inner_text("[data-test=sign-error]")
    assert "Подписано со стороны пользователя" not in text

    page.goto(f"{live_server}/my/applications/{genuine_app}")
    text = upload(page, genuine)
    assert "Подписано со стороны пользователя" in text
    details = page.locator("[data-test=cms-details]").inner_text()
    assert "Туксин Артем Александрович" in details
    assert f"ОГРНИП {ogrnip}" in details and "СНИЛС 11223344595" in details
    assert "математика подписи проверена" in details
    if KIND == "gost256":
        assert "ГОСТ Р 34.10-2012 (256 бит)" in details
