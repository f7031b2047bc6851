"""HTTP round-trips of the documents area: access per role, downloads, signing, copies, verification."""
import csv
import re
import hashlib
import io
import zipfile

import pytest

from app.extensions import db
from app.core.files import read_stored
from app.models import CopyRequest, Signature, StatementTemplate
from app.security.roles import ORG_ADMIN
from tests.documents.conftest import (
    attach,
    detached_signature,
    ids_of,
    docx_text,
    make_application,
    make_certificate,
    sms_code,
)
from tests.factories import make_staff
from workflows.documents import signing


@pytest.fixture
def world(people):
    """A ФЛ application with a signed-by-both contract, an ИП application with a CMS signature."""
    application = make_application(people.owner)
    contract = attach(application, two_sided=True, author=people.staff)
    attach(application, title="Дополнительный материал", data=b"%PDF-1.4 scan", name="Договор ТП.pdf",
           side="consumer", author=people.owner)
    attach(application, title="Хитрое имя", data=b"%PDF-1.4 x", name='../../etc/pa<ss>wd:.pdf', side="consumer",
           author=people.owner)
    org_sig = signing.sign_as_organization(contract, people.staff)
    ip_application = make_application(people.entrepreneur)
    ip_contract = attach(ip_application, two_sided=True, data=b"%PDF-1.4 ip contract", author=people.staff)
    signing.sign_as_organization(ip_contract, people.staff)
    cert, key = make_certificate(ids=ids_of(people.entrepreneur))
    cms_sig, _ = signing.sign_with_cms(ip_contract, people.entrepreneur,
                                       detached_signature(read_stored(ip_contract.file), cert, key), "d.sig")
    draft = make_application(people.owner, submitted=False)
    copy = CopyRequest(consumer_id=people.owner.consumer.id, documents="Акт")
    db.session.add(copy)
    db.session.flush()
    from app.core.files import store_bytes
    from app.models import CopyRequestFile

    copy_file = CopyRequestFile(request_id=copy.id, file_id=store_bytes(b"%PDF-1.4 act", "Акт.pdf").id, title="Акт.pdf")
    db.session.add(copy_file)
    db.session.commit()

    class World:
        pass
    w = World()
    w.application, w.contract, w.org_sig, w.ip_application, w.cms_sig = application, contract, org_sig, ip_application, cms_sig
    w.draft, w.copy, w.copy_file = draft, copy, copy_file
    return w


def _urls(w):
    a, ip = w.application.id, w.ip_application.id
    return {
        "page": (f"/documents/application/{a}/", "owner"),
        "statement": (f"/documents/application/{a}/statement.docx", "owner"),
        "bundle": (f"/documents/application/{a}/bundle.zip", "owner"),
        "file": (f"/documents/attachment/{w.contract.id}/file", "owner"),
        "evidence": (f"/documents/signature/{w.org_sig.id}/evidence", "owner"),
        "cms": (f"/documents/signature/{w.cms_sig.id}/cms", "entrepreneur"),
        "ip_statement": (f"/documents/application/{ip}/statement.docx", "entrepreneur"),
        "copy_file": (f"/documents/copy-file/{w.copy_file.id}", "owner"),
    }


@pytest.mark.parametrize("name", ["page", "statement", "bundle", "file", "evidence", "cms", "ip_statement",
                                  "copy_file"])
@pytest.mark.parametrize("who", ["owner", "other", "anonymous", "staff"])
def test_every_download_per_role(client, login, people, world, name, who):
    url, owner_attr = _urls(world)[name]
    if who == "owner":
        login(getattr(people, owner_attr))
    elif who == "other":
        login(people.other)
    elif who == "staff":
        login(people.staff)
    response = client.get(url)
    if who in ("owner", "staff"):
        assert response.status_code == 200, (url, who)
    elif who == "other":
        assert response.status_code == 404
    else:
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_do_not_see_drafts_documents(client, login, people, world):
    login(people.staff)
    assert client.get(f"/documents/application/{world.draft.id}/statement.docx").status_code == 404
    login(people.owner)
    assert client.get(f"/documents/application/{world.draft.id}/statement.docx").status_code == 200


def test_statement_download_is_the_filled_word_file(client, login, people, world):
    login(people.owner)
    response = client.get(f"/documents/application/{world.application.id}/statement.docx")
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert "ТП-1563" in docx_text(response.data)


def test_bundle_has_every_document_and_a_manifest_with_hashes(client, login, people, world):
    login(people.owner)
    response = client.get(f"/documents/application/{world.application.id}/bundle.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == len(set(names))
    assert all("/" not in n and "\\" not in n and ".." not in n.split(".")[0] for n in names)
    assert "Договор ТП.pdf" in names and "Договор ТП (2).pdf" in names
    manifest = list(csv.reader(io.StringIO(archive.read("Опись документов.csv").decode("utf-8-sig")), delimiter=";"))
    assert manifest[0][0] == "Имя файла" and manifest[0][-1] == "SHA-256"
    rows = {row[0]: row for row in manifest[1:]}
    assert set(rows) == set(names) - {"Опись документов.csv"}
    for name, row in rows.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == row[-1]
    assert any(n.endswith(".organization.evidence.json") for n in names)
    assert any(n.startswith("Заявка") and n.endswith(".docx") for n in names)
    assert rows["Договор ТП.pdf"][2] == people.staff.display_name



def test_panel_shows_seed_texts_and_signatures(client, login, people):
    application = make_application(people.owner)
    contract = attach(application, two_sided=True, author=people.staff)
    db.session.commit()
    login(people.owner)
    page = client.get(f"/documents/application/{application.id}/").get_data(as_text=True)
    assert "Не подписано со стороны" in page and "Ожидается подписание документа со стороны" in page
    assert 'data-test="pep-sign"' not in page  # the organization signs first
    login(people.staff)
    page = client.get(f"/documents/application/{application.id}/").get_data(as_text=True)
    assert 'data-test="sign-organization"' in page
    assert client.post(f"/documents/attachment/{contract.id}/sign/organization").status_code == 302
    page = client.get(f"/documents/application/{application.id}/").get_data(as_text=True)
    assert "Подписано со стороны" in page and "Скачать подпись" in page
    assert "Ожидается подписание документа со стороны пользователя" in page


def test_consumer_cannot_sign_for_the_organization(client, login, people):
    application = make_application(people.owner)
    contract = attach(application, two_sided=True)
    db.session.commit()
    login(people.owner)
    client.post(f"/documents/attachment/{contract.id}/sign/organization")
    assert db.session.query(Signature).count() == 0
    login(people.other)
    assert client.post(f"/documents/attachment/{contract.id}/sign/code").status_code == 404


def test_pep_over_http_wrong_code_then_right_code(client, login, people, sent):
    application = make_application(people.owner)
    contract = attach(application, two_sided=True)
    signing.sign_as_organization(contract, people.staff)
    db.session.commit()
    login(people.owner)
    page_url = f"/documents/application/{application.id}/"
    client.post(f"/documents/attachment/{contract.id}/sign/code", data={"next": page_url})
    page = client.get(page_url).get_data(as_text=True)
    assert "отправлено смс сообщение с кодом" in page and "Подтвердить" in page
    code = sms_code(sent, people.owner.phone)
    client.post(f"/documents/attachment/{contract.id}/sign/confirm", data={"code": "12", "next": page_url})
    page = client.get(page_url).get_data(as_text=True)
    assert "Код состоит из 6 цифр" in page
    wrong = "000000" if code != "000000" else "111111"
    client.post(f"/documents/attachment/{contract.id}/sign/confirm", data={"code": wrong, "next": page_url})
    page = client.get(page_url).get_data(as_text=True)
    assert "Неверный код подтверждения" in page
    assert db.session.query(Signature).filter_by(side="consumer").count() == 0
    client.post(f"/documents/attachment/{contract.id}/sign/confirm", data={"code": code, "next": page_url})
    page = client.get(page_url).get_data(as_text=True)
    assert "Подписано со стороны пользователя" in page and "ПЭП" in page
    assert "Дата подписания" in page
    assert page.count("Скачать подпись") == 2


def test_cms_upload_over_http(client, login, people):
    application = make_application(people.company)
    contract = attach(application, two_sided=True)
    signing.sign_as_organization(contract, people.staff)
    db.session.commit()
    login(people.company)
    url = f"/documents/application/{application.id}/"
    client.post(f"/documents/attachment/{contract.id}/sign/cms",
                data={"signature": (io.BytesIO(b"garbage"), "x.sig"), "next": url},
                content_type="multipart/form-data")
    assert "Файл не является электронной подписью" in client.get(url).get_data(as_text=True)
    cert, key = make_certificate(ids=ids_of(people.company))
    other = detached_signature(b"other", cert, key)
    client.post(f"/documents/attachment/{contract.id}/sign/cms",
                data={"signature": (io.BytesIO(other), "x.sig"), "next": url}, content_type="multipart/form-data")
    assert "Подпись сделана для другого документа" in client.get(url).get_data(as_text=True)
    good = detached_signature(read_stored(contract.file), cert, key)
    client.post(f"/documents/attachment/{contract.id}/sign/cms",
                data={"signature": (io.BytesIO(good), "Договор.pdf.sig"), "next": url},
                content_type="multipart/form-data")
    page = client.get(url).get_data(as_text=True)
    assert "Туксин Артем Александрович" in page and "1A2B3C4D" in page and "Тестовый УЦ" in page
    assert re.search(r"с \d\d\.\d\d\.\d{4} по \d\d\.\d\d\.\d{4}", page)
    assert "математика подписи проверена" in page and "Цепочка сертификатов не проверялась" in page
    assert f"ОГРН {people.company.consumer.ogrn}" in page


def test_verification_page(client, people, world):
    document = read_stored(world.contract.file)
    from workflows.documents.evidence import evidence_file as make_file

    sealed = make_file(world.org_sig.evidence_json, world.org_sig.evidence_signature)
    response = client.post("/verify-signature/", data={"document": (io.BytesIO(document), "d.pdf"),
                                                       "evidence": (io.BytesIO(sealed), "s.json")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert 'data-ok="yes"' in page and people.staff.display_name in page
    assert re.search(r'data-test="verify-date">\d\d\.\d\d\.\d{4} \d\d:\d\d<', page)
    changed = bytearray(document)
    changed[-1] ^= 0x01
    page = client.post("/verify-signature/", data={"document": (io.BytesIO(bytes(changed)), "d.pdf"),
                                                   "evidence": (io.BytesIO(sealed), "s.json")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-ok="no"' in page and "Документ не совпадает с подписанным" in page
    page = client.post("/verify-signature/", data={}, content_type="multipart/form-data").get_data(as_text=True)
    assert "Выберите файл документа" in page and "Выберите файл подписи" in page
    assert client.get("/verify-signature/public-key.pem").data.startswith(b"-----BEGIN PUBLIC KEY-----")


def test_template_admin_upload_and_errors(client, login, people, application):
    admin = make_staff(ORG_ADMIN)
    kind = application.application_type
    login(people.staff)
    assert client.get("/documents/templates/").status_code in (302, 403)
    login(admin)
    assert "applicant.full_name" in client.get("/documents/templates/").get_data(as_text=True)
    page = client.post(f"/documents/templates/{kind.id}/", data={"file": (io.BytesIO(b"junk"), "t.docx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "не является документом Word" in page
    assert db.session.query(StatementTemplate).count() == 0
    from tests.documents.test_templates import docx_with

    client.post(f"/documents/templates/{kind.id}/",
                data={"file": (io.BytesIO(docx_with("{{ applicant.inn }} {{ applicant.wat }}")), "t.docx")},
                content_type="multipart/form-data")
    page = client.get(f"/documents/templates/{kind.id}/").get_data(as_text=True)
    assert "applicant.wat" in page
    template = db.session.query(StatementTemplate).one()
    assert client.get(f"/documents/templates/version/{template.id}/preview").status_code == 200


def test_csrf_is_required_on_signing(app, client, login, people):
    application = make_application(people.owner)
    contract = attach(application, two_sided=True)
    db.session.commit()
    login(people.staff)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/documents/attachment/{contract.id}/sign/organization")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert db.session.query(Signature).count() == 0


def test_reference_data_gives_every_shipped_type_a_template(reference_data):
    from app.models import ApplicationType

    types = db.session.query(ApplicationType).count()
    assert types and db.session.query(StatementTemplate).count() == types


def test_pdf_is_offered_only_where_libreoffice_is_found(client, login, people, world, tmp_path, monkeypatch):
    login(people.owner)
    url = f"/documents/application/{world.application.id}/"
    monkeypatch.setenv("PATH", str(tmp_path))
    assert "Скачать заявку (PDF)" not in client.get(url).get_data(as_text=True)
    assert client.get(f"/documents/application/{world.application.id}/statement.pdf").status_code == 404
    # a stand-in for LibreOffice: writes a PDF next to the .docx, as `soffice --convert-to pdf` does
    fake = tmp_path / "soffice"
    fake.write_text('#!/bin/sh\nfor last; do :; done\nout="${last%/*}/statement.pdf"\n'
                    'printf "%%PDF-1.4 converted" > "$out"\n')
    fake.chmod(0o755)
    assert "Скачать заявку (PDF)" in client.get(url).get_data(as_text=True)
    response = client.get(f"/documents/application/{world.application.id}/statement.pdf")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 converted"
    login(people.other)
    assert client.get(f"/documents/application/{world.application.id}/statement.pdf").status_code == 404


def test_staff_upload_organization_cms_over_http(client, login, people):
    application = make_application(people.owner)
    contract = attach(application, two_sided=True)
    db.session.commit()
    from app.core.settings import set_setting

    set_setting("org_ogrn", "1027700132195")
    set_setting("org_inn", "7736520080")
    db.session.commit()
    login(people.staff)
    # an employee's own qualified certificate names the employee, not the organization
    cert, key = make_certificate(surname="Сотрудникова", given="Анна", ids={"СНИЛС": "11223344595"})
    url = f"/documents/application/{application.id}/"
    client.post(f"/documents/attachment/{contract.id}/sign/organization",
                data={"signature": (io.BytesIO(b"junk"), "o.sig"), "next": url}, content_type="multipart/form-data")
    assert "Файл не является электронной подписью" in client.get(url).get_data(as_text=True)
    signed = detached_signature(read_stored(contract.file), cert, key)
    client.post(f"/documents/attachment/{contract.id}/sign/organization",
                data={"signature": (io.BytesIO(signed), "o.sig"), "next": url}, content_type="multipart/form-data")
    page = client.get(url).get_data(as_text=True)
    assert "Сертификат выдан другому лицу: в сертификате — СНИЛС 11223344595; у организации — " \
           "ОГРН 1027700132195, ИНН ЮЛ 7736520080" in page
    assert db.session.query(Signature).count() == 0
    set_setting("signature_allow_representative", True)
    db.session.commit()
    client.post(f"/documents/attachment/{contract.id}/sign/organization",
                data={"signature": (io.BytesIO(signed), "o.sig"), "next": url}, content_type="multipart/form-data")
    page = client.get(url).get_data(as_text=True)
    assert "Сотрудникова Анна" in page and "1A2B3C4D" in page and 'data-test="cms-representative"' in page
    assert db.session.query(Signature).filter_by(side="organization", method="cms").count() == 1


@pytest.mark.parametrize("who", ["orgadmin", "staff", "consumer", "anonymous"])
def test_admin_and_staff_routes_per_role(client, login, people, application, who):
    from workflows.documents import templates as tpl
    from workflows.documents.copies import request_copies

    template = tpl.current_template(application.application_type)
    copy = request_copies(people.owner.consumer, documents="Акт")
    db.session.commit()
    admin_urls = ["/documents/templates/", f"/documents/templates/{application.application_type_id}/",
                  f"/documents/templates/{application.application_type_id}/default.docx",
                  f"/documents/templates/version/{template.id}/file",
                  f"/documents/templates/version/{template.id}/preview"]
    staff_urls = ["/documents/copies/staff/", f"/documents/copies/staff/{copy.id}"]
    users = {"orgadmin": make_staff(ORG_ADMIN), "staff": people.staff, "consumer": people.owner}
    if who in users:
        login(users[who])
    for url in admin_urls:
        status = client.get(url).status_code
        assert (status == 200) == (who == "orgadmin"), (url, who, status)
    for url in staff_urls:
        status = client.get(url).status_code
        assert (status == 200) == (who in ("orgadmin", "staff")), (url, who, status)
    if who == "anonymous":
        assert "/login" in client.get(admin_urls[0]).headers["Location"]


def test_verification_page_checks_a_detached_cms_signature_too(client):
    cert, key = make_certificate()
    document = b"%PDF-1.4 any document"
    sig = detached_signature(document, cert, key)
    page = client.post("/verify-signature/", data={"document": (io.BytesIO(document), "d.pdf"),
                                                   "evidence": (io.BytesIO(sig), "d.pdf.sig")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-ok="yes"' in page and "Туксин Артем Александрович" in page and "1A2B3C4D" in page
    page = client.post("/verify-signature/", data={"document": (io.BytesIO(document + b"!"), "d.pdf"),
                                                   "evidence": (io.BytesIO(sig), "d.pdf.sig")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-ok="no"' in page and "Подпись сделана для другого документа" in page
