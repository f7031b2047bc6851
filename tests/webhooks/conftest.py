import pytest

from app.models.webhooks import WebhookEvent
from tests.webhooks.receiver import start_receiver
from workflows.webhooks import endpoints

ALL_EVENTS = [WebhookEvent.APPLICATION_STATUS_CHANGED, WebhookEvent.READING_SUBMITTED, WebhookEvent.PAYMENT_SUCCEEDED]


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(ctx, receiver):
    """An enabled endpoint of every event at the receiver: (row, secret), committed."""
    from app.extensions import db

    row, secret = endpoints.create("Учетная система", receiver.url, ALL_EVENTS)
    db.session.commit()
    return row, secret
