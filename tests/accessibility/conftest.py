"""Fixtures of the accessibility tests."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application


@pytest.fixture
def portal(ctx):
    """The demo portal with a page of every kind for every role (tests/foundation/portal_pages.py),
    and on the submitted application a message from the organization and a contract the
    organization has signed, so its page shows messages and the signature panel."""
    from tests.documents.conftest import attach
    from tests.factories import make_staff
    from tests.foundation.portal_pages import prepare_portal_data
    from workflows.applications import service
    from workflows.documents import signing

    prepare_portal_data()
    submitted = db.session.scalar(select(Application).where(Application.submitted_at.is_not(None)))
    signer = make_staff("Staff")
    service.post_message(submitted, "<p>Пришлите, пожалуйста, план участка.</p>", signer, from_organization=True)
    contract = attach(submitted, two_sided=True, data=b"%PDF-1.4\n% contract\n%%EOF\n")
    signing.sign_as_organization(contract, signer)
    db.session.commit()
