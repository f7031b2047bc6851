"""F1: an admin edits pages; drafts, publishing, versions, restore, sanitizing, images."""
from app.core.errors import STALE_FORM
import io

import pytest

from app.extensions import db
from app.models import AuditRecord, InfoPage, InfoPageVersion
from workflows.pages import service

HOSTILE = [
    '<script>alert("x")</script>',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<p style="position:fixed;top:0">styled</p><style>body{display:none}</style>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"></svg>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<form action="https://evil.example"><input name="password"></form>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
]


def _page(slug):
    db.session.expire_all()
    return db.session.execute(db.select(InfoPage).where(InfoPage.slug == slug)).scalar_one()


def _edit(client, page, title, html, *, publish=False, base=None):
    latest = service.latest_version(page)
    data = {"title": title, "body_html": html, "sort_order": "10", "show_in_menu": "y",
            "base_version": str(base if base is not None else (latest.number if latest else 0))}
    data["publish" if publish else "save_draft"] = "1"
    return client.post(f"/admin/pages/{page.id}/edit", data=data)


@pytest.mark.parametrize("slug", list(service.SYSTEM_PAGES))
def test_admin_edits_each_page_and_everyone_sees_it_at_once(client, login, pages, org_admin, slug):
    page = _page(slug)
    login(org_admin)
    response = _edit(client, page, page.title, f"<p>Новый текст {slug} <strong>жирный</strong></p>", publish=True)
    assert response.status_code == 302
    with client.session_transaction() as session:
        session.clear()
    body = client.get(f"/page/{slug}").get_data(as_text=True)
    assert f"Новый текст {slug} <strong>жирный</strong>" in body


def test_login_text_shows_on_front_page_and_info_to_consumer(client, login, pages, org_admin, consumer):
    login(org_admin)
    _edit(client, _page("login"), "Вход", "<p>Добро пожаловать, приходите ещё</p>", publish=True)
    _edit(client, _page("info"), "Информация", "<p>Новости для потребителей</p>", publish=True)
    with client.session_transaction() as session:
        session.clear()
    assert "Добро пожаловать, приходите ещё" in client.get("/").get_data(as_text=True)
    login(consumer)
    assert "Новости для потребителей" in client.get("/").get_data(as_text=True)
    assert "Новости для потребителей" in client.get("/page/info").get_data(as_text=True)


def test_draft_is_not_shown_until_published(client, login, pages, org_admin):
    page = _page("help")
    login(org_admin)
    response = _edit(client, page, "Помощь", "<p>Черновой текст</p>")
    assert response.status_code == 302
    assert "Черновой текст" not in client.get("/page/help").get_data(as_text=True)
    assert "Черновик: версия 2" in client.get(f"/admin/pages/{page.id}/edit").get_data(as_text=True)
    client.post(f"/admin/pages/{page.id}/versions/2/publish")
    assert "Черновой текст" in client.get("/page/help").get_data(as_text=True)


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_html_never_reaches_the_page(client, login, pages, org_admin, payload):
    page = _page("info")
    login(org_admin)
    _edit(client, page, "Информация", f"<p>safe text</p>{payload}", publish=True)
    stored = _page("info").published_version.body_html
    body = client.get("/page/info").get_data(as_text=True)
    content = body.split('data-test="page-body">', 1)[1].split("</div>", 1)[0]
    for text in (stored, content):
        lowered = text.lower()
        assert "safe text" in text
        for bad in ("<script", "onerror", "onload", "javascript:", "style=", "<style", "<iframe", "<svg", "<form",
                    "<input", "data:"):
            assert bad not in lowered, (bad, text)


def test_html_stored_unsanitized_is_sanitized_on_render(client, pages):
    page = _page("help")
    # a row written behind the service's back (old data, manual SQL) is still cleaned on render
    page.published_version.body_html = '<p>ok</p><script>alert(1)</script><img src=x onerror=alert(2)>'
    db.session.commit()
    body = client.get("/page/help").get_data(as_text=True)
    assert "<p>ok</p>" in body and "alert(" not in body


def test_versions_are_kept_and_an_earlier_one_restored(client, login, pages, org_admin):
    page = _page("payment-rules")
    login(org_admin)
    _edit(client, page, "Правила оплаты", "<p>Вторая редакция</p>", publish=True)
    _edit(client, _page("payment-rules"), "Правила оплаты", "<p>Третья редакция</p>", publish=True)
    listing = client.get(f"/admin/pages/{page.id}/versions").get_data(as_text=True)
    assert 'data-version="1"' in listing and 'data-version="3"' in listing
    assert "Вторая редакция" in client.get(f"/admin/pages/{page.id}/versions/2").get_data(as_text=True)

    response = client.post(f"/admin/pages/{page.id}/versions/2/restore")
    assert response.status_code == 302
    assert "Вторая редакция" in client.get("/page/payment-rules").get_data(as_text=True)
    page = _page("payment-rules")
    assert page.published_version.number == 4
    assert page.published_version.note == "Восстановлена из версии 2"
    assert db.session.scalar(db.select(db.func.count()).select_from(InfoPageVersion)
                             .where(InfoPageVersion.page_id == page.id)) == 4
    restore = db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "page.publish")
                                 .order_by(AuditRecord.id.desc())).scalars().first()
    assert restore.before["body_html"] == "<p>Третья редакция</p>"
    assert restore.after["body_html"] == "<p>Вторая редакция</p>"


def test_stale_editor_is_refused(client, login, pages, org_admin):
    page = _page("help")
    login(org_admin)
    _edit(client, page, "Помощь", "<p>первый админ</p>", publish=True)
    response = _edit(client, _page("help"), "Помощь", "<p>второй админ</p>", publish=True, base=1)
    assert response.status_code == 409
    assert str(STALE_FORM) in response.get_data(as_text=True)
    assert "первый админ" in client.get("/page/help").get_data(as_text=True)


def test_empty_title_shows_error_and_changes_nothing(client, login, pages, org_admin):
    page = _page("help")
    login(org_admin)
    response = _edit(client, page, "", "<p>текст</p>", publish=True)
    assert response.status_code == 200
    assert "Поле обязательно для заполнения" in response.get_data(as_text=True)
    assert _page("help").published_version.number == 1


def test_extra_page_with_its_own_address_and_menu_entry(client, login, pages, org_admin, consumer):
    login(org_admin)
    bad = client.post("/admin/pages/create", data={"slug": "Плохой адрес", "title": "Тарифы", "sort_order": "5"})
    assert bad.status_code == 400
    assert "латинские буквы в нижнем регистре" in bad.get_data(as_text=True)
    dup = client.post("/admin/pages/create", data={"slug": "help", "title": "Дубль", "sort_order": "5"})
    assert "Страница с таким адресом уже есть" in dup.get_data(as_text=True)
    response = client.post("/admin/pages/create", data={"slug": "tariffs", "title": "Тарифы", "sort_order": "5",
                                                        "show_in_menu": "y"})
    assert response.status_code == 302
    _edit(client, _page("tariffs"), "Тарифы", "<p>Тарифы на 2026 год</p>", publish=True)
    login(consumer)
    assert "Тарифы на 2026 год" in client.get("/page/tariffs").get_data(as_text=True)
    menu = client.get("/page/info").get_data(as_text=True)
    assert 'href="/page/tariffs"' in menu and 'href="/page/help"' in menu


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def test_image_upload_is_served_publicly_and_only_images_are_taken(client, login, pages, org_admin):
    login(org_admin)
    response = client.post("/admin/pages/upload-image", data={"image": (io.BytesIO(PNG), "plan.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    url = response.get_json()["url"]
    assert url.startswith("/page/asset/")
    _edit(client, _page("info"), "Информация", f'<p>Схема</p><p><img src="{url}"></p>', publish=True)
    with client.session_transaction() as session:
        session.clear()
    assert f'<img src="{url}">' in client.get("/page/info").get_data(as_text=True)
    image = client.get(url)
    assert image.status_code == 200 and image.mimetype == "image/png"

    html = client.post("/admin/pages/upload-image", data={"image": (io.BytesIO(b"<script>x</script>"), "x.html")},
                       content_type="multipart/form-data")
    assert html.status_code == 302 and "/login" in html.headers["Location"]  # anonymous: no access
    login(org_admin)
    html = client.post("/admin/pages/upload-image", data={"image": (io.BytesIO(b"<script>x</script>"), "x.html")},
                       content_type="multipart/form-data")
    assert html.status_code == 400 and "PNG, JPG или GIF" in html.get_json()["error"]
    fake = client.post("/admin/pages/upload-image", data={"image": (io.BytesIO(b"GIF89a-not-a-png"), "x.png")},
                       content_type="multipart/form-data")
    assert fake.status_code == 400


def test_only_registered_assets_are_served(client, pages):
    assert client.get("/page/asset/" + "a" * 40).status_code == 404
    assert client.get("/page/asset/../../etc/passwd").status_code == 404


def test_every_page_change_is_audited_with_before_and_after(client, login, pages, org_admin):
    page = _page("help")
    login(org_admin)
    _edit(client, page, "Помощь", "<p>новая помощь</p>", publish=True)
    records = db.session.execute(db.select(AuditRecord).where(AuditRecord.object_type == "InfoPage")
                                 .order_by(AuditRecord.id)).scalars().all()
    actions = [r.action for r in records]
    assert "page.draft" in actions and "page.publish" in actions
    publish = [r for r in records if r.action == "page.publish"][-1]
    assert publish.actor_id == org_admin.id
    assert "Руководство пользователя" in publish.before["body_html"]
    assert publish.after["body_html"] == "<p>новая помощь</p>"


def test_extra_page_can_be_taken_offline_but_built_in_pages_cannot(client, login, pages, org_admin):
    login(org_admin)
    client.post("/admin/pages/create", data={"slug": "promo", "title": "Акции", "sort_order": "5",
                                             "show_in_menu": "y"})
    promo = _page("promo")
    _edit(client, promo, "Акции", "<p>Скидка</p>", publish=True)
    assert client.get("/page/promo").status_code == 200
    assert client.post(f"/admin/pages/{promo.id}/unpublish").status_code == 302
    assert client.get("/page/promo").status_code == 404
    assert 'href="/page/promo"' not in client.get("/page/info").get_data(as_text=True)
    assert _page("promo").versions  # the text is kept
    privacy = _page("privacy")
    body = client.post(f"/admin/pages/{privacy.id}/unpublish", follow_redirects=True).get_data(as_text=True)
    assert "нельзя снять с публикации" in body
    assert client.get("/page/privacy").status_code == 200


def test_document_attached_to_help_page_is_offered_for_download(client, login, pages, org_admin):
    login(org_admin)
    pdf = b"%PDF-1.4\n" + b"0" * 500
    response = client.post("/admin/pages/upload-file", data={"file": (io.BytesIO(pdf), "Руководство.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["name"] == "Руководство.pdf"
    _edit(client, _page("help"), "Помощь", f'<p><a href="{answer["url"]}">Руководство пользователя</a></p>',
          publish=True)
    with client.session_transaction() as session:
        session.clear()
    assert f'href="{answer["url"]}"' in client.get("/page/help").get_data(as_text=True)
    download = client.get(answer["url"])
    assert download.status_code == 200 and download.data == pdf
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Content-Security-Policy"] == "default-src 'none'"

    login(org_admin)
    refused = client.post("/admin/pages/upload-file", data={"file": (io.BytesIO(b"<html><script>x</script>"),
                                                                     "page.html")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and "Недопустимый тип файла" in refused.get_json()["error"]
    fake = client.post("/admin/pages/upload-file", data={"file": (io.BytesIO(b"MZ\x90\x00binary"), "manual.pdf")},
                       content_type="multipart/form-data")
    assert fake.status_code == 400
