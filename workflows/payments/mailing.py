"""«Рассылка квитанций» (D5): the month's receipt, as a PDF, emailed to every account subscribed to
the electronic receipt, through the outbox.

`start_mailing()` (an admin's command) records a run and queues `run_mailing()`, the job. The job
streams the subscribed links by id ranges, BATCH_LINKS at a time, each batch in a transaction of
its own (`_mail_batch` is a job of its own: its unit_of_work commits the batch, its outbox
messages and the run's counts together, and only then are the emails handed to delivery), so the
run's page sees the counts move and memory stays flat whatever the number of accounts.

«Never twice»: one ReceiptSending per link and month (a unique key), written before the email is
queued in the same savepoint; a link whose receipt of the month was sent is skipped by every later
run. An account that fails (its PDF cannot be made, no address) is counted as an error and noted
on its ReceiptSending; the next run of the month tries it again.

Without rq (no REDIS_URL) the job runs in a thread of this process (config RECEIPT_MAILING_THREAD,
on by default except under TESTING), as the billing import does.
"""
import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core.errors import Conflict, KabinetError, NotFound
from app.core.files import store_bytes
from app.core.jobs.context import job
from app.core.jobs.queue import enqueue_after_commit
from app.core.notifications.notify import queue_email
from app.core.paging import paginate
from app.extensions import db
from app.models import AccountLink, Charge, KabinetUser, PersonalAccount
from app.models.base import utcnow
from app.models.payments import ReceiptRun, ReceiptRunState, ReceiptSending
from workflows.documents.history import record_receipt
from workflows.meters.history import month_title

log = logging.getLogger(__name__)

#: links mailed per transaction
BATCH_LINKS = 200
#: how long rq lets one run go on, seconds
JOB_TIMEOUT = 6 * 3600
TEMPLATE = "receipt_monthly"
ACTIVE = (ReceiptRunState.QUEUED, ReceiptRunState.RUNNING)
FINISHED = (ReceiptRunState.DONE, ReceiptRunState.FAILED)
SENT, SKIPPED, ERROR = "sent", "skipped", "error"


def start_mailing(month: date, actor) -> ReceiptRun:
    """Record a run for `month` and queue it; Conflict while a run of that month is not finished.
    Flushes; the job starts once the request commits."""
    month = month.replace(day=1)
    _give_up_stale(month)
    busy = db.session.scalar(select(ReceiptRun.id).where(ReceiptRun.month == month, ReceiptRun.state.in_(ACTIVE)))
    if busy is not None:
        raise Conflict(f"Рассылка квитанций за {month_title(month).lower()} уже идет (№ {busy}): "
                       "дождитесь ее окончания")
    run = ReceiptRun(month=month, state=ReceiptRunState.QUEUED, started_by_id=getattr(actor, "id", None))
    db.session.add(run)
    db.session.flush()
    if current_app.extensions.get("kabinet_queue") is None and _in_thread():
        enqueue_after_commit(run_mailing_in_thread, run.id)
    else:
        enqueue_after_commit(run_mailing, run.id)
    return run


def _give_up_stale(month: date) -> None:
    """A run of `month` started longer than JOB_TIMEOUT ago and still not finished lost its worker
    (rq stopped it, the process was restarted): marked failed, so the month can be mailed again
    (what it sent is not sent twice)."""
    stale = db.session.scalars(select(ReceiptRun).where(
        ReceiptRun.month == month, ReceiptRun.state.in_(ACTIVE),
        ReceiptRun.created_at < utcnow() - timedelta(seconds=JOB_TIMEOUT))).all()
    for run in stale:
        run.state, run.finished_at = ReceiptRunState.FAILED, utcnow()
        run.failure = "Рассылка не завершилась: ее выполнение было остановлено"


def _in_thread() -> bool:
    return bool(current_app.config.get("RECEIPT_MAILING_THREAD", not current_app.testing))


def run_mailing_in_thread(run_id: int) -> None:
    """Start the run in a background thread of this process (no rq): the request returns now."""
    app = current_app._get_current_object()

    def work():
        with app.app_context():
            run_mailing(run_id)

    threading.Thread(target=work, name=f"receipt-mailing-{run_id}", daemon=True).start()


@job
def run_mailing(run_id: int) -> None:
    """The job: mail the run's month batch by batch, each batch committed on its own."""
    if not _begin(run_id):
        return
    after = 0
    try:
        while after is not None:
            after = _mail_batch(run_id, after)
    except Exception:
        log.exception("receipt mailing %s failed", run_id)
        _fail(run_id, "Рассылка прервана из-за ошибки сервера: отправленные квитанции не будут отправлены "
                      "повторно, запустите рассылку еще раз")


#: rq stops a job after 180 s by default (app.core.jobs.queue)
run_mailing.job_timeout = JOB_TIMEOUT


def subscribed_links(month: date):
    """Live links subscribed to the electronic receipt whose account has charges in `month`."""
    charged = exists().where(Charge.account_id == AccountLink.account_id, Charge.month == month)
    return select(AccountLink).where(AccountLink.unlinked_at.is_(None), AccountLink.receipt_electronic.is_(True),
                                     charged)


@job
def _begin(run_id: int) -> bool:
    """Mark the run running and count its links; False for a run already finished (or gone)."""
    run = db.session.get(ReceiptRun, run_id)
    if run is None or run.state in FINISHED:
        return False
    total = db.session.scalar(select(func.count()).select_from(subscribed_links(run.month).subquery()))
    run.state, run.total, run.processed, run.sent, run.errors, run.failure = \
        ReceiptRunState.RUNNING, total, 0, 0, 0, None
    return True


@job
def _mail_batch(run_id: int, after_id: int) -> int | None:
    """Mail the next BATCH_LINKS links after `after_id`; the last link's id, or None when done."""
    run = db.session.get(ReceiptRun, run_id)
    links = db.session.scalars(subscribed_links(run.month).where(AccountLink.id > after_id)
                               .options(selectinload(AccountLink.account), selectinload(AccountLink.consumer))
                               .order_by(AccountLink.id).limit(BATCH_LINKS)).all()
    for link in links:
        outcome = _mail_one(run, link)
        run.processed += 1
        run.sent += outcome == SENT
        run.errors += outcome == ERROR
    if len(links) == BATCH_LINKS:
        return links[-1].id
    run.state, run.finished_at, run.total = ReceiptRunState.DONE, utcnow(), run.processed
    return None


@job
def _fail(run_id: int, reason: str) -> None:
    run = db.session.get(ReceiptRun, run_id)
    run.state, run.failure, run.finished_at = ReceiptRunState.FAILED, reason, utcnow()


def _sending(link_id: int, month: date) -> ReceiptSending | None:
    return db.session.scalar(select(ReceiptSending).where(ReceiptSending.link_id == link_id,
                                                          ReceiptSending.month == month))


def _mail_one(run: ReceiptRun, link: AccountLink) -> str:
    """Send one link's receipt unless it was sent; an error is noted on its ReceiptSending."""
    earlier = _sending(link.id, run.month)
    if earlier is not None and earlier.sent:
        return SKIPPED
    try:
        with db.session.begin_nested():
            sending = earlier or ReceiptSending(link_id=link.id, month=run.month)
            sending.run_id, sending.error = run.id, None
            db.session.add(sending)
            db.session.flush()  # the claim: unique per link and month
            sending.file_id = _queue_receipt(run.month, link)
            sending.sent = True
            record_receipt(sending, link)  # «Мои документы»
        return SENT
    except IntegrityError:  # another run claimed it meanwhile
        return SKIPPED
    except Exception as exc:  # one account failing must not stop the run
        log.warning("receipt of link %s for %s not sent", link.id, run.month, exc_info=True)
        reason = exc.message if isinstance(exc, KabinetError) else "Не удалось сформировать квитанцию"
        _note_error(run, link.id, reason)
        return ERROR


def _note_error(run: ReceiptRun, link_id: int, reason: str) -> None:
    sending = _sending(link_id, run.month) or ReceiptSending(link_id=link_id, month=run.month)
    sending.run_id, sending.error, sending.sent = run.id, reason, False
    db.session.add(sending)
    db.session.flush()


def render_pdf(account: PersonalAccount, month: date) -> bytes:
    """The month's receipt of `account` (workflows/payments/receipts.py)."""
    from workflows.payments.receipts import render_receipt_pdf

    return render_receipt_pdf(account, month)


def receipt_file_name(account: PersonalAccount, month: date) -> str:
    return f"Квитанция_{account.number}_{month:%m.%Y}.pdf"


def recipient_of(link: AccountLink) -> str | None:
    """The link's own receipt address, else the consumer's confirmed email."""
    if link.receipt_email:
        return link.receipt_email
    user = db.session.get(KabinetUser, link.consumer.user_id)
    return user.email if user is not None and user.email and user.email_confirmed_at else None


def _queue_receipt(month: date, link: AccountLink) -> int:
    """Render, store and queue the email with the PDF attached; the stored file's id."""
    address = recipient_of(link)
    if not address:
        raise NoAddress("Нет адреса электронной почты для квитанции")
    account = link.account
    stored = store_bytes(render_pdf(account, month), receipt_file_name(account, month),
                         content_type="application/pdf")
    context = {"account": account, "month_title": month_title(month).lower(), "month": month}
    subject = render_template(f"notifications/{TEMPLATE}.subject.j2", **context).strip()
    body = render_template(f"notifications/{TEMPLATE}.txt.j2", **context).strip()
    queue_email(address, subject, body, user_id=link.consumer.user_id, template=TEMPLATE, attachment=stored)
    return stored.id


class NoAddress(KabinetError):
    """The link has no address to send its receipt to."""


# ---- what the admin pages show ------------------------------------------------------------------

@dataclass
class RunRow:
    id: int
    month: date
    state: str
    started_by: str | None
    created_at: datetime
    total: int | None
    processed: int
    sent: int
    errors: int


def listing(page: int, per_page: int):
    """Runs, newest first (LIMIT n+1), with who started each."""
    who = func.trim(func.coalesce(KabinetUser.last_name, "") + " " + func.coalesce(KabinetUser.first_name, ""))
    query = (select(ReceiptRun.id, ReceiptRun.month, ReceiptRun.state, who, ReceiptRun.created_at, ReceiptRun.total,
                    ReceiptRun.processed, ReceiptRun.sent, ReceiptRun.errors)
             .outerjoin(KabinetUser, KabinetUser.id == ReceiptRun.started_by_id)
             .order_by(ReceiptRun.id.desc()))
    return paginate(query, page, per_page, make=lambda row: RunRow(*row))


def get_run(run_id: int) -> ReceiptRun:
    run = db.session.get(ReceiptRun, run_id)
    if run is None:
        raise NotFound("Рассылка не найдена.")
    return run


def started_by(run: ReceiptRun) -> str | None:
    user = db.session.get(KabinetUser, run.started_by_id) if run.started_by_id else None
    return user.display_name if user is not None else None


def progress(run: ReceiptRun) -> dict:
    """The run's state and counts, as its page (and the script polling it) shows them."""
    total = run.total
    if run.state == ReceiptRunState.DONE:
        percent = 100
    elif total:
        percent = min(99, run.processed * 100 // total)
    else:
        percent = 0
    return {"state": run.state, "month": month_title(run.month), "total": total, "processed": run.processed,
            "sent": run.sent, "errors": run.errors, "skipped": run.processed - run.sent - run.errors,
            "percent": percent, "failure": run.failure, "finished": run.state in FINISHED}


def run_errors(run: ReceiptRun, limit: int = 200) -> list[tuple[str, str]]:
    """(account number, why) of the links this run could not send, the first `limit`."""
    query = (select(PersonalAccount.number, ReceiptSending.error)
             .join(AccountLink, AccountLink.id == ReceiptSending.link_id)
             .join(PersonalAccount, PersonalAccount.id == AccountLink.account_id)
             .where(ReceiptSending.run_id == run.id, ReceiptSending.sent.is_(False))
             .order_by(ReceiptSending.id).limit(limit))
    return [tuple(row) for row in db.session.execute(query)]
