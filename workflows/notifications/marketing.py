"""«Рассылка уведомлений и рекламной продукции» from the admins (E7): a subject and a text emailed,
through the outbox, only to consumers who consented — each email with its unsubscribe link.

`start_mailing()` (the admin's command) records the mailing and queues `run_mailing()` for after
the commit, like the receipt mailing (workflows/payments/mailing.py): the job goes through the
consenting consumers by id, BATCH at a time, each batch a transaction of its own. «Never twice»:
one MarketingSending per mailing and consumer (a unique key), written in the savepoint that queues
the email, so a rerun or a second worker skips whoever was mailed.
"""
from flask import render_template
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from app.core.errors import NotFound
from app.core.jobs.context import job
from app.core.jobs.queue import enqueue_after_commit
from app.core.notifications.notify import queue_email
from app.core.paging import paginate
from app.extensions import db
from app.models import ConsumerProfile, KabinetUser, MarketingMailing, MarketingSending, NotificationSettings
from app.models.base import utcnow
from app.models.notifications import MarketingMailingState as S
from workflows.notifications.settings import unsubscribe_link

TEMPLATE = "marketing"
#: consumers mailed per transaction
BATCH = 200


def start_mailing(subject: str, body: str, actor) -> MarketingMailing:
    """Record the mailing and queue its job for after the request commits."""
    mailing = MarketingMailing(subject=subject.strip(), body=body.strip(), state=S.QUEUED,
                               created_by_id=getattr(actor, "id", None))
    db.session.add(mailing)
    db.session.flush()
    enqueue_after_commit(run_mailing, mailing.id)
    return mailing


def consenting():
    """Consumers who consented to marketing, with a confirmed email: the only recipients."""
    return (select(KabinetUser, NotificationSettings)
            .join(NotificationSettings, NotificationSettings.user_id == KabinetUser.id)
            .join(ConsumerProfile, ConsumerProfile.user_id == KabinetUser.id)
            .where(NotificationSettings.marketing_consent.is_(True), KabinetUser.active.is_(True),
                   KabinetUser.email.is_not(None), KabinetUser.email_confirmed_at.is_not(None)))


@job
def run_mailing(mailing_id: int) -> None:
    """The job: every consenting consumer's email, batch by batch."""
    after = 0
    while after is not None:
        after = _mail_batch(mailing_id, after)


@job
def _mail_batch(mailing_id: int, after_id: int) -> int | None:
    """Queue the next BATCH emails after user `after_id`; the last user's id, or None when done."""
    mailing = db.session.get(MarketingMailing, mailing_id)
    if mailing is None or mailing.state == S.DONE:
        return None
    mailing.state = S.RUNNING
    mailed = exists().where(MarketingSending.mailing_id == mailing_id, MarketingSending.user_id == KabinetUser.id)
    rows = db.session.execute(consenting().where(KabinetUser.id > after_id, ~mailed)
                              .order_by(KabinetUser.id).limit(BATCH)).all()
    for user, consent in rows:
        mailing.sent += _mail_one(mailing, user, consent)
    if len(rows) == BATCH:
        return rows[-1][0].id
    mailing.state, mailing.finished_at = S.DONE, utcnow()
    return None


def _mail_one(mailing: MarketingMailing, user: KabinetUser, consent: NotificationSettings) -> int:
    """1 when the email went to the outbox, 0 when this consumer had it already."""
    try:
        with db.session.begin_nested():
            db.session.add(MarketingSending(mailing_id=mailing.id, user_id=user.id))
            db.session.flush()  # the claim: unique per mailing and consumer
            context = {"mailing": mailing, "user": user, "unsubscribe_link": unsubscribe_link(consent)}
            body = render_template(f"notifications/{TEMPLATE}.txt.j2", **context).strip()
            queue_email(user.email, mailing.subject, body, user_id=user.id, template=TEMPLATE)
        return 1
    except IntegrityError:
        return 0


def listing(page: int, per_page: int = 30):
    """The mailings, newest first."""
    return paginate(select(MarketingMailing).order_by(MarketingMailing.id.desc()), page, per_page)


def get_mailing(mailing_id: int) -> MarketingMailing:
    mailing = db.session.get(MarketingMailing, mailing_id)
    if mailing is None:
        raise NotFound("Рассылка не найдена.")
    return mailing
