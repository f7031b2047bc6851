"""«Проверить подпись» for everyone: linked from the logged-out pages, rate-limited, uploads
read in chunks with a hard cap."""
import io

import pytest

from app.extensions import db
from app.core.files import read_stored
from tests.documents.conftest import attach, detached_signature, make_application, make_certificate
from workflows.documents import evidence, signing

URL = "/verify-signature/"
LINK = "Проверить электронную подпись"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """Flask-Limiter's memory counters live for the whole process: start and leave them empty."""
    from app.extensions import limiter

    with app.app_context():
        limiter.reset()
    yield
    with app.app_context():
        limiter.reset()


@pytest.fixture
def sealed(people):
    """A contract signed by the organization and its sealed evidence file."""
    contract = attach(make_application(people.owner), two_sided=True, author=people.staff)
    signature = signing.sign_as_organization(contract, people.staff)
    db.session.commit()
    return read_stored(contract.file), evidence.evidence_file(signature.evidence_json, signature.evidence_signature)


def _post(client, document: bytes, signature_file: bytes, name: str = "s.json"):
    return client.post(URL, data={"document": (io.BytesIO(document), "d.pdf"),
                                  "evidence": (io.BytesIO(signature_file), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("page", ["/login/", "/register/"])
def test_the_logged_out_pages_link_to_it(client, page):
    body = client.get(page).get_data(as_text=True)
    assert f'href="{URL}"' in body and LINK in body
    assert client.get(URL).status_code == 200


def test_it_still_verifies_an_evidence_file_and_a_detached_signature(client, people, sealed):
    document, evidence_file = sealed
    page = _post(client, document, evidence_file).get_data(as_text=True)
    assert 'data-ok="yes"' in page and people.staff.display_name in page
    page = _post(client, document + b"!", evidence_file).get_data(as_text=True)
    assert 'data-ok="no"' in page and "Документ не совпадает с подписанным" in page
    cert, key = make_certificate()
    sig = detached_signature(document, cert, key)
    page = _post(client, document, sig, "d.pdf.sig").get_data(as_text=True)
    assert 'data-ok="yes"' in page and "Туксин Артем Александрович" in page
    page = _post(client, document + b"!", sig, "d.pdf.sig").get_data(as_text=True)
    assert 'data-ok="no"' in page and "Подпись сделана для другого документа" in page


def test_an_oversized_signature_file_is_refused(client, sealed):
    document, evidence_file = sealed
    response = _post(client, document, evidence_file + b" " * (1024 * 1024))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Файл подписи слишком большой: не более 1 МБ" in page and 'data-ok="yes"' not in page


@pytest.mark.parametrize("kind", ["evidence", "cms"])
def test_an_oversized_document_is_refused(client, ctx, sealed, kind):
    from app.core.settings import set_setting

    set_setting("upload_max_file_mb", 1)
    db.session.commit()
    document, signature_file = sealed
    if kind == "cms":
        cert, key = make_certificate()
        signature_file = detached_signature(document, cert, key)
    response = _post(client, document + b"\0" * (1024 * 1024), signature_file)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Документ слишком большой: не более 1 МБ" in page and 'data-ok=' not in page


def test_posts_are_rate_limited_per_ip(client, sealed):
    document, evidence_file = sealed
    for _ in range(20):
        assert _post(client, document, evidence_file).status_code == 200
    blocked = _post(client, document, evidence_file)
    assert blocked.status_code == 429
    assert "Слишком много попыток" in blocked.get_data(as_text=True)
    assert client.get(URL).status_code == 200  # reading the page is not limited
    other_ip = client.post(URL, data={}, content_type="multipart/form-data", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_ip.status_code == 200
