"""One commit at the boundary (app/web/boundary.py) and its twin for CLI commands and jobs
(app.core.transactions.unit_of_work): the work is committed once when it is done, rolled back on
any error, and a KabinetError reaches the user once — a flash and back for a sent form, the
portal's page of its status otherwise.

The probe views run on an app of their own, built beside the session's, with the portal's
views and the probes wrapped by the same init_boundary; COMMITs are counted on its engine. Its
requests do not take their turn at the in-process outbox sweep (a unit of work of its own that
a request runs after its response once a minute, app.core.jobs.queue.sweep_in_process).
"""
import pytest
from flask import get_flashed_messages
from sqlalchemy import delete, event, select, text

from app.cli import kabinet_cli, transactional
from app.core.errors import STALE_FORM, Invalid
from app.core.jobs.context import job
from app.core.notifications.notify import queue_sms
from app.core.jobs.queue import dispatch_ready
from app.extensions import db
from app.models import KabinetUser, Notification, OutboxMessage, OutboxStatus
from app.models import FormToken
from app.web import form_tokens
from app.web.boundary import init_boundary
from app.security.roles import ADMIN
from tests.factories import make_consumer

REFUSAL = "Зонд отказал"
CHANGED = "Изменено зондом"
FORM_PAGE = "http://localhost/probe/form"


def _probe_view(notice_id: int, action: str):
    """Change a notice's title, then end as `action` says."""
    notice = db.session.get(Notification, notice_id)
    notice.title = CHANGED
    if action in ("refuse", "crash", "stale-flush"):
        if action == "stale-flush":
            _delete_elsewhere(notice_id)
        db.session.flush()
    if action == "refuse":
        raise Invalid(REFUSAL)
    if action == "crash":
        raise RuntimeError("the probe crashed")
    if action == "broken":  # a failed statement: PostgreSQL refuses every later one in the transaction
        db.session.execute(text("SELECT no_such_column FROM notification"))
    if action == "stale":
        _delete_elsewhere(notice_id)
    if action in ("claim-and-fail", "claim-and-finish"):
        form_tokens.claim(db.session.get(KabinetUser, notice.user_id), fallback="/probe/form")
        if action == "claim-and-finish":
            form_tokens.produced("/probe/form")
    return "ok"


def _delete_elsewhere(notice_id: int) -> None:
    """Another request removes the row meanwhile, in its own committed transaction."""
    with db.engine.begin() as other:
        other.execute(delete(Notification).where(Notification.id == notice_id))


@pytest.fixture(scope="module")
def probe(make_module_app):
    probe_app = make_module_app(OUTBOX_SWEEP_SECONDS=0)
    probe_app.add_url_rule("/probe/form", "probe_form", lambda: " | ".join(get_flashed_messages()))
    probe_app.add_url_rule("/probe/<int:notice_id>/<action>", "probe", _probe_view, methods=["GET", "POST"])
    init_boundary(probe_app)
    return probe_app


@pytest.fixture
def commits(probe):
    """The COMMITs the probe app's engine sent during the test."""
    with probe.app_context():
        engine = db.engine
    log = []

    def count(connection):
        log.append("commit")

    event.listen(engine, "commit", count)
    yield log
    event.remove(engine, "commit", count)


@pytest.fixture
def notice(ctx):
    row = Notification(user_id=make_consumer().id, title="Исходное")
    db.session.add(row)
    db.session.commit()
    return row.id


def title_of(probe, notice_id: int):
    with probe.app_context():
        return db.session.scalar(select(Notification.title).where(Notification.id == notice_id))


def signed_in(probe, user):
    client = probe.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


# ---- requests ------------------------------------------------------------------------

def test_a_portal_form_commits_once(probe, ctx, commits):
    user = make_consumer()
    assert user.notify_email
    client = signed_in(probe, user)
    commits.clear()
    response = client.post("/my/notify-settings/", data={"notify_sms": "y"}, headers={"Referer": FORM_PAGE})
    assert response.status_code == 302
    assert commits == ["commit"]
    with probe.app_context():
        assert db.session.get(KabinetUser, user.id).notify_email is False


def test_a_view_that_returns_is_committed_once(probe, notice, commits):
    response = probe.test_client().post(f"/probe/{notice}/write")
    assert response.status_code == 200
    assert commits == ["commit"]
    assert title_of(probe, notice) == CHANGED


def test_a_refusal_of_a_sent_form_rolls_back_and_is_flashed_on_the_form(probe, notice):
    client = probe.test_client()
    response = client.post(f"/probe/{notice}/refuse", headers={"Referer": FORM_PAGE})
    assert response.status_code == 302 and response.headers["Location"] == "/probe/form"
    assert title_of(probe, notice) == "Исходное"
    assert client.get("/probe/form").get_data(as_text=True) == REFUSAL


def test_a_refusal_of_a_page_is_its_status_with_its_message(probe, notice):
    response = probe.test_client().get(f"/probe/{notice}/refuse")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert REFUSAL in page and 'data-test="error-page"' in page and "kb-minimal" not in page
    assert title_of(probe, notice) == "Исходное"


def test_a_refused_form_sent_without_a_referrer_is_the_page_of_its_status(probe, notice):
    """Its own address may take POST only: redirecting there would answer 405."""
    response = probe.test_client().post(f"/probe/{notice}/refuse")
    assert response.status_code == 400 and REFUSAL in response.get_data(as_text=True)
    assert title_of(probe, notice) == "Исходное"


@pytest.mark.parametrize("action, kept", [("claim-and-fail", False), ("claim-and-finish", True)])
def test_a_form_token_is_kept_only_for_finished_work(probe, notice, action, kept):
    """A form that came back with its errors (the view returned, nothing produced) can be
    sent again once corrected; a finished one is a repeat."""
    response = probe.test_client().post(f"/probe/{notice}/{action}", data={"form_token": "t" * 32})
    assert response.status_code == 200
    with probe.app_context():
        assert (db.session.scalar(select(FormToken.token)) is not None) is kept


def test_a_refused_fab_edit_form_is_not_saved(probe, ctx, monkeypatch):
    """FAB flashes what pre_update raised and returns normally; its datamodel commits what it
    saves, so the boundary rolls back what the refused form wrote into the row."""
    from app.core.errors import Forbidden
    from app.models import Branch
    from app.views.admin.dictionaries import BranchView
    from tests.factories import make_staff

    branch = Branch(name="Северный", code="N1")
    db.session.add(branch)
    db.session.commit()
    monkeypatch.setattr(BranchView, "pre_update", lambda self, item: (_ for _ in ()).throw(Forbidden(REFUSAL)))
    client = signed_in(probe, make_staff(ADMIN))
    page = client.get(f"/admin/branches/edit/{branch.id}")
    assert page.status_code == 200
    response = client.post(f"/admin/branches/edit/{branch.id}", data={"name": "Переименован", "code": "N1", "sort_order": "1", "active": "y"})
    assert response.status_code in (200, 302)
    with probe.app_context():
        assert db.session.get(Branch, branch.id).name == "Северный"


@pytest.mark.parametrize("action", ["stale", "stale-flush"])  # found at the commit, or at a flush in the view
def test_a_row_changed_meanwhile_is_the_stale_form_refusal(probe, notice, action):
    client = probe.test_client()
    response = client.post(f"/probe/{notice}/{action}", headers={"Referer": FORM_PAGE})
    assert response.status_code == 302
    assert client.get("/probe/form").get_data(as_text=True) == str(STALE_FORM)


@pytest.mark.parametrize("action", ["crash", "broken"])
def test_an_exception_rolls_back_and_the_error_page_still_draws(probe, notice, monkeypatch, action):
    monkeypatch.setitem(probe.config, "PROPAGATE_EXCEPTIONS", False)
    response = probe.test_client().post(f"/probe/{notice}/{action}")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert 'data-test="error-page"' in page and "kb-minimal" not in page  # the full page: queries work again
    assert title_of(probe, notice) == "Исходное"


# ---- CLI commands and jobs -------------------------------------------------------------

def test_a_cli_command_commits_once(probe, commits):
    result = probe.test_cli_runner().invoke(args=["kabinet", "seed"])
    assert result.exit_code == 0, result.output
    assert commits == ["commit"]


def test_a_refused_cli_command_changes_nothing_and_says_why(probe, notice, commits):
    @transactional("probe-refusal")
    def refuse():
        db.session.get(Notification, notice).title = CHANGED
        db.session.flush()
        raise Invalid(REFUSAL)

    try:
        result = probe.test_cli_runner().invoke(args=["kabinet", "probe-refusal"])
    finally:
        kabinet_cli.commands.pop("probe-refusal")
    assert result.exit_code == 1 and REFUSAL in result.output
    assert commits == [] and title_of(probe, notice) == "Исходное"


@job
def retitle(notice_id: int, title: str, *, sms: bool = False, fail: bool = False) -> None:
    db.session.get(Notification, notice_id).title = title
    if sms:
        queue_sms("+79120000077", "Задание выполнено")
    if fail:
        raise RuntimeError("the job failed")


def test_a_job_commits_once(probe, notice, commits):
    with probe.app_context():
        retitle(notice, "Задание")
    assert commits == ["commit"]
    assert title_of(probe, notice) == "Задание"


def test_a_job_hands_its_messages_over_after_its_commit(probe, notice, sent):
    with probe.app_context():
        retitle(notice, "Задание", sms=True)
    assert sent.sms == [("+79120000077", "Задание выполнено")]


def test_a_failed_job_changes_nothing_and_sends_nothing(probe, notice, commits, sent):
    with probe.app_context(), pytest.raises(RuntimeError):
        retitle(notice, "Задание", sms=True, fail=True)
    assert commits == [] and sent.sms == []
    assert title_of(probe, notice) == "Исходное"
    with probe.app_context():
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_delivery_commits_its_claim_and_its_outcome(probe, ctx, commits, sent):
    message_id = queue_sms("+79120000078", "Код 1234").id
    db.session.commit()
    commits.clear()
    with probe.app_context():
        assert dispatch_ready() == 1  # deliver_outbox_message, in-process
    assert commits == ["commit", "commit"]  # the claim, then the outcome: each at once (outbox.py)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.SENT
    assert sent.sms == [("+79120000078", "Код 1234")]
