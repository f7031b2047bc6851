"""«Статистика» (D7, seed 004 §2.8): the consumption of a linked account by month, service and
day zone as a line or bar chart with the same numbers as a table, and its payments by month.
Thin: the counting lives in workflows/meters/statistics.py; the account goes through
app.security.access.ensure_linked_account (404 for anyone else)."""
from flask import request
from flask_appbuilder import BaseView, expose, has_access
from flask_login import current_user

from app.security.roles import CONSUMER
from app.web.permissions import one_permission
from forms.meters.statistics import StatisticsForm
from workflows.meters import statistics

PERMISSION = "MeterStatistics"
FILTERS = ("period_from", "period_to", "service", "zone", "chart")


@one_permission
class MeterStatisticsView(BaseView):
    """The consumer's «Статистика» of one account."""

    route_base = "/personal-accounts"
    class_permission_name = PERMISSION
    default_view = "statistics"

    @expose("/<int:account_id>/statistics")
    @has_access
    def statistics(self, account_id):
        chosen = any(name in request.args for name in FILTERS)
        form = StatisticsForm(formdata=request.args if chosen else None)
        valid = form.validate() if chosen else True
        first, last = (form.period_from.data, form.period_to.data) if chosen and valid else (None, None)
        result = statistics.account_statistics(current_user, account_id, first, last,
                                               form.service_id if valid else None, form.zone_code)
        form.offer_services(result.services)
        if not chosen:
            form.period_from.data, form.period_to.data = statistics.default_period()
        for name, message in result.period_errors.items():
            getattr(form, name).errors.append(message)
        shown = valid and not result.period_errors
        return self.render_template(
            "meters/statistics/statistics.html", s=result, form=form, shown=shown,
            chart=statistics.chart_data(result, form.chart.data) if shown else None,
            earliest=statistics.earliest_month(), volume=statistics.volume_text), 200 if shown else 400


VIEWS = (MeterStatisticsView,)
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION)]}
