"""Demo data of «Вебхуки» (G2): one endpoint of every event, switched off (its address is an
example, so nothing is sent), so the admin screen shows what a registered integration looks like.
Called once from app/demo.py; flushes only."""
from sqlalchemy import select

from app.extensions import db
from app.models.webhooks import WEBHOOK_EVENT_LABELS, WebhookEndpoint
from workflows.webhooks import endpoints

DEMO_NAME = "Учетная система (пример)"
DEMO_URL = "https://example.org/kabinet/webhooks"


def demo_webhooks() -> list[str]:
    """The demo endpoint; the line `flask kabinet demo` prints (none when it exists already)."""
    if db.session.scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.name == DEMO_NAME)) is not None:
        return []
    endpoint, _secret = endpoints.create(DEMO_NAME, DEMO_URL, list(WEBHOOK_EVENT_LABELS))
    endpoints.set_enabled(endpoint.id, False)
    return ["  «Администрирование» → «Вебхуки»: пример получателя событий (отключен)."]
