"""Attachments of an appeal: several files; one over «cabinet_file_max_mb» (7 МБ) or all over
«cabinet_files_total_mb» (100 МБ) refused under «Вложения» with nothing created; content checked
like every upload. Small limits keep the tests fast; one test checks the real defaults."""
import pytest

from app.core.files import MB
from app.core.settings import get_setting, set_setting
from app.extensions import db
from app.models import Attachment
from tests.appeals import builders


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


@pytest.fixture
def w(ctx):
    return builders.world()


def _limits(one_mb: int, total_mb: int) -> None:
    set_setting("cabinet_file_max_mb", one_mb)
    set_setting("cabinet_files_total_mb", total_mb)
    db.session.commit()


def _send(client, w, files):
    data = dict(builders.form(w), files=files)
    return _text(client.post("/my/appeals/new", data=data, content_type="multipart/form-data",
                             follow_redirects=True))


def test_several_files_are_attached(client, login, w):
    login(w["owner"])
    page = _send(client, w, [builders.pdf("акт.pdf"), builders.pdf("схема.pdf")])
    assert "Ваше обращение принято в работу." in page
    assert "акт.pdf" in page and "схема.pdf" in page
    assert db.session.query(Attachment).count() == 2


def test_a_file_over_its_limit_is_refused(client, login, w):
    _limits(1, 3)
    login(w["owner"])
    page = _send(client, w, [builders.pdf("small.pdf"), builders.pdf("big.pdf", MB + 1)])
    assert 'data-test="error-files"' in page
    assert "Файл «big.pdf» слишком большой. Максимальный размер файла 1 МБ" in page
    assert builders.TEXT in page  # what was typed stays
    builders.nothing_created()


def test_files_over_their_total_are_refused(client, login, w):
    _limits(1, 2)
    login(w["owner"])
    page = _send(client, w, [builders.pdf(f"part{n}.pdf", MB - 1000) for n in range(3)])
    assert "Общий объем вложенных файлов не должен превышать 2 МБ" in page
    builders.nothing_created()


def test_a_file_whose_content_is_not_its_type_is_refused(client, login, w):
    login(w["owner"])
    page = _send(client, w, [(builders.io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.pdf")])
    assert "«virus.pdf»: Содержимое файла не соответствует его типу" in page
    builders.nothing_created()


def test_the_defaults_are_7_and_100_mb_and_7_mb_plus_a_byte_is_refused(client, login, w):
    assert (get_setting("cabinet_file_max_mb"), get_setting("cabinet_files_total_mb")) == (7, 100)
    login(w["owner"])
    assert "не более 100 МБ" in _text(client.get("/my/appeals/new"))
    page = _send(client, w, [builders.pdf("scan.pdf", 7 * MB + 1)])
    assert "Максимальный размер файла 7 МБ" in page
    builders.nothing_created()
    assert "Ваше обращение принято в работу." in _send(client, w, [builders.pdf("scan.pdf", 7 * MB)])
