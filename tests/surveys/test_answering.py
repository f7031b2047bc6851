"""«Опросы» in the cabinet: a consumer answers a survey once — «Спасибо за участие в опросе», the
list marks it «Вы уже ответили», a second answer is refused and changes nothing; a required question
left empty says «Поле обязательно для заполнения» under it and keeps what was typed elsewhere."""
import pytest
from sqlalchemy import func, select

from app.core.errors import Conflict
from app.extensions import db
from app.models import SurveyAnswer, SurveyResponse
from tests.factories import make_consumer
from tests.surveys import builders as s
from workflows.surveys import answering


@pytest.fixture
def world(ctx):
    class W:
        consumer = make_consumer(commit=False)
        survey = s.survey()
    db.session.commit()
    return W


def _counts():
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(SurveyResponse)),
            db.session.scalar(select(func.count()).select_from(SurveyAnswer)))


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_consumer_answers_once_and_is_thanked(client, login, world):
    login(world.consumer)
    url = f"/my/surveys/{world.survey.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Как Вы оцениваете обслуживание?" in _text(page)
    done = client.post(url, data=s.answers(world.survey, single=1, multiple=(0, 2), scale=4, text="Всё хорошо"),
                       follow_redirects=True)
    assert "Спасибо за участие в опросе" in _text(done)
    assert _counts() == (1, 5)  # one single, two multiple, one scale, one text
    listing = _text(client.get("/my/surveys/"))
    assert "Вы уже ответили" in listing
    again = client.post(url, data=s.answers(world.survey, single=2), follow_redirects=True)
    assert "Вы уже ответили на этот опрос. Повторный ответ не принимается." in _text(again)
    assert _counts() == (1, 5)


def test_the_stored_answer_is_shown_read_only(client, login, world):
    login(world.consumer)
    url = f"/my/surveys/{world.survey.id}"
    client.post(url, data=s.answers(world.survey, single=1, scale=4, text="Всё хорошо"))
    body = _text(client.get(url))
    one = s.questions(world.survey)[0]
    assert f'value="{one.options[1].id}"\n                     checked disabled' in body
    assert "Всё хорошо</textarea>" in body and 'data-test="survey-send"' not in body


def test_required_questions_say_so_and_what_was_typed_stays(client, login, world):
    login(world.consumer)
    one, many, rate, words = s.questions(world.survey)
    data = {f"q-{one.id}": str(one.options[2].id), f"q-{words.id}": "Мой отзыв"}
    response = client.post(f"/my/surveys/{world.survey.id}", data=data)
    body = _text(response)
    assert response.status_code == 400
    assert body.count("Поле обязательно для заполнения") == 2  # the multiple choice and the scale
    assert f'data-test="error-{many.id}"' in body and f'data-test="error-{rate.id}"' in body
    assert f'data-test="error-{one.id}"' not in body and f'data-test="error-{words.id}"' not in body
    assert f'value="{one.options[2].id}"\n                     checked' in body
    assert "Мой отзыв</textarea>" in body
    assert _counts() == (0, 0)


@pytest.mark.parametrize("field, value", [("single", "999999"), ("scale", "6"), ("scale", "abc"), ("multiple", "x")])
def test_a_value_not_offered_is_refused(client, login, world, field, value):
    login(world.consumer)
    one, many, rate, _ = s.questions(world.survey)
    question = {"single": one, "multiple": many, "scale": rate}[field]
    data = s.answers(world.survey) | {f"q-{question.id}": value}
    body = _text(client.post(f"/my/surveys/{world.survey.id}", data=data))
    assert f'data-test="error-{question.id}"' in body and "Выберите вариант из списка" in body
    assert _counts() == (0, 0)


def test_a_too_long_text_is_refused(client, login, world):
    login(world.consumer)
    words = s.questions(world.survey)[3]
    body = _text(client.post(f"/my/surveys/{world.survey.id}", data=s.answers(world.survey, text="я" * 2001)))
    assert f'data-test="error-{words.id}"' in body and "Не более 2000 символов" in body
    assert _counts() == (0, 0)


def test_a_closed_survey_takes_no_answer(client, login, world):
    world.survey.status = "closed"
    db.session.commit()
    login(world.consumer)
    assert client.post(f"/my/surveys/{world.survey.id}", data=s.answers(world.survey)).status_code == 404
    assert _counts() == (0, 0)


def test_an_answer_read_stale_loses_on_the_unique_constraint(world, monkeypatch):
    """The second of two simultaneous answers passed the «answered already?» check before the first
    committed: the unique constraint refuses it, in a savepoint (the session still works)."""
    answering.submit_answers(world.consumer, world.survey.id, _given(world.survey))
    db.session.commit()
    monkeypatch.setattr(answering, "_response_of", lambda survey_id, consumer_id: None)
    with pytest.raises(Conflict) as refused:
        answering.submit_answers(world.consumer, world.survey.id, _given(world.survey))
    assert refused.value.message == "Вы уже ответили на этот опрос. Повторный ответ не принимается."
    db.session.commit()
    assert _counts() == (1, 3)  # the empty optional text stores nothing


def _given(survey) -> dict:
    return {name: value if isinstance(value, list) else [value] for name, value in s.answers(survey).items()}
