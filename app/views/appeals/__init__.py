"""The appeals area (E1, issue 16): «Обращения» in the cabinet. Each view module declares what it
adds (app/core/areas.py:area_of_modules):
- cabinet.py — «История обращений», an appeal's card, «Написать новое обращение».
Staff answer appeals in the applications' queue (/staff/queue/?kind=appeal) through the workflow's
transition «Дать ответ».
"""
from app.core.areas import area_of_modules
from app.views.appeals import cabinet

__all__ = ["AREA"]

AREA = area_of_modules("appeals", (cabinet,))
