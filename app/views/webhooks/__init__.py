"""The webhooks area (G2, issue 17): signed events for integrations.

- admin.py — «Вебхуки» in «Администрирование»: endpoints, the secret shown once, the delivery log.
The events are emitted by workflows/webhooks/events.py:emit, delivered by the outbox.
"""
from app.core.areas import area_of_modules
from app.views.webhooks import admin

__all__ = ["AREA"]

AREA = area_of_modules("webhooks", (admin,))
