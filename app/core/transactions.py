"""How a request's transaction ends when the view did not commit.

Flask-SQLAlchemy closes the session after every request, which rolls its transaction back.
psycopg forgets every prepared statement on ROLLBACK, so PostgreSQL planned each query of
each page again (0.4–0.6 ms a statement). A request that wrote nothing commits its
read-only transaction instead, which changes no data and keeps the plans; a request that
wrote (flushed, or ran an UPDATE/INSERT/DELETE) without committing is rolled back as before.
"""
import logging
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

log = logging.getLogger(__name__)

#: session.info key: the current transaction has written something
WROTE = "kabinet.wrote"


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush_context) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)


def wrote_nothing(session: Session) -> bool:
    return not session.info.get(WROTE) and not (session.new or session.dirty or session.deleted)


def init_transactions(app: Flask) -> None:
    from app.extensions import db

    # registered after Flask-SQLAlchemy's own teardown, so it runs before the session is closed
    @app.teardown_appcontext
    def _commit_read_only(exc):
        if exc is not None or not db.session.registry.has():
            return
        session = db.session()
        if session.in_transaction() and wrote_nothing(session):
            try:
                session.commit()
            except Exception:  # the session is closed next; a failed read-only commit loses nothing
                log.exception("committing a read-only transaction failed")


def discard() -> None:
    """Roll back whatever the session holds: a refused or failed request, before its answer is
    drawn (PostgreSQL refuses every query of a transaction that failed)."""
    from app.extensions import db

    db.session.rollback()


@contextmanager
def unit_of_work():
    """One transaction for a CLI command or a job (the request boundary's twin): committed
    once at the end, rolled back on any exception. The jobs it enqueued leave after the
    commit, as a request's do when it ends (app.core.jobs.queue)."""
    from app.core.jobs.queue import dispatch_ready
    from app.extensions import db

    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    dispatch_ready()
