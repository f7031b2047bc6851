"""The demo's webhook endpoint: one, switched off (so the demo sends nothing), made once."""
from sqlalchemy import select

from app.extensions import db
from app.models import WebhookEndpoint
from workflows.webhooks.demo import demo_webhooks
from workflows.webhooks.events import emit


def test_the_demo_endpoint_is_made_once_and_sends_nothing(ctx):
    assert demo_webhooks() and demo_webhooks() == []
    [row] = db.session.scalars(select(WebhookEndpoint)).all()
    assert not row.enabled and len(row.event_types) == 3
    assert emit("payment.succeeded", {"payment_id": 1}) == []
