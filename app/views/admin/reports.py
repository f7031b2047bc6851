"""«Отчеты» (F7): tables and charts, each exportable to CSV. The reports are
workflows/admin/reports.py."""
from flask import Response, abort, request
from flask_appbuilder import expose, has_access

from app.core.exports import csv_text
from app.views.admin.common import AdminView, period
from forms.admin import ReportPeriodForm
from workflows.admin import reports


class ReportsView(AdminView):
    """«Отчеты»: tables and charts, each exportable to CSV."""

    route_base = "/admin/reports"

    @expose("/")
    @has_access
    def index(self):
        form = ReportPeriodForm(request.args)
        dates = period(form)
        tables = {kind: reports.report_table(kind, *dates) for kind in reports.REPORTS}
        return self.render_template("admin/reports.html", form=form, tables=tables, args=request.args.to_dict())

    @expose("/<kind>.csv")
    @has_access
    def export_csv(self, kind):
        if kind not in reports.REPORTS:
            abort(404)
        header, rows = reports.report_table(kind, *period(ReportPeriodForm(request.args)))
        return Response(csv_text(header, rows), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={kind}.csv"})
