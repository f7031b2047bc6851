"""The appointments area (E4, issue 16): «Запись на прием» and «Заказ обратного звонка».

Views parse, call one command of workflows/appointments/ and render; each module declares what
it adds (app/core/areas.py:area_of_modules):
- cabinet.py — the consumer's appointments, the booking steps, «Отменить запись»; the reminder job;
- callbacks.py — «Заказ обратного звонка» for the consumer and the staff's queue;
- staff.py — the day's schedule of an office with attendance, and «Расписание офисов» (admin).
"""
from app.core.areas import area_of_modules
from app.views.appointments import cabinet, callbacks, staff

__all__ = ["AREA"]

AREA = area_of_modules("appointments", (cabinet, callbacks, staff))
