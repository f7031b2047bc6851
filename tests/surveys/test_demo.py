"""The demo's survey: published for every consumer, answered by the demo ИП and ЮЛ (so the results
draw), left for the demo ФЛ to answer; created once."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import SurveyResponse
from tests.factories import make_consumer
from workflows.surveys import answering, results
from workflows.surveys.demo import demo_survey
from workflows.surveys.targeting import has_open_surveys


def test_the_demo_survey_is_answered_by_others_and_open_to_the_last(ctx):
    first, second, left = make_consumer(), make_consumer(), make_consumer()
    lines = demo_survey([first.email, second.email])
    db.session.commit()
    assert lines == ["  Опрос «Оценка качества оказываемых услуг и обслуживания» опубликован для всех потребителей; "
                     "ответили: 2."]
    assert demo_survey([first.email, second.email]) == []
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 2
    entry = answering.my_surveys(left)[0]
    assert entry.answered_at is None and has_open_surveys(left.consumer)
    quality = results.survey_results(entry.survey)[0]
    assert [(row.label, row.count) for row in quality.rows] == [
        ("Отлично", 1), ("Хорошо", 1), ("Удовлетворительно", 0), ("Плохо", 0)]
