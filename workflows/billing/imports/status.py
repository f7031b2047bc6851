"""What an admin (or an integration) sees of a run: its progress and the rows it refused."""
from sqlalchemy import select

from app.core.exports import csv_writer, spooled_text
from app.extensions import db
from app.models import ImportRowError, ImportRun
from app.models.billing import ImportState

ERROR_HEADER = ("Строка", "Столбец", "Причина", "Данные")


def progress(run: ImportRun) -> dict:
    """The run's state and counts, as a page polling it (or the API) shows them."""
    total = run.total
    if run.state == ImportState.DONE:
        percent = 100
    elif total:
        percent = min(99, run.processed * 100 // total)
    else:
        percent = 0
    return {
        "state": run.state,
        "total": total,
        "processed": run.processed,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "errors": run.errors,
        "percent": percent,
        "failure": run.failure,
    }


def error_rows(run: ImportRun, limit: int | None = None) -> list[ImportRowError]:
    """The refused rows in file order (the first `limit` of them)."""
    query = (select(ImportRowError).where(ImportRowError.run_id == run.id)
             .order_by(ImportRowError.row_number, ImportRowError.id))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def error_file_csv(run: ImportRun):
    """The error file «Строка;Столбец;Причина;Данные» (UTF-8 with BOM, `;`, as Excel opens it), as
    a text writer over a spooled buffer: send it with app.views.admin.common.send_spooled."""
    out = spooled_text()
    writer = csv_writer(out)
    writer.writerow(ERROR_HEADER)
    query = (select(ImportRowError.row_number, ImportRowError.column, ImportRowError.reason, ImportRowError.raw)
             .where(ImportRowError.run_id == run.id).order_by(ImportRowError.row_number, ImportRowError.id)
             .execution_options(yield_per=2000))
    for row in db.session.execute(query):
        writer.writerow(list(row))
    return out
