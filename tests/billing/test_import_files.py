"""The formats a billing system exports (D1): Windows-1251 with «1 234,56», JSON arrays, a
changed row updating its record, progress written batch by batch, the error file."""
import threading
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.core.jobs.queue import dispatch_ready
from app.extensions import db
from app.models import Charge, PersonalAccount
from tests.billing.test_import_samples import SAMPLES, dictionaries, import_file  # noqa: F401
from workflows.billing.imports import commands, error_file_csv, progress, start_import


def accounts_and_services():
    import_file("services", "services.csv")
    import_file("accounts", "accounts.csv")


def test_cp1251_with_spaced_amounts_and_json_of_the_same_rows_agree(dictionaries):
    accounts_and_services()
    assert SAMPLES.joinpath("charges.csv").read_bytes().decode("cp1251")  # the sample is Windows-1251
    run = import_file("charges", "charges.csv")
    assert (run.encoding, run.errors, run.created) == ("cp1251", 0, 219)
    winter = db.session.scalar(select(Charge).where(Charge.month == date(2026, 2, 1), Charge.amount > 1000))
    assert (winter.amount, winter.volume, winter.price) == (Decimal("1234.56"), Decimal("192"), Decimal("6.43"))
    same = import_file("charges", "charges.json")
    assert (same.file_format, same.encoding) == ("json", "utf-8")
    assert progress(same) | {"failure": None} == {
        "state": "done", "total": 219, "processed": 219, "created": 0, "updated": 0, "unchanged": 219,
        "errors": 0, "percent": 100, "failure": None}


def test_json_accounts_then_a_changed_row_updates_only_that_record(dictionaries):
    first = import_file("accounts", "accounts.json")
    assert (first.created, first.errors) == (3, 0)
    account = db.session.scalar(select(PersonalAccount).where(PersonalAccount.number == "1000000002"))
    assert (account.title, account.electric_heating, account.receipt_delivery) == ("Дача", True, "electronic")
    assert account.area_total == Decimal("32.00") and account.search_text.startswith("1000000002 / самарская")
    text = SAMPLES.joinpath("accounts.csv").read_text(encoding="utf-8-sig")
    changed = text.replace("Петров Иван Сергеевич;32,00", "Петрова Анна Ивановна;32,00")
    run = import_file("accounts", "accounts.csv", changed.encode("utf-8"))
    assert (run.created, run.updated, run.unchanged, run.errors) == (0, 1, 2, 0)
    db.session.refresh(account)
    assert account.owner_name == "Петрова Анна Ивановна" and "петрова анна" in account.search_text


def test_progress_is_written_after_every_batch(dictionaries, monkeypatch):
    monkeypatch.setattr(commands, "BATCH_ROWS", 2)
    saved = []
    original = commands._save
    monkeypatch.setattr(commands, "_save", lambda conn, run_id, commit, **values: (
        saved.append(values.get("processed")), original(conn, run_id, commit, **values)))
    run = import_file("accounts", "accounts.csv")
    assert [n for n in saved if n] == [2, 3] and run.total == 3


def test_the_error_file_lists_refused_rows_for_excel(dictionaries):
    data = "branch;account;address;owner\n01;1;Адрес;\n=1+1;2;Адрес;Иванов\n".encode("cp1251")
    run = import_file("accounts", "accounts.csv", data)
    out = error_file_csv(run)
    out.seek(0)
    assert out.read().splitlines() == [
        "\ufeffСтрока;Столбец;Причина;Данные",
        '2;owner;Не заполнено обязательное значение;"01;1;Адрес;"',
        "3;branch;Неизвестный филиал «=1+1»;\"'=1+1;2;Адрес;Иванов\"",
    ]


def test_without_rq_the_run_goes_on_in_a_thread_of_its_own(app, dictionaries, monkeypatch):
    monkeypatch.setitem(app.config, "BILLING_IMPORT_THREAD", True)
    started = []

    class Recorded(threading.Thread):
        def start(self):
            started.append(self)
            super().start()

    monkeypatch.setattr(commands.threading, "Thread", Recorded)
    run = start_import("accounts", ("accounts.csv", SAMPLES.joinpath("accounts.csv").read_bytes()))
    db.session.commit()
    dispatch_ready()
    assert [t.name for t in started] == [f"billing-import-{run.id}"]
    started[0].join(timeout=30)
    db.session.expire_all()
    assert progress(db.session.get(type(run), run.id))["created"] == 3


def test_a_run_broken_midway_keeps_its_batches_and_a_rerun_duplicates_nothing(dictionaries, monkeypatch):
    monkeypatch.setattr(commands, "BATCH_ROWS", 2)
    original = commands.Applier.store
    calls = []

    def failing_second(self, *args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return original(self, *args)

    monkeypatch.setattr(commands.Applier, "store", failing_second)
    run = import_file("accounts", "accounts.csv")
    assert run.state == "failed" and "после строки 2" in run.failure and run.processed == 2
    assert db.session.scalar(select(func.count()).select_from(PersonalAccount)) == 2

    monkeypatch.setattr(commands.Applier, "store", original)
    run.state = "running"  # as a worker that died leaves it; rq runs the job again
    db.session.commit()
    commands.run_import(run.id)
    db.session.expire_all()
    assert (run.state, run.created, run.unchanged, run.errors) == ("done", 1, 2, 0)
    assert db.session.scalar(select(func.count()).select_from(PersonalAccount)) == 3


def test_under_rq_the_job_may_run_for_hours(app, redis_url, dictionaries):
    """rq stops a job after 180 s unless told otherwise; a file of millions of rows takes longer."""
    from app import create_app

    queued = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        UPLOAD_DIR=app.config["UPLOAD_DIR"], REDIS_URL=redis_url, RQ_QUEUE="test-billing-import")
    with queued.app_context():
        queue = queued.extensions["kabinet_queue"]
        queue.empty()
        run = start_import("accounts", ("accounts.csv", SAMPLES.joinpath("accounts.csv").read_bytes()))
        db.session.commit()
        dispatch_ready()
        (job,) = queue.jobs
        assert (job.func_name, job.args, job.timeout) == ("workflows.billing.imports.commands.run_import",
                                                         (run.id,), commands.JOB_TIMEOUT)
        queue.empty()
