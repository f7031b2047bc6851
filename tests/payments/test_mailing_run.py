"""«Рассылка квитанций»: a run mails one receipt (the PDF attached) per live link subscribed to the
electronic receipt whose account has charges that month, none to paper or unlinked ones; a re-run
sends nothing new; an account whose PDF fails is an error, the rest are sent; the progress JSON;
the month form's refusals."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage
from app.models.base import utcnow
from app.models.payments import ReceiptRun, ReceiptRunState, ReceiptSending
from app.security.roles import ORG_ADMIN
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff
from workflows.payments import mailing

BASE = "/payments/receipts/mailing/"
NOVEMBER = date(2026, 11, 1)


def _pdf(account, month):
    return f"%PDF-1.4 {account.number} {month:%m.%Y}".encode()


@pytest.fixture
def rendered(monkeypatch):
    """The receipt PDF (workflows/payments/receipts.py has its own tests): bytes naming the account;
    the accounts listed in `failing` fail to render."""
    failing = set()

    def render(account, month):
        if account.number in failing:
            raise RuntimeError("no bank details")
        return _pdf(account, month)

    monkeypatch.setattr(mailing, "render_pdf", render)
    return failing


@pytest.fixture
def world(ctx):
    """Subscribed with charges: `own` (the profile's email) and `other` (its own receipt address);
    not to be mailed: paper, unlinked, no charges in November, a confirmed email missing."""
    people = {name: make_consumer() for name in ("own", "other", "paper", "unlinked", "idle")}
    accounts = {name: b.account() for name in people}
    for name, acc in accounts.items():
        b.charge(acc, NOVEMBER if name != "idle" else date(2026, 10, 1), "1234.56")
    b.link(people["own"], accounts["own"], receipt_electronic=True)
    b.link(people["other"], accounts["other"], receipt_electronic=True, receipt_email="bills@example.ru")
    b.link(people["paper"], accounts["paper"], receipt_electronic=False)
    b.link(people["unlinked"], accounts["unlinked"], receipt_electronic=True, unlinked_at=utcnow())
    b.link(people["idle"], accounts["idle"], receipt_electronic=True)
    admin = make_staff(ORG_ADMIN)
    b.commit()
    return {"people": people, "accounts": accounts, "admin": admin}


def _start(client, month="2026-11"):
    return client.post(BASE + "start", data={"month": month})


def _run_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/mailing/(\d+)$", response.headers["Location"]).group(1))


def _mailed(sent):
    return sorted((m["To"], [(p.get_filename(), p.get_content()) for p in m.iter_attachments()]) for m in sent.emails)


def test_one_email_per_subscribed_link_with_charges_and_a_rerun_sends_nothing_new(client, login, world, rendered,
                                                                                  sent):
    login(world["admin"])
    run_id = _run_id(_start(client))
    own, other = world["accounts"]["own"], world["accounts"]["other"]
    assert _mailed(sent) == sorted([
        (world["people"]["own"].email, [(f"Квитанция_{own.number}_11.2026.pdf", _pdf(own, NOVEMBER))]),
        ("bills@example.ru", [(f"Квитанция_{other.number}_11.2026.pdf", _pdf(other, NOVEMBER))])])
    assert {m["Subject"] for m in sent.emails} == {f"Квитанция за ноябрь 2026 по лицевому счету № {a.number}"
                                                   for a in (own, other)}
    progress = client.get(f"{BASE}{run_id}/progress").get_json()
    assert {k: progress[k] for k in ("state", "total", "processed", "sent", "errors", "skipped", "percent",
                                      "finished")} == {"state": "done", "total": 2, "processed": 2, "sent": 2,
                                                       "errors": 0, "skipped": 0, "percent": 100, "finished": True}
    page = client.get(f"{BASE}{run_id}").get_data(as_text=True)
    assert "Ноябрь 2026" in page and "Завершена" in page and "/static/js/run-progress.js" in page
    assert re.search(r'data-test="mailing-sent">2<', page)

    sent.clear()
    rerun = _run_id(_start(client))
    assert sent.emails == []
    assert client.get(f"{BASE}{rerun}/progress").get_json()["skipped"] == 2
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    assert db.session.scalar(select(func.count()).select_from(ReceiptSending)) == 2
    listing = client.get(BASE).get_data(as_text=True)
    assert listing.count('data-test="mailing-run-row"') == 2 and "11.2026" in listing


def test_an_account_whose_receipt_fails_is_an_error_and_the_rest_are_sent(client, login, world, rendered, sent):
    own, other = world["accounts"]["own"], world["accounts"]["other"]
    rendered.add(own.number)
    login(world["admin"])
    run_id = _run_id(_start(client))
    assert [m["To"] for m in sent.emails] == ["bills@example.ru"]
    progress = client.get(f"{BASE}{run_id}/progress").get_json()
    assert (progress["state"], progress["sent"], progress["errors"], progress["processed"]) == ("done", 1, 1, 2)
    page = client.get(f"{BASE}{run_id}").get_data(as_text=True)
    assert re.search(rf'<td>{own.number}</td><td>Не удалось сформировать квитанцию</td>', page)
    rendered.clear()  # fixed: the next run of the month sends it, and only it
    sent.clear()
    rerun = _run_id(_start(client))
    assert [m["To"] for m in sent.emails] == [world["people"]["own"].email]
    assert client.get(f"{BASE}{rerun}/progress").get_json()["sent"] == 1


def test_a_link_without_an_address_is_an_error_noted(client, login, ctx, rendered, sent):
    consumer = make_consumer(confirmed=False)
    acc = b.account()
    b.charge(acc, NOVEMBER, "10.00")
    b.link(consumer, acc, receipt_electronic=True)
    admin = make_staff(ORG_ADMIN)
    b.commit()
    login(admin)
    run_id = _run_id(_start(client))
    assert sent.emails == []
    assert "Нет адреса электронной почты для квитанции" in client.get(f"{BASE}{run_id}").get_data(as_text=True)


def test_batches_commit_one_after_another_and_mail_every_link(client, login, world, rendered, sent, monkeypatch):
    monkeypatch.setattr(mailing, "BATCH_LINKS", 1)
    for _ in range(2):
        acc = b.account()
        b.charge(acc, NOVEMBER, "5.00")
        b.link(make_consumer(commit=False), acc, receipt_electronic=True)
    b.commit()
    login(world["admin"])
    run_id = _run_id(_start(client))
    assert len(sent.emails) == 4
    assert client.get(f"{BASE}{run_id}/progress").get_json()["sent"] == 4


def test_progress_of_a_run_still_going(client, login, world):
    run = ReceiptRun(month=NOVEMBER, state=ReceiptRunState.RUNNING, total=10, processed=4, sent=3, errors=1)
    db.session.add(run)
    db.session.commit()
    login(world["admin"])
    page = client.get(f"{BASE}{run.id}").get_data(as_text=True)
    assert "Выполняется" in page and 'style="width: 40%"' in page and 'data-finished="false"' in page
    assert f'data-progress-url="{BASE}{run.id}/progress"' in page and "<script>" not in page
    moved = client.get(f"{BASE}{run.id}/progress")
    assert moved.headers["Cache-Control"] == "no-store"
    assert {k: moved.get_json()[k] for k in ("processed", "sent", "errors", "skipped", "percent", "finished")} == \
        {"processed": 4, "sent": 3, "errors": 1, "skipped": 0, "percent": 40, "finished": False}


def test_a_month_being_mailed_cannot_be_started_again(client, login, world, rendered, sent):
    db.session.add(ReceiptRun(month=NOVEMBER, state=ReceiptRunState.RUNNING))
    db.session.commit()
    login(world["admin"])
    response = _start(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'data-test="error-month"' in page and "уже идет" in page
    assert 'value="2026-11"' in page and sent.emails == []
    assert _run_id(_start(client, "10.2026"))  # another month may go at the same time


@pytest.mark.parametrize("typed, message", [("", "Выберите месяц (ММ.ГГГГ)"), ("13.2026", "Выберите месяц (ММ.ГГГГ)"),
                                            ("2999-01", "Квитанции за будущий месяц еще нет")])
def test_a_wrong_month_is_refused_under_the_field(client, login, world, typed, message):
    login(world["admin"])
    response = _start(client, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'data-test="error-month"' in page and message in page
    assert f'value="{typed}"' in page or not typed
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ReceiptRun)) == 0


def test_the_receipt_attached_is_the_account_pdf_of_the_month(client, login, ctx, sent):
    consumer = make_consumer()
    acc = b.account()
    b.charge(acc, NOVEMBER, "1234.56")
    b.balance(acc, NOVEMBER, "1234.56", charged="1234.56")
    b.link(consumer, acc, receipt_electronic=True)
    admin = make_staff(ORG_ADMIN)
    b.commit()
    login(admin)
    run_id = _run_id(_start(client))
    assert client.get(f"{BASE}{run_id}/progress").get_json()["sent"] == 1
    [(name, data)] = [(p.get_filename(), p.get_content()) for p in sent.emails[0].iter_attachments()]
    assert name == f"Квитанция_{acc.number}_11.2026.pdf" and data.startswith(b"%PDF")


def test_a_run_that_breaks_is_failed_with_its_reason_and_the_month_can_go_again(client, login, world, rendered,
                                                                                sent, monkeypatch):
    def broken(run, link):
        raise RuntimeError("database went away")

    monkeypatch.setattr(mailing, "_mail_one", broken)
    login(world["admin"])
    run_id = _run_id(_start(client))
    progress = client.get(f"{BASE}{run_id}/progress").get_json()
    assert progress["state"] == "failed" and progress["finished"] and "Рассылка прервана" in progress["failure"]
    assert "Прервана" in client.get(f"{BASE}{run_id}").get_data(as_text=True)
    monkeypatch.undo()
    monkeypatch.setattr(mailing, "render_pdf", _pdf)
    assert client.get(f"{BASE}{_run_id(_start(client))}/progress").get_json()["sent"] == 2


def test_a_run_that_lost_its_worker_long_ago_does_not_hold_the_month(client, login, world, rendered, sent):
    stale = ReceiptRun(month=NOVEMBER, state=ReceiptRunState.RUNNING,
                       created_at=utcnow() - timedelta(seconds=mailing.JOB_TIMEOUT + 60))
    db.session.add(stale)
    db.session.commit()
    login(world["admin"])
    assert client.get(f"{BASE}{_run_id(_start(client))}/progress").get_json()["sent"] == 2
    assert fresh_state(stale) == ReceiptRunState.FAILED


def fresh_state(run):
    db.session.expire_all()
    return db.session.get(ReceiptRun, run.id).state
