"""The page editor's commands (workflows/pages/commands.py) as the REST API will call them:
plain values in, a KabinetError with its status out, nothing committed by the command."""
import pytest

from app.core.errors import KabinetError, NotFound
from app.extensions import db
from workflows.pages import commands, service


def _help():
    return service.get_page("help")


def test_save_publish_and_restore_by_id(pages, org_admin):
    page = _help()
    version = commands.save_page(page.id, title="Помощь", body_html="<p>новая</p>", show_in_menu=True,
                                 sort_order=5, base_version="1", publish=True, actor=org_admin)
    assert page.published_version_id == version.id and version.number == 2
    restored = commands.restore_version(page.id, 1, actor=org_admin)
    assert restored.number == 3 and page.published_version_id == restored.id


@pytest.mark.parametrize("call,kind,status", [
    (lambda page, actor: commands.save_page(page.id, title="Помощь", body_html="<p>x</p>", show_in_menu=True,
                                            sort_order=0, base_version="0", publish=False, actor=actor),
     commands.PageChanged, 409),
    (lambda page, actor: commands.restore_version(page.id, 99, actor=actor), NotFound, 404),
    (lambda page, actor: commands.publish_version(page.id, 99, actor=actor), NotFound, 404),
    (lambda page, actor: commands.unpublish_page(page.id, actor=actor), service.PageError, 400),
    (lambda page, actor: commands.page_or_404(999999), NotFound, 404),
    (lambda page, actor: commands.create_page("help", "Дубль", show_in_menu=True, sort_order=0, actor=actor),
     service.PageError, 400),
])
def test_refusals_are_kabinet_errors_and_write_nothing(pages, org_admin, call, kind, status):
    page = _help()
    with pytest.raises(kind) as refused:
        call(page, org_admin)
    assert isinstance(refused.value, KabinetError) and refused.value.status == status and refused.value.message
    assert not db.session.new and not db.session.dirty
    assert service.latest_version(page).number == 1
