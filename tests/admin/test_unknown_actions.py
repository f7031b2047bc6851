"""An action name that no view has (issue 10, point 14) is «not found», not a server error."""
import pytest

from app.extensions import db
from app.models import DocumentType
from app.security.roles import ADMIN
from tests.factories import make_staff


@pytest.fixture
def admin(ctx, login):
    return login(make_staff(ADMIN))


@pytest.fixture
def document_type(ctx):
    row = DocumentType(code="passport", name="Паспорт")
    db.session.add(row)
    db.session.commit()
    return row.id


@pytest.mark.parametrize("method, url, form", [
    ("POST", "/admin/document-types/action_post", {"action": "nonexistent", "rowid": ["{pk}"]}),
    ("GET", "/admin/document-types/action/nonexistent/{pk}", None),
    ("POST", "/admin/document-types/action/nonexistent/{pk}", {}),
    ("POST", "/roles/action_post", {"action": "nonexistent", "rowid": ["1"]}),  # FAB's own views too
    ("GET", "/users/action/nonexistent/1", None),
])
def test_unknown_action_is_not_found(client, admin, document_type, method, url, form):
    url = url.format(pk=document_type)
    if form is not None:
        form = {key: [v.format(pk=document_type) for v in value] if isinstance(value, list) else value
                for key, value in form.items()}
    response = client.open(url, method=method, data=form)
    assert response.status_code == 404


@pytest.mark.parametrize("method, url, form", [
    ("POST", "/roles/action_post", {"action": "copyrole", "rowid": ["999999"]}),
    ("POST", "/roles/action_post", {"action": "copyrole", "rowid": ["not-a-key"]}),
    ("POST", "/roles/action/copyrole/999999", {}),
    ("POST", "/admin/document-types/action_post", {"action": "retire", "rowid": ["{pk}", "999999"]}),
])
def test_action_on_a_row_that_does_not_exist_is_not_found(client, admin, document_type, method, url, form):
    form = {key: [v.format(pk=document_type) for v in value] if isinstance(value, list) else value
            for key, value in form.items()}
    assert client.open(url, method=method, data=form).status_code == 404
    db.session.expire_all()
    assert db.session.get(DocumentType, document_type).active is True  # nothing was half done


def test_a_known_action_still_runs(client, admin, document_type):
    response = client.post("/admin/document-types/action_post", data={"action": "retire", "rowid": [str(document_type)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(DocumentType, document_type).active is False
