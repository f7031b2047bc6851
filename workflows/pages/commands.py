"""What an admin does with information pages (F1), one command per use case.

Commands take plain values (ids, texts, the acting user), raise a `KabinetError` and flush;
the request boundary commits. Who may call them is decided by the admin area's permission
(`OrganizationAdmin`) on the views; every change is audited by workflows/pages/service.py.
"""

from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.models import InfoPage, InfoPageVersion, PublicAsset
from workflows.pages import sections, service


class PageChanged(Conflict):
    """Another admin saved the page after this editor was opened."""

    # the one stale-form message of every form (app.core.errors.STALE_FORM)


def page_or_404(page_id: int) -> InfoPage:
    """The page with this id, or NotFound."""
    page = db.session.get(InfoPage, page_id)
    if page is None:
        raise NotFound()
    return page


def version_or_404(page_id: int, number: int) -> tuple[InfoPage, InfoPageVersion]:
    """The page and its version `number`, or NotFound."""
    page = page_or_404(page_id)
    version = service.get_version(page, number)
    if version is None:
        raise NotFound()
    return page, version


def latest_number(page: InfoPage) -> int:
    """The number of the page's newest version (0 for none): the editor posts it back."""
    latest = service.latest_version(page)
    return latest.number if latest else 0


def create_page(slug: str, title: str, *, show_in_menu: bool, sort_order: int, actor) -> InfoPage:
    """Add an extra page at /page/<slug>; refused (PageError) before anything is written."""
    return service.create_page(slug, title, show_in_menu=show_in_menu, sort_order=sort_order, actor=actor)


def save_page(page_id: int, *, title: str, body_html: str, show_in_menu: bool, sort_order: int,
              base_version: str, publish: bool, actor, details: dict | None = None) -> InfoPageVersion:
    """Keep the editor's text as a new version (published at once when asked) and the page's
    place in the list; refused when the page got a newer version since the editor opened.
    An entry of a section (E6) also keeps its `details` (dates, price …), refused
    (EntryRefused) before anything is written."""
    page = page_or_404(page_id)
    if base_version != str(latest_number(page)):
        raise PageChanged()
    if details is not None:
        sections.update_details(page, details, actor=actor)
    version = service.save_draft(page, title, body_html, actor=actor)
    service.update_page_settings(page, show_in_menu=show_in_menu, sort_order=sort_order, actor=actor)
    if publish:
        service.publish(page, version, actor=actor)
    return version


def publish_version(page_id: int, number: int, *, actor) -> InfoPage:
    """Make an existing version the text everyone sees."""
    page, version = version_or_404(page_id, number)
    service.publish(page, version, actor=actor)
    return page


def restore_version(page_id: int, number: int, *, actor) -> InfoPageVersion:
    """Bring back an earlier text as a new published version."""
    page, _version = version_or_404(page_id, number)
    return service.restore(page, number, actor=actor)


def unpublish_page(page_id: int, *, actor) -> InfoPage:
    """Take an extra page offline; built-in pages refuse (PageError)."""
    page = page_or_404(page_id)
    service.unpublish(page, actor=actor)
    return page


def upload_image(file_storage, *, actor) -> PublicAsset:
    """A picture for a page, served publicly; UploadRejected leaves nothing behind."""
    return service.store_image(file_storage, purpose="page_image", uploader=actor)


def upload_document(file_storage, *, actor) -> PublicAsset:
    """A document for a page, offered for download; UploadRejected leaves nothing behind."""
    return service.store_document(file_storage, uploader=actor)
