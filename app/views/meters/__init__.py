"""The meters area (D7–D9, issue 14): meters and readings in the cabinet.

Views parse, call one command of workflows/meters/ and render; each module declares what it adds
(app/core/areas.py:area_of_modules):
- cabinet.py — «Приборы учета»: meters by service, «Раскрыть информацию», «Уведомить о
  неисправности», readings history (D8);
- submit.py — «Передать показания» for one account (D8);
- bulk.py — «Передать показания по всем лицевым счетам» (D9);
- statistics.py — «Статистика» of consumption (D7);
- staff.py — staff entering and correcting readings.
"""
from app.core.areas import area_of_modules
from app.views.meters import bulk, cabinet, staff, statistics, submit

__all__ = ["AREA"]

AREA = area_of_modules("meters", (cabinet, submit, bulk, statistics, staff))
