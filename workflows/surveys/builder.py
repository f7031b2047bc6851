"""The admins' survey builder: a survey's title, period and target, its questions and their options,
all editable while it is a draft; publishing it for its period and closing it. Every rule that
involves more than one field is checked here, so a form or a script cannot skip it."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from app.core.errors import Invalid, NotFound
from app.core.minute_cache import forget
from app.extensions import db
from app.models import ApplicationType, Branch, Survey, SurveyOption, SurveyQuestion, SurveyResponse
from app.models.base import utcnow
from app.models.surveys import QuestionKind, SurveyStatus, Target
from workflows.admin import FieldErrors
from workflows.billing.windows import today
from workflows.surveys import rules
from workflows.surveys.targeting import OPEN_SURVEYS


@dataclass
class SurveyFields:
    """What the survey form sends."""

    title: str
    starts_on: date
    ends_on: date
    description: str = ""
    target: str = Target.ALL
    branch_id: int | None = None
    application_type_id: int | None = None


@dataclass
class QuestionFields:
    """What the question form sends; `options` one text per line of «Варианты ответа»."""

    kind: str
    text: str
    required: bool = True
    options: list = field(default_factory=list)
    scale_min: int | None = None
    scale_max: int | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    sort_order: int | None = None


def survey_errors(values: SurveyFields) -> dict:
    """Field → message for the rules joining fields: the period and the target's choice."""
    errors = {}
    if values.ends_on < values.starts_on:
        errors["ends_on"] = rules.MSG_PERIOD
    if values.target == Target.BRANCH and db.session.get(Branch, values.branch_id or 0) is None:
        errors["branch_id"] = rules.MSG_TARGET_BRANCH
    if values.target == Target.APPLICATION_TYPE and db.session.get(ApplicationType,
                                                                    values.application_type_id or 0) is None:
        errors["application_type_id"] = rules.MSG_TARGET_TYPE
    if values.target not in rules.TARGET_LABELS:
        errors["target"] = rules.MSG_CHOOSE
    return errors


def _apply_survey(survey: Survey, values: SurveyFields) -> None:
    errors = survey_errors(values)
    if errors:
        raise FieldErrors(errors)
    survey.title, survey.description = values.title.strip(), (values.description or "").strip() or None
    survey.starts_on, survey.ends_on, survey.target = values.starts_on, values.ends_on, values.target
    survey.target_branch_id = values.branch_id if values.target == Target.BRANCH else None
    survey.target_application_type_id = (values.application_type_id if values.target == Target.APPLICATION_TYPE
                                         else None)


def create_survey(actor, values: SurveyFields) -> Survey:
    """«Создать опрос»: a draft with no questions yet."""
    survey = Survey(status=SurveyStatus.DRAFT, created_by_id=getattr(actor, "id", None))
    _apply_survey(survey, values)
    db.session.add(survey)
    db.session.flush()
    return survey


def update_survey(survey: Survey, values: SurveyFields) -> Survey:
    """A draft's title, description, period and target."""
    _ensure_draft(survey)
    _apply_survey(survey, values)
    db.session.flush()
    return survey


def _ensure_draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise Invalid(rules.MSG_NOT_DRAFT)


def question_errors(values: QuestionFields) -> dict:
    """Field → message: a choice needs 2–20 different options, a scale min < max within 0–10."""
    errors = {}
    if values.kind not in rules.KIND_LABELS:
        errors["kind"] = rules.MSG_CHOOSE
    if values.kind in rules.CHOICE_KINDS:
        texts = [text.strip().casefold() for text in values.options]
        if len(texts) < rules.MIN_OPTIONS:
            errors["options"] = rules.MSG_OPTIONS
        elif len(texts) > rules.MAX_OPTIONS:
            errors["options"] = rules.MSG_OPTIONS_MANY
        elif len(set(texts)) != len(texts):
            errors["options"] = rules.MSG_OPTION_TWICE
    if values.kind == QuestionKind.SCALE:
        errors.update(_scale_errors(values.scale_min, values.scale_max))
    return errors


def _scale_errors(low: int | None, high: int | None) -> dict:
    lowest, highest = rules.SCALE_LIMITS
    if low is None:
        return {"scale_min": rules.MSG_REQUIRED}
    if high is None:
        return {"scale_max": rules.MSG_REQUIRED}
    if not (lowest <= low <= highest):
        return {"scale_min": rules.MSG_SCALE_RANGE}
    if not (lowest <= high <= highest):
        return {"scale_max": rules.MSG_SCALE_RANGE}
    if low >= high:
        return {"scale_max": rules.MSG_SCALE_ORDER}
    return {}


def _apply_question(question: SurveyQuestion, values: QuestionFields) -> None:
    errors = question_errors(values)
    if errors:
        raise FieldErrors(errors)
    question.kind, question.text, question.required = values.kind, values.text.strip(), bool(values.required)
    scale = values.kind == QuestionKind.SCALE
    question.scale_min, question.scale_max = (values.scale_min, values.scale_max) if scale else (None, None)
    question.scale_min_label = (values.scale_min_label or "").strip() or None if scale else None
    question.scale_max_label = (values.scale_max_label or "").strip() or None if scale else None
    texts = [text.strip() for text in values.options] if values.kind in rules.CHOICE_KINDS else []
    question.options = [SurveyOption(text=text, sort_order=index) for index, text in enumerate(texts, 1)]


def add_question(survey: Survey, values: QuestionFields) -> SurveyQuestion:
    """«Добавить вопрос» to a draft, last unless a place is given."""
    _ensure_draft(survey)
    last = db.session.scalar(select(func.max(SurveyQuestion.sort_order)).where(SurveyQuestion.survey_id == survey.id))
    question = SurveyQuestion(survey_id=survey.id, sort_order=values.sort_order or (last or 0) + 1)
    _apply_question(question, values)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(survey: Survey, question: SurveyQuestion, values: QuestionFields) -> SurveyQuestion:
    """A draft's question changed (its options replaced: a draft has no answers)."""
    _ensure_draft(survey)
    _apply_question(question, values)
    if values.sort_order:
        question.sort_order = values.sort_order
    db.session.flush()
    return question


def delete_question(survey: Survey, question: SurveyQuestion) -> None:
    _ensure_draft(survey)
    db.session.delete(question)
    db.session.flush()


def survey_question(survey: Survey, question_id: int) -> SurveyQuestion:
    """A question of this survey (anything else is «not found»)."""
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id:
        raise NotFound()
    return question


def _transition(survey: Survey, action: str) -> None:
    target = rules.TRANSITIONS.get((survey.status, action))
    if target is None:
        raise Invalid(rules.MSG_TRANSITION)
    survey.status = target


def publish_survey(survey: Survey) -> Survey:
    """«Опубликовать»: targeted consumers answer it from its first day to its last."""
    if survey.status == SurveyStatus.DRAFT and not survey.questions:
        raise Invalid(rules.MSG_NO_QUESTIONS)
    if survey.status == SurveyStatus.DRAFT and survey.ends_on < today():
        raise Invalid(rules.MSG_ENDED)
    _transition(survey, "publish")
    survey.published_at = utcnow()
    db.session.flush()
    forget(OPEN_SURVEYS)  # the menu's «Опросы», at once in this process
    return survey


def close_survey(survey: Survey) -> Survey:
    """«Закрыть опрос»: no more answers; the results stay."""
    _transition(survey, "close")
    survey.closed_at = utcnow()
    db.session.flush()
    forget(OPEN_SURVEYS)  # the menu's «Опросы», at once in this process
    return survey


def survey_list() -> list[tuple[Survey, int]]:
    """Every survey, newest first, with its number of respondents."""
    respondents = (select(SurveyResponse.survey_id, func.count().label("n")).group_by(SurveyResponse.survey_id)
                   .subquery())
    rows = db.session.execute(select(Survey, func.coalesce(respondents.c.n, 0))
                              .outerjoin(respondents, respondents.c.survey_id == Survey.id)
                              .order_by(Survey.created_at.desc(), Survey.id.desc()))
    return [(survey, count) for survey, count in rows]


def target_choices() -> tuple[list, list]:
    """(branches, application types) an admin may target, as (id, name)."""
    branches = db.session.execute(select(Branch.id, Branch.name).where(Branch.active.is_(True))
                                  .order_by(Branch.sort_order, Branch.name)).all()
    types = db.session.execute(select(ApplicationType.id, ApplicationType.name).where(ApplicationType.active.is_(True))
                               .order_by(ApplicationType.sort_order, ApplicationType.name)).all()
    return [tuple(row) for row in branches], [tuple(row) for row in types]
