"""Starting an import and running it (D1).

`start_import()` keeps the file and queues the run; `run_import()` is the job. It reads the
file (reading.py) and applies it batch by batch (applying.py), each batch in a transaction of
its own on a connection of its own: what a batch applied, its refused rows and the run's counts
commit together, so a page polling the run sees the counts move, and a run that dies midway
has its finished batches kept — a re-run starts over and, every write being an upsert,
duplicates nothing.

Without rq (no REDIS_URL) the queue would run the job inline at the end of the upload
request: the admin would wait for the whole file with no progress to watch. So then the job
runs in a thread of its own (config BILLING_IMPORT_THREAD, by default on except under
TESTING, where tests want the run finished when the request returns).
"""
import logging
import threading

from flask import current_app
from sqlalchemy import select, update

from app.core.errors import Invalid
from app.core.files import stored_path
from app.core.jobs.context import job
from app.core.jobs.queue import enqueue_after_commit
from app.extensions import db
from app.models import ImportRun, StoredFile
from app.models.billing import ImportState
from app.models.base import utcnow
from workflows.billing.imports.applying import Applier
from workflows.billing.imports.reading import FileRefused, Source, open_source
from workflows.billing.imports.specs import SPECS
from workflows.billing.imports.upload import store_import_file

log = logging.getLogger(__name__)

#: rows applied per transaction
BATCH_ROWS = 5000
#: how long rq lets one import run, seconds
JOB_TIMEOUT = 6 * 3600
RUNS = ImportRun.__table__


def start_import(kind: str, upload, *, actor=None, token=None) -> ImportRun:
    """Keep the billing's file and queue its import; Invalid for an unknown kind or a file that
    is empty, too large, not CSV/JSON. Flushes; the job starts once the request commits."""
    run = _new_run(kind, upload, actor, token)
    if current_app.extensions.get("kabinet_queue") is None and _in_thread():
        enqueue_after_commit(run_import_in_thread, run.id)
    else:
        enqueue_after_commit(run_import, run.id)
    return run


def import_in_transaction(kind: str, upload, *, actor=None) -> ImportRun:
    """Import a file now, inside the caller's transaction (demo data, small files): no job, no
    commit per batch; the caller commits it all or nothing."""
    run = _new_run(kind, upload, actor, None)
    apply_run(run.id, db.session.connection(), commit=False)
    db.session.refresh(run)
    return run


def _new_run(kind: str, upload, actor, token) -> ImportRun:
    if kind not in SPECS:
        raise Invalid(f"Неизвестный вид загрузки «{kind}»")
    stored, file_format = store_import_file(upload, uploader=actor)
    run = ImportRun(kind=kind, file_format=file_format, file_id=stored.id, state=ImportState.QUEUED,
                    started_by_id=getattr(actor, "id", None), token_id=getattr(token, "id", None))
    db.session.add(run)
    db.session.flush()
    return run


def _in_thread() -> bool:
    return bool(current_app.config.get("BILLING_IMPORT_THREAD", not current_app.testing))


def run_import_in_thread(run_id: int) -> None:
    """Start the run in a background thread of this process (no rq): the request returns now."""
    app = current_app._get_current_object()

    def work():
        with app.app_context():
            run_import(run_id)

    threading.Thread(target=work, name=f"billing-import-{run_id}", daemon=True).start()


@job
def run_import(run_id: int) -> None:
    """The job: apply the run's file on a connection of its own, one transaction per batch."""
    with db.engine.connect() as conn:
        apply_run(run_id, conn, commit=True)


#: rq stops a job after 180 s by default; millions of rows take minutes (app.core.jobs.queue)
run_import.job_timeout = JOB_TIMEOUT


def apply_run(run_id: int, conn, *, commit: bool) -> None:
    """Read and apply the run's file on `conn`. `commit`: end a transaction after each batch (the
    job); without it everything stays in the caller's transaction (demo data, on the session's
    connection). A run already finished is left as it is."""
    run = conn.execute(select(RUNS).where(RUNS.c.id == run_id)).first()
    if run is None or run.state in (ImportState.DONE, ImportState.FAILED):
        return
    stored = conn.execute(select(StoredFile).where(StoredFile.id == run.file_id)).first()
    _save(conn, run_id, commit, state=ImportState.RUNNING, started_at=utcnow(), total=None, processed=0,
          created=0, updated=0, unchanged=0, errors=0, failure=None)
    spec = SPECS.get(run.kind)
    try:
        if spec is None:
            raise FileRefused(f"Неизвестный вид загрузки «{run.kind}»")
        source = open_source(str(stored_path(stored)), run.file_format, spec.required)
    except (FileRefused, OSError) as exc:
        reason = exc.reason if isinstance(exc, FileRefused) else "Файл загрузки не найден в хранилище"
        _save(conn, run_id, commit, state=ImportState.FAILED, failure=reason, finished_at=utcnow())
        return
    _save(conn, run_id, commit, total=source.total, encoding=source.encoding.replace("-sig", ""))
    applier = Applier(conn, spec, run_id)
    try:
        _apply_batches(conn, run_id, commit, source, applier)
    except FileRefused as exc:
        _fail(conn, run_id, commit, exc.reason + f"; строки до {applier.counts.processed + 1} загружены")
    except Exception:
        if not commit:
            raise
        log.exception("billing import %s failed", run_id)
        _fail(conn, run_id, commit, "Загрузка прервана из-за ошибки сервера после строки "
                                    f"{applier.counts.processed}: предыдущие строки загружены, повторите загрузку")
    finally:
        applier.close()
        _commit(conn, commit)


def _apply_batches(conn, run_id: int, commit: bool, source: Source, applier: Applier) -> None:
    batch = []
    for row in source.rows():
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            _apply_one(conn, run_id, commit, applier, batch)
            batch = []
    _apply_one(conn, run_id, commit, applier, batch)
    _save(conn, run_id, commit, state=ImportState.DONE, finished_at=utcnow(), total=applier.counts.processed)


def _apply_one(conn, run_id: int, commit: bool, applier: Applier, batch: list) -> None:
    applier.apply(batch)
    _save(conn, run_id, commit, **vars(applier.counts))


def _save(conn, run_id: int, commit: bool, **values) -> None:
    """Write the run's state and counts and end the batch's transaction with them."""
    conn.execute(update(RUNS).where(RUNS.c.id == run_id).values(**values))
    _commit(conn, commit)


def _fail(conn, run_id: int, commit: bool, reason: str) -> None:
    _discard(conn, commit)
    _save(conn, run_id, commit, state=ImportState.FAILED, failure=reason, finished_at=utcnow())


def _commit(conn, commit: bool) -> None:
    """The one place the import commits: a batch, its refused rows and the run's counts, at once,
    on the job's own connection (not the request's session): the counts are seen while the run
    goes on, and a failure later keeps the batches already applied."""
    if commit:
        conn.commit()


def _discard(conn, commit: bool) -> None:
    """Roll back the batch that failed (its rows, refused rows and counts), then record why."""
    if commit:
        conn.rollback()
