"""`make run`'s demo data (app/demo.py): the sample files imported through the engine, the demo ФЛ
linked to an account, its branch accepting readings today (Moscow time); a second run adds nothing."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccountLink, Charge, ImportRun, KabinetUser, PersonalAccount
from workflows.billing.windows import reading_window, today


def test_demo_imports_the_samples_and_links_the_demo_consumer(ctx, reference_data):
    from app.demo import create_demo_data

    lines = create_demo_data("Demo-2026!")
    assert any("1000000001" in line for line in lines)
    runs = db.session.scalars(select(ImportRun).order_by(ImportRun.id)).all()
    assert [(run.state, run.errors) for run in runs] == [("done", 0)] * 10
    assert db.session.scalar(select(func.count()).select_from(Charge)) == 219
    link = db.session.scalar(select(AccountLink))
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == "fl@demo.kabinet"))
    assert link.consumer_id == user.consumer.id and link.account.number == "1000000001"
    assert reading_window(link.account.branch, today()).is_open

    create_demo_data("Demo-2026!")
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 10
    assert db.session.scalar(select(func.count()).select_from(PersonalAccount)) == 3


def test_an_import_in_the_callers_transaction_queues_no_job(ctx):
    from app.core.jobs.queue import PENDING_KEY
    from tests.billing import builders
    from workflows.billing.imports import import_in_transaction

    builders.branch("01")
    run = import_in_transaction("accounts", ("a.csv", "branch;account;address;owner\n01;7;Адрес;Иванов\n".encode()))
    assert (run.state, run.created) == ("done", 1) and not db.session().info.get(PENDING_KEY)
