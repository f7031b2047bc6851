"""The surveys area (E5, issue 16). Each view module declares what it adds (app/core/areas.py:area_of_modules):
- admin.py — «Опросы потребителей» under «Администрирование»: the builder, publishing, results, CSV;
- cabinet.py — «Опросы» in the consumer's cabinet: the surveys addressed to them, answered once.

The consumer's «Опросы» entry has a condition (cabinet.register_menu_condition): the header hides
it while no published survey in its period addresses the consumer.
"""
from dataclasses import replace

from app.core.areas import area_of_modules
from app.views.surveys import admin, cabinet

__all__ = ["AREA"]

_AREA = area_of_modules("surveys", (cabinet, admin))


def _register(appbuilder) -> None:
    _AREA.register(appbuilder)
    cabinet.register_menu_condition(appbuilder)


AREA = replace(_AREA, register=_register)
