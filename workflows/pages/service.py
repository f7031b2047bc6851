"""Information pages (F1): drafts, publishing, versions, restore, rendering.

Services flush; the request commits. Every change is audited with before/after.
"""
import re

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import func, select

from app.core import audit
from app.core.errors import Invalid
from app.extensions import db
from app.models import InfoPage, InfoPageVersion, PublicAsset
from app.models.base import utcnow
from workflows.pages.promotions import forget_current_promotions
from workflows.pages.sanitize import is_blank, sanitize_html

#: the pages other areas link to; created by the seeder, never deleted
SYSTEM_PAGES: dict[str, str] = {
    "login": "Информация на странице авторизации и регистрации",
    "info": "Информация",
    "help": "Помощь",
    "privacy": "Политика обработки персональных данных",
    "simple-signature": "Соглашение об использовании простой электронной подписи",
    "payment-rules": "Правила оплаты",
}
MENU_PAGES = {"info", "help"}

#: {{ name }} in a page is replaced with the organization setting of that name; nothing else
PLACEHOLDERS: dict[str, str] = {
    "org_name": "Полное наименование организации",
    "org_short_name": "Краткое наименование организации",
    "org_address": "Адрес организации",
    "org_phone": "Телефон организации",
    "org_email": "Email организации",
}
_PLACEHOLDER_RE = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PageError(Invalid):
    """A page operation was refused; `message` is shown to the admin."""

    category = "danger"


def get_page(slug: str) -> InfoPage | None:
    return db.session.execute(select(InfoPage).where(InfoPage.slug == slug)).scalar_one_or_none()


def editor_pages() -> tuple[list[InfoPage], set[int]]:
    """Every page in the admin's order (not the sections' entries: they have lists of their own,
    workflows/pages/sections.py), and the ids of those with an unpublished draft."""
    from sqlalchemy.orm import selectinload

    pages = list(db.session.execute(
        select(InfoPage).where(InfoPage.section.is_(None)).options(selectinload(InfoPage.published_version))
        .order_by(InfoPage.sort_order, InfoPage.title)
    ).scalars())
    return pages, {page.id for page in pages if has_unpublished_draft(page)}


def menu_pages() -> list[InfoPage]:
    """Published pages shown in the list of pages, in the admin's order."""
    return list(db.session.execute(
        select(InfoPage)
        .where(InfoPage.show_in_menu.is_(True), InfoPage.published_version_id.is_not(None))
        .order_by(InfoPage.sort_order, InfoPage.title)
    ).scalars())


def latest_version(page: InfoPage) -> InfoPageVersion | None:
    return db.session.execute(
        select(InfoPageVersion).where(InfoPageVersion.page_id == page.id)
        .order_by(InfoPageVersion.number.desc()).limit(1)
    ).scalar_one_or_none()


def get_version(page: InfoPage, number: int) -> InfoPageVersion | None:
    return db.session.execute(
        select(InfoPageVersion).where(InfoPageVersion.page_id == page.id, InfoPageVersion.number == number)
    ).scalar_one_or_none()


def has_unpublished_draft(page: InfoPage) -> bool:
    latest = latest_version(page)
    return latest is not None and latest.id != page.published_version_id


def _snapshot(version: InfoPageVersion | None) -> dict | None:
    if version is None:
        return None
    return {"version": version.number, "title": version.title, "body_html": version.body_html}


def create_page(slug: str, title: str, *, show_in_menu: bool = True, sort_order: int = 100,
                actor=None, system: bool = False) -> InfoPage:
    """Add an extra page with its own address /page/<slug>."""
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or len(slug) > 64:
        raise PageError(_("Адрес страницы: латинские буквы в нижнем регистре, цифры и дефис"))
    if get_page(slug) is not None:
        raise PageError(_("Страница с таким адресом уже есть"))
    page = InfoPage(slug=slug, title=title.strip(), show_in_menu=show_in_menu, sort_order=sort_order,
                    is_system=system)
    db.session.add(page)
    db.session.flush()
    audit.record("page.create", page, actor=actor, summary=page.title,
                 after={"slug": slug, "title": page.title, "show_in_menu": show_in_menu, "sort_order": sort_order})
    return page


def update_page_settings(page: InfoPage, *, show_in_menu: bool, sort_order: int, actor=None) -> None:
    """Change where a page appears in the list of pages."""
    before = {"show_in_menu": page.show_in_menu, "sort_order": page.sort_order}
    page.show_in_menu, page.sort_order = show_in_menu, sort_order
    after = {"show_in_menu": show_in_menu, "sort_order": sort_order}
    if before != after:
        db.session.flush()
        audit.record("page.settings", page, actor=actor, summary=page.title, before=before, after=after)


def save_draft(page: InfoPage, title: str, body_html: str, *, actor=None, note: str | None = None) -> InfoPageVersion:
    """Keep the editor's text as a new draft version (sanitized); the published text stays."""
    before = latest_version(page)
    clean = sanitize_html(body_html)
    number = (db.session.execute(
        select(func.max(InfoPageVersion.number)).where(InfoPageVersion.page_id == page.id)
    ).scalar() or 0) + 1
    version = InfoPageVersion(
        page_id=page.id, number=number, title=(title or page.title).strip(), body_html=clean,
        author_id=getattr(actor, "id", None),
        author_name=getattr(actor, "display_name", None) if actor is not None else None,
        note=note,
    )
    db.session.add(version)
    db.session.flush()
    audit.record("page.draft", page, actor=actor, summary=f"{page.title}: версия {number}",
                 before=_snapshot(before), after=_snapshot(version))
    return version


def publish(page: InfoPage, version: InfoPageVersion, *, actor=None) -> None:
    """Make `version` the text everyone sees at once."""
    if version.page_id != page.id:
        raise PageError(_("Версия не относится к этой странице"))
    before = page.published_version
    page.published_version_id = version.id
    page.published_version = version
    page.title = version.title
    version.published_at = utcnow()
    db.session.flush()
    forget_current_promotions(page)
    audit.record("page.publish", page, actor=actor, summary=f"{page.title}: опубликована версия {version.number}",
                 before=_snapshot(before), after=_snapshot(version))


def unpublish(page: InfoPage, *, actor=None) -> None:
    """Take an extra page offline (its versions stay); built-in pages are always published."""
    if page.is_system:
        raise PageError(_("Эту страницу нельзя снять с публикации: на неё ссылаются другие разделы"))
    before = page.published_version
    if before is None:
        return
    page.published_version_id = None
    page.published_version = None
    db.session.flush()
    forget_current_promotions(page)
    audit.record("page.unpublish", page, actor=actor, summary=page.title, before=_snapshot(before), after=None)


def restore(page: InfoPage, number: int, *, actor=None) -> InfoPageVersion:
    """Bring back an earlier text: it becomes a new version and is published."""
    old = get_version(page, number)
    if old is None:
        raise PageError(_("Версия не найдена"))
    version = save_draft(page, old.title, old.body_html, actor=actor,
                         note=_("Восстановлена из версии %(n)s", n=number))
    publish(page, version, actor=actor)
    return version


def substitute_placeholders(html: str) -> str:
    """Replace {{ org_name }} and the other whitelisted names with escaped setting values."""
    from app.core.settings import get_setting

    def _value(match: re.Match) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        return str(escape(get_setting(name) or ""))

    return _PLACEHOLDER_RE.sub(_value, html)


def render_html(html: str | None) -> Markup:
    """Stored page HTML as it is shown: sanitized again, placeholders filled in."""
    clean = sanitize_html(html)
    if is_blank(clean):
        return Markup("")
    return Markup(substitute_placeholders(clean))


def published_html(slug: str) -> Markup:
    """The published text of page `slug`, sanitized, or "" (Jinja global info_page)."""
    page = get_page(slug)
    if page is None or page.published_version is None:
        return Markup("")
    return render_html(page.published_version.body_html)


def register_asset(stored_file, purpose: str) -> PublicAsset:
    asset = PublicAsset(file_id=stored_file.id, purpose=purpose)
    db.session.add(asset)
    db.session.flush()
    return asset


def find_asset(key: str) -> PublicAsset | None:
    from app.models import StoredFile

    return db.session.execute(
        select(PublicAsset).join(StoredFile, PublicAsset.file_id == StoredFile.id)
        .where(StoredFile.storage_key == key)
    ).scalar_one_or_none()


IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif"}


def store_image(file_storage, *, purpose: str, uploader=None) -> PublicAsset:
    """Keep an uploaded picture (png, jpg, gif; checked by content) as a public asset."""
    from app.core.files import UploadRejected, check_content, extension_of, store_upload

    name = getattr(file_storage, "filename", "") or ""
    ext = extension_of(name)
    if ext not in IMAGE_EXTENSIONS:
        raise UploadRejected(_("Загрузите изображение в формате PNG, JPG или GIF"))
    # the content is checked before anything is stored, so a refused picture leaves nothing behind
    head = file_storage.stream.read(8192)
    file_storage.stream.seek(0)
    if not check_content(ext, head).startswith("image/"):
        raise UploadRejected(_("Содержимое файла не соответствует его типу"))
    return register_asset(store_upload(file_storage, uploader=uploader, max_total=10**12), purpose)


def store_document(file_storage, *, uploader=None) -> PublicAsset:
    """Keep a document for a page (e.g. the user manual in «Помощь», seed 003); it is offered
    for download. Types and size follow the organization's upload settings."""
    from app.core.files import store_upload

    stored = store_upload(file_storage, uploader=uploader, max_total=10**12)
    return register_asset(stored, "page_file")


LOGIN_TEXT = (
    "<h2>Добро пожаловать в личный кабинет {{ org_short_name }} по технологическому присоединению</h2>"
    "<p>«Личный кабинет» дает возможность направить заявку на технологическое присоединение, отправлять, "
    "получать и подписывать в электронном виде договор на технологическое присоединение, а также иные "
    "документы, что позволяет организовать документооборот по технологическому присоединению Ваших "
    "энергопринимающих устройств без посещения офиса {{ org_short_name }}.</p>"
)
#: the welcome of the «info» page, today and in earlier releases
INFO_INTRO = (
    "<h2>Добро пожаловать в личный кабинет {{ org_short_name }}</h2>"
    "<p>«Личный кабинет» дает возможность направить заявку на технологическое присоединение, отправлять, "
    "получать, подписывать в электронном виде договор на технологическое присоединение, а также иные "
    "документы, что позволяет организовать документооборот по технологическому присоединению Ваших "
    "энергопринимающих устройств без посещения офиса {{ org_short_name }}.</p>"
)
INFO_TEXT = (
    INFO_INTRO +
    "<p>Чтобы подать заявку на технологическое присоединение (перераспределение максимальной мощности, "
    "восстановление / переоформление документов о технологическом присоединении), выберите пункт меню "
    "«Подать заявку». Поданные заявки, их статусы и документы — в разделе «Мои заявки».</p>"
    "<p>Чтобы направить сообщение в адрес {{ org_short_name }} в электронном виде, выберите пункт меню "
    "«Сообщение сетевой организации».</p>"
    "<p>Чтобы изменить регистрационные данные, выберите пункт меню «Мои данные».</p>"
)
#: default texts of earlier releases, per page: a page still showing one gets today's default
#: when `flask kabinet seed` runs (round 1 named menu items that consumers do not have)
FORMER_DEFAULTS = {
    "info": (
        INFO_INTRO +
        "<p>Чтобы подать заявку на технологическое присоединение (перераспределение максимальной мощности, "
        "восстановление / переоформление документов о технологическом присоединении), либо направить "
        "сообщение в адрес {{ org_short_name }} в электронном виде, выберите пункт меню: Документооборот</p>"
        "<p>Чтобы изменить регистрационные данные, выберите Данные</p>",
    ),
}
DEFAULT_TEXTS = {
    "login": LOGIN_TEXT,
    "info": INFO_TEXT,
    "help": "<p>Руководство пользователя личного кабинета и ответы на частые вопросы.</p>",
    "privacy": "<p>{{ org_name }} обрабатывает персональные данные пользователей личного кабинета в "
               "соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных».</p>",
    "simple-signature": "<p>Документы, подписанные в личном кабинете простой электронной подписью "
                        "(кодом из SMS), признаются равнозначными документам на бумажном носителе, "
                        "подписанным собственноручной подписью.</p>",
    "payment-rules": "<p>Оплата производится банковской картой или через СБП. Минимальная сумма платежа "
                     "10,00 руб.</p>",
}


def seed_system_pages() -> None:
    """Create the built-in pages with a first published text (idempotent); a page still showing a
    former default text gets today's (an admin's own text is kept)."""
    for order, (slug, title) in enumerate(SYSTEM_PAGES.items()):
        if get_page(slug) is not None:
            _refresh_former_default(get_page(slug))
            continue
        page = InfoPage(slug=slug, title=title, is_system=True, show_in_menu=slug in MENU_PAGES,
                        sort_order=order * 10)
        db.session.add(page)
        db.session.flush()
        version = InfoPageVersion(page_id=page.id, number=1, title=title, body_html=DEFAULT_TEXTS[slug],
                                  published_at=utcnow(), note="Текст по умолчанию")
        db.session.add(version)
        db.session.flush()
        page.published_version_id = version.id
    db.session.flush()


def _refresh_former_default(page: InfoPage) -> None:
    published = page.published_version
    if published is None or published.body_html not in FORMER_DEFAULTS.get(page.slug, ()):
        return
    version = save_draft(page, published.title, DEFAULT_TEXTS[page.slug], note="Текст по умолчанию обновлен")
    publish(page, version)
