"""«Опросы» in the consumer's cabinet (seed 004 §2.15): the surveys addressed to them, a survey's
questions, and their answer — once per survey: the unique constraint uq_survey_response_consumer
decides between two simultaneous submissions (two tabs, a double click), caught in a savepoint."""
from dataclasses import dataclass, field

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from app.core.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from app.models.surveys import QuestionKind
from app.security.access import current_consumer, ensure_consumer_survey, survey_visible_to
from workflows.billing.windows import today
from workflows.surveys import rules
from workflows.surveys.targeting import survey_is_open


class AnswersRefused(Invalid):
    """Some answers are missing or wrong: `field_errors` is question id → message."""

    def __init__(self, field_errors: dict[int, str]):
        super().__init__(rules.MSG_CHECK)
        self.field_errors = field_errors


def field_name(question_id: int) -> str:
    """The form field of a question's answer (several values for a multiple choice)."""
    return f"q-{question_id}"


@dataclass
class SurveyEntry:
    """A line of «Опросы»: the survey and when this consumer answered it (None: not yet)."""

    survey: Survey
    answered_at: object = None


def my_surveys(user) -> list[SurveyEntry]:
    """The open surveys addressed to the consumer first (ending soonest first), then those they answered."""
    consumer = current_consumer(user)
    if consumer is None:
        raise NotFound()
    rows = db.session.execute(
        select(Survey, SurveyResponse.submitted_at)
        .outerjoin(SurveyResponse, and_(SurveyResponse.survey_id == Survey.id,
                                        SurveyResponse.consumer_id == consumer.id))
        .where(survey_visible_to(consumer.id, today())))
    entries = [SurveyEntry(survey, answered_at) for survey, answered_at in rows]
    waiting = sorted((e for e in entries if e.answered_at is None), key=lambda e: (e.survey.ends_on, e.survey.id))
    answered = sorted((e for e in entries if e.answered_at is not None), key=lambda e: e.answered_at, reverse=True)
    return waiting + answered


@dataclass
class SurveyPage:
    """A survey as its consumer sees it: open for an answer, or their answer shown."""

    survey: Survey
    response: SurveyResponse | None
    is_open: bool
    #: question id → the values given (the stored answer, or what was typed in a refused form)
    values: dict = field(default_factory=dict)


def survey_page(user, survey_id: int) -> SurveyPage:
    """The survey addressed to the consumer (404 for anyone else), with their answer if any."""
    consumer, survey = ensure_consumer_survey(user, survey_id, today())
    response = _response_of(survey.id, consumer.id)
    values = {}
    if response is not None:
        for answer in response.answers:
            values.setdefault(answer.question_id, []).append(_stored_value(answer))
    return SurveyPage(survey, response, survey_is_open(survey) and response is None, values)


def _response_of(survey_id: int, consumer_id: int) -> SurveyResponse | None:
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey_id,
                                                          SurveyResponse.consumer_id == consumer_id))


def _stored_value(answer: SurveyAnswer) -> str:
    if answer.option_id is not None:
        return str(answer.option_id)
    if answer.scale_value is not None:
        return str(answer.scale_value)
    return answer.text or ""


def submit_answers(user, survey_id: int, given: dict) -> SurveyResponse:
    """«Отправить»: the consumer's answers, once. `given` is field name → list of values (the form)."""
    consumer, survey = ensure_consumer_survey(user, survey_id, today())
    if _response_of(survey.id, consumer.id) is not None:
        raise Conflict(rules.MSG_ALREADY)
    if not survey_is_open(survey):
        raise Invalid(rules.MSG_NOT_OPEN)
    answers, errors = [], {}
    for question in survey.questions:
        values = [value.strip() for value in given.get(field_name(question.id), []) if value.strip()]
        try:
            answers.extend(_answers_to(question, values))
        except Invalid as exc:
            errors[question.id] = exc.message
    if errors:
        raise AnswersRefused(errors)
    response = SurveyResponse(survey_id=survey.id, consumer_id=consumer.id, answers=answers)
    try:
        with db.session.begin_nested():  # a simultaneous answer committed first: this one only is undone
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        raise Conflict(rules.MSG_ALREADY) from None
    return response


def _answers_to(question: SurveyQuestion, values: list[str]) -> list[SurveyAnswer]:
    """The answer rows of one question, or Invalid with the message shown under it."""
    if not values:
        if question.required:
            raise Invalid(rules.MSG_REQUIRED)
        return []
    if question.kind == QuestionKind.TEXT:
        if len(values[0]) > rules.TEXT_ANSWER_MAX:
            raise Invalid(rules.MSG_TOO_LONG)
        return [SurveyAnswer(question_id=question.id, text=values[0])]
    if question.kind == QuestionKind.SCALE:
        allowed = {str(n): n for n in range(question.scale_min, question.scale_max + 1)}
        if len(values) != 1 or values[0] not in allowed:
            raise Invalid(rules.MSG_CHOOSE)
        return [SurveyAnswer(question_id=question.id, scale_value=allowed[values[0]])]
    options = {str(option.id): option.id for option in question.options}
    chosen = list(dict.fromkeys(values))
    if any(value not in options for value in chosen) or (question.kind == QuestionKind.SINGLE and len(chosen) != 1):
        raise Invalid(rules.MSG_CHOOSE)
    return [SurveyAnswer(question_id=question.id, option_id=options[value]) for value in chosen]
