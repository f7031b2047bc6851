"""Staff answer an appeal in their queue: «Обращения» filters the queue, the due date shows, «Дать
ответ» needs the answer, and the consumer reads it on the card, in the history, in a notice and
an email through the outbox."""
import pytest

from app.extensions import db
from app.models import Notification, OutboxMessage
from tests.appeals import builders
from tests.factories import make_staff

ANSWER = "Начисление выполнено по нормативу: показания за октябрь не передавались."


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


@pytest.fixture
def w(ctx):
    w = builders.world()
    w["appeal"] = builders.write(w["owner"], w)
    w["staff"] = make_staff()
    return w


def test_the_queue_has_an_appeals_filter_with_the_due_date(client, login, w):
    login(w["staff"])
    page = _text(client.get("/staff/queue/?kind=appeal"))
    application = w["appeal"].application
    assert 'data-test="kind-appeal"' in page and application.number in page
    assert application.due_on.strftime("%d.%m.%Y") in page
    others = _text(client.get("/staff/queue/?kind=appeal&q=НЕТ-ТАКОГО"))
    assert application.number not in others


def _answer(client, w, comment, name="Дать ответ"):
    application = w["appeal"].application
    return client.post(f"/staff/applications/{application.id}/save",
                       data={"version": str(application.version), "number": application.number,
                             "transition_id": str(builders.answer_transition(w["appeal"], name).id),
                             "comment": comment}, follow_redirects=True)


def test_an_answer_needs_its_text(client, login, w):
    login(w["staff"])
    _answer(client, w, "")
    db.session.expire_all()
    assert w["appeal"].application.status.name == "Зарегистрировано"


def test_the_consumer_reads_the_answer_and_is_told(client, login, w):
    login(w["staff"])
    _answer(client, w, ANSWER)
    db.session.expire_all()
    assert w["appeal"].application.status.name == "Ответ дан"
    notice = db.session.query(Notification).filter_by(user_id=w["owner"].id).order_by(Notification.id.desc()).first()
    assert "Ответ дан" in notice.title and ANSWER in notice.body
    assert notice.link == f"/my/appeals/by-application/{w['appeal'].application_id}"
    mail = db.session.query(OutboxMessage).filter_by(recipient=w["owner"].email).order_by(OutboxMessage.id.desc()).first()
    assert mail is not None and ANSWER in mail.body
    login(w["owner"])
    card = client.get(notice.link, follow_redirects=True)
    page = _text(card)
    assert 'data-test="org-answer"' in page and ANSWER in page and "Ответ дан" in page
    history = _text(client.get("/my/appeals/"))
    assert ANSWER[:40] in history and "Ответ дан" in history


def test_an_unanswered_appeal_says_why(client, login, w):
    login(w["staff"])
    _answer(client, w, "Текст обращения не поддается прочтению", name="Оставить без ответа")
    login(w["owner"])
    page = _text(client.get(f"/my/appeals/{w['appeal'].id}"))
    assert "Оставлено без ответа" in page and "не поддается прочтению" in page
