"""A survey's results for admins: the number of respondents, per question the count and share of
each option or scale value (the chart's data), the free-text answers, and every answer as CSV
(app/core/exports.py: `;`-separated UTF-8 with a byte-order mark, like every Kabinet export).
Respondents are not named: the results and the export show answers, not who gave them."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.core.exports import csv_text
from app.core.formatting import format_datetime
from app.extensions import db
from app.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from app.models.surveys import QuestionKind


@dataclass
class ResultRow:
    label: str
    count: int
    #: share of the question's respondents, «42,9 %»
    percent: str


@dataclass
class QuestionResult:
    question: SurveyQuestion
    #: respondents who answered this question
    answered: int = 0
    rows: list = field(default_factory=list)
    texts: list = field(default_factory=list)

    def chart(self) -> dict:
        """What static/js/surveys-results.js draws: labels and counts."""
        return {"labels": [row.label for row in self.rows], "counts": [row.count for row in self.rows]}


def percent(count: int, total: int) -> str:
    return (f"{count * 100 / total:.1f}".replace(".", ",") if total else "0,0") + "\u00a0%"


def respondents(survey: Survey) -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey.id)) or 0


def survey_results(survey: Survey) -> list[QuestionResult]:
    """Per question, in order: counts of every option/scale value (zeros included) and the texts."""
    of_survey = SurveyAnswer.response_id.in_(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id))
    counts = {(q, o, s): n for q, o, s, n in db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.option_id, SurveyAnswer.scale_value, func.count())
        .where(of_survey, SurveyAnswer.text.is_(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.option_id, SurveyAnswer.scale_value))}
    answered = dict(db.session.execute(
        select(SurveyAnswer.question_id, func.count(SurveyAnswer.response_id.distinct()))
        .where(of_survey).group_by(SurveyAnswer.question_id)).all())
    texts: dict = {}
    for question_id, text in db.session.execute(select(SurveyAnswer.question_id, SurveyAnswer.text)
                                                .where(of_survey, SurveyAnswer.text.is_not(None))
                                                .order_by(SurveyAnswer.id)):
        texts.setdefault(question_id, []).append(text)
    results = []
    for question in survey.questions:
        result = QuestionResult(question, answered.get(question.id, 0), texts=texts.get(question.id, []))
        for label, key in _choices(question):
            count = counts.get((question.id, *key), 0)
            result.rows.append(ResultRow(label, count, percent(count, result.answered)))
        results.append(result)
    return results


def _choices(question: SurveyQuestion) -> list[tuple[str, tuple]]:
    """(label, (option_id, scale_value)) of every possible answer of a choice or scale question."""
    if question.kind == QuestionKind.SCALE:
        return [(str(n), (None, n)) for n in range(question.scale_min, question.scale_max + 1)]
    if question.kind == QuestionKind.TEXT:
        return []
    return [(option.text, (option.id, None)) for option in question.options]


def answers_csv(survey: Survey) -> str:
    """Every response as a row: its number, when, and one column per question (the options chosen
    joined with «, »)."""
    questions = list(survey.questions)
    options = {option.id: option.text for question in questions for option in question.options}
    header = ["№ ответа", "Дата и время ответа"] + [question.text for question in questions]
    rows, by_response = [], {}
    answers = db.session.execute(
        select(SurveyResponse.id, SurveyResponse.submitted_at, SurveyAnswer.question_id, SurveyAnswer.option_id,
               SurveyAnswer.scale_value, SurveyAnswer.text)
        .outerjoin(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyResponse.survey_id == survey.id).order_by(SurveyResponse.id, SurveyAnswer.id))
    for response_id, submitted_at, question_id, option_id, scale_value, text in answers:
        cells = by_response.get(response_id)
        if cells is None:
            cells = by_response[response_id] = {}
            rows.append((response_id, submitted_at, cells))
        if question_id is not None:
            cells.setdefault(question_id, []).append(
                options.get(option_id) if option_id is not None else scale_value if scale_value is not None else text)
    return csv_text(header, [
        [number, format_datetime(submitted_at)] + [_cell(cells.get(question.id)) for question in questions]
        for number, (_id, submitted_at, cells) in enumerate(rows, 1)])


def _cell(values):
    if not values:
        return ""
    if len(values) == 1:
        return values[0]
    return ", ".join(str(value) for value in values)
