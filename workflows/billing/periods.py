"""Months, and the period every history page lets a consumer choose: tariffs (D4), readings and
statistics (D7, D8), charges and payments (D5) — «за последние 3 года», month by month.

One rule and one set of messages for all of them; each page names what its history is of and
whether the current month may be chosen (charges may not: «от предыдущего месяца»).
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.core.errors import Invalid
from workflows.billing.windows import today

#: how far back every history goes (seed 004: «за последние 3 года»)
HISTORY_YEARS = 3


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (or before) `month`."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


class PeriodRefused(Invalid):
    """A period beyond the rules; `field` is the form field the message goes under."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        super().__init__(message)


@dataclass(frozen=True)
class PeriodRule:
    """What one history page allows: `subject` starts the refusal («История тарифов»),
    `default_months` are shown before anything is chosen."""

    subject: str
    default_months: int = 12
    #: the last month one may choose is the previous one (the current month is not closed yet)
    ends_before_current: bool = False

    def latest(self, on: date | None = None) -> date:
        current = month_start(on or today())
        return add_months(current, -1) if self.ends_before_current else current

    def earliest(self, on: date | None = None) -> date:
        """The same month three years back."""
        return add_months(month_start(on or today()), -12 * HISTORY_YEARS)

    def default(self, on: date | None = None) -> tuple[date, date]:
        last = self.latest(on)
        return add_months(last, 1 - self.default_months), last

    def check(self, first: date, last: date, on: date | None = None) -> tuple[date, date]:
        """The first days of the first and last months chosen, or PeriodRefused naming the field
        (`period_from` / `period_to`)."""
        first, last = month_start(first), month_start(last)
        earliest, latest = self.earliest(on), self.latest(on)
        if first < earliest:
            raise PeriodRefused("period_from", _("%(subject)s доступна за последние %(n)s года: выберите месяц "
                                                 "не ранее %(month)s", subject=self.subject, n=HISTORY_YEARS,
                                                 month=earliest.strftime("%m.%Y")))
        if self.ends_before_current and first > latest:
            raise PeriodRefused("period_from", self._not_after(latest))
        if last > latest:
            raise PeriodRefused("period_to", self._not_after(latest) if self.ends_before_current
                                else _("Период не может заканчиваться позже текущего месяца"))
        if last < first:
            raise PeriodRefused("period_to", _("Конец периода не может быть раньше его начала"))
        return first, last

    @staticmethod
    def _not_after(latest: date) -> str:
        return _("Выберите месяц не позже %(month)s: текущий месяц еще не завершен", month=latest.strftime("%m.%Y"))
