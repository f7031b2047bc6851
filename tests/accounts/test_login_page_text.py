"""F1: the admin-edited text of the login/registration page shows on both pages at once."""
import pytest

from app.extensions import db
from app.security.roles import ORG_ADMIN
from tests.factories import make_staff
from workflows.pages import service


@pytest.mark.parametrize("url", ["/login/", "/register/"])
def test_admin_text_shows_on_login_and_registration(ctx, client, url):
    service.seed_system_pages()
    admin = make_staff(ORG_ADMIN)
    page = service.get_page("login")
    version = service.save_draft(page, page.title, "<p><b>Приём заявок</b> по будням<script>alert(1)</script></p>",
                                 actor=admin)
    service.publish(page, version, actor=admin)
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "<b>Приём заявок</b> по будням" in html
    assert "alert(1)" not in html
