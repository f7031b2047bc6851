"""The notifications area (E7, issue 16). Views parse, call one command of workflows/notifications/
and render; each module declares what it adds (app/core/areas.py:area_of_modules):
- history.py — «Уведомления»: the history with filters, read and unread;
- settings.py — «Настройка уведомлений» (channels per kind of event, the marketing consent, hints)
  and the unsubscribe link of a marketing email;
- hints.py — the hint box of a page and closing it;
- marketing.py — the admins' «Рассылка уведомлений и рекламной продукции».

Registering the area also hands app.core's notify_user the kinds of event (workflows/notifications/
kinds.py), so the channels a user switched off are respected without core importing an area.
"""
from dataclasses import replace

from flask import current_app

from app.core.areas import area_of_modules
from app.core.notifications.notify import KIND_OF
from app.views.notifications import hints, history, marketing, settings
from workflows.notifications.kinds import kind_of

__all__ = ["AREA"]

_MODULES = area_of_modules("notifications", (history, settings, hints, marketing))


def register(appbuilder) -> None:
    _MODULES.register(appbuilder)
    current_app.extensions[KIND_OF] = kind_of
    hints.install(current_app)


AREA = replace(_MODULES, register=register)
