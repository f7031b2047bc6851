"""How a request's transaction ends when the view did not commit (app/core/transactions.py)."""
import pytest
from sqlalchemy import event, select, text, update

from app.core import transactions
from app.extensions import db
from app.models import KabinetUser
from tests.factories import make_consumer


@pytest.fixture
def ends(app):
    """How each transaction of the test ended: "commit" or "rollback", in order."""
    log = []
    with app.app_context():
        engine = db.engine
    listeners = [(engine, "commit", lambda conn: log.append("commit")),
                 (engine, "rollback", lambda conn: log.append("rollback"))]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    yield log
    for target, name, listener in listeners:
        event.remove(target, name, listener)


def first_name(user_id):
    return db.session.scalar(select(KabinetUser.first_name).where(KabinetUser.id == user_id))


def test_a_request_that_only_read_commits(app, ctx, client, login, ends):
    login(make_consumer())
    ends.clear()
    assert client.get("/my/profile/").status_code == 200
    assert ends and ends[-1] == "commit" and "rollback" not in ends


def test_a_flushed_change_that_was_not_committed_is_rolled_back(app, ctx, ends):
    user_id = make_consumer().id
    with app.app_context():
        db.session.get(KabinetUser, user_id).first_name = "Изменено"
        db.session.flush()
    assert ends[-1] == "rollback"
    db.session.expire_all()
    assert first_name(user_id) != "Изменено"


def test_an_unflushed_change_is_rolled_back(app, ctx, ends):
    user_id = make_consumer().id
    with app.app_context():
        db.session.get(KabinetUser, user_id).first_name = "Изменено"
    db.session.expire_all()
    assert first_name(user_id) != "Изменено"


def test_an_update_statement_that_was_not_committed_is_rolled_back(app, ctx, ends):
    user_id = make_consumer().id
    with app.app_context():
        db.session.execute(update(KabinetUser).where(KabinetUser.id == user_id).values(first_name="Изменено"))
    assert ends[-1] == "rollback"
    db.session.expire_all()
    assert first_name(user_id) != "Изменено"


@pytest.mark.parametrize("read_only_commit", [True, False])
def test_postgresql_keeps_its_prepared_statements_between_requests(app, ctx, read_only_commit, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL matter")
    if not read_only_commit:  # the control: what a rollback at the end of each request did
        monkeypatch.setattr(transactions, "wrote_nothing", lambda session: False)
    user_id = make_consumer().id
    db.session.close()  # the test's own connection back to the pool: one connection serves all
    for _ in range(7):  # psycopg prepares a statement on its fifth run
        with app.app_context():
            assert db.session.scalar(select(KabinetUser.email).where(KabinetUser.id == user_id))
    with app.app_context():
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
    assert (prepared > 0) is read_only_commit
