"""«Журнал изменений» (F6): who changed what and when, searchable, exportable to CSV and to
the sealed JSON-lines chain. The queries are workflows/admin/auditlog.py."""
from flask import request
from flask_appbuilder import expose, has_access

from app.core.audit import export_chain
from app.core.exports import csv_writer, spooled_text
from app.core.formatting import format_datetime
from app.views.admin.common import AdminView, period, send_spooled
from forms.admin import AuditSearchForm
from workflows.admin import auditlog

CSV_HEADER = ["id", "Дата и время", "Кто", "IP", "Действие", "Объект", "Описание", "Было", "Стало",
              "Код действия", "Тип объекта", "Идентификатор"]


def _pairs(items) -> str:
    return "; ".join(f"{k}: {v}" for k, v in items)


class AuditLogView(AdminView):
    """«Журнал изменений»: who changed what and when, searchable and exportable."""

    route_base = "/admin/audit"

    def _filters(self):
        form = AuditSearchForm(request.args)
        date_from, date_to = period(form)
        return form, {"q": form.q.data, "action": form.action.data, "object_type": form.object_type.data,
                      "date_from": date_from, "date_to": date_to}

    @expose("/")
    @has_access
    def index(self):
        form, filters = self._filters()
        page = request.args.get("page", 1, type=int)
        rows, total = auditlog.search(page=page, **filters)
        args = {k: v for k, v in request.args.items() if k != "page"}
        return self.render_template("admin/audit.html", form=form, rows=auditlog.shown(rows), total=total,
                                    page=page, pages=max(1, -(-total // auditlog.PAGE_SIZE)), args=args)

    @expose("/export.csv")
    @has_access
    def export_csv(self):
        _form, filters = self._filters()
        out = spooled_text()
        writer = csv_writer(out)
        writer.writerow(CSV_HEADER)
        for row in auditlog.shown(auditlog.stream(**filters)):
            entry = row.record
            writer.writerow([entry.id, format_datetime(entry.at), entry.actor_name, entry.ip, row.action, row.object,
                             row.summary, _pairs(row.before), _pairs(row.after), entry.action, entry.object_type,
                             entry.object_id])
        return send_spooled(out, "audit.csv", "text/csv; charset=utf-8")

    @expose("/export.jsonl")
    @has_access
    def export_jsonl(self):
        _form, filters = self._filters()
        out = spooled_text(bom=False)
        for line in export_chain(auditlog.stream(**filters)):
            out.write(line)
        return send_spooled(out, "audit.jsonl", "application/x-ndjson; charset=utf-8")
