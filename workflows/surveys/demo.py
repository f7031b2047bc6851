"""The demo's survey (`flask kabinet demo`): a published survey on the quality of service addressed
to every consumer, answered by the demo consumers named (not by the one left to answer it himself),
so «Опросы потребителей» → «Результаты» draws its charts."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import KabinetUser, Survey, SurveyOption, SurveyQuestion
from app.models.surveys import QuestionKind, SurveyStatus, Target
from workflows.billing.windows import today
from workflows.surveys import answering, builder

TITLE = "Оценка качества оказываемых услуг и обслуживания"
QUESTIONS = [
    (QuestionKind.SINGLE, "Как Вы оцениваете качество обслуживания?", True,
     ["Отлично", "Хорошо", "Удовлетворительно", "Плохо"]),
    (QuestionKind.MULTIPLE, "Какими способами Вы обращаетесь к нам?", True,
     ["Личный кабинет", "Офис обслуживания", "Телефон", "Электронная почта"]),
    (QuestionKind.SCALE, "Насколько вероятно, что Вы порекомендуете нас знакомым?", True,
     (0, 10, "Точно нет", "Обязательно")),
    (QuestionKind.TEXT, "Ваши предложения по улучшению качества услуг", False, None),
]
DESCRIPTION = "Примите участие в целевом опросе для оценки качества оказываемых услуг и обслуживания."
#: (single option, multiple options, scale, text) of each respondent in turn
ANSWERS = [(0, (0, 2), 9, "Удобно передавать показания в личном кабинете"), (1, (0, 1), 7, "")]


def demo_survey(respondent_emails: list[str]) -> list[str]:
    """The survey published from a week ago for two months, and the respondents' answers (once)."""
    if db.session.scalar(select(Survey.id).where(Survey.title == TITLE)) is not None:
        return []
    survey = Survey(title=TITLE, status=SurveyStatus.DRAFT, target=Target.ALL, starts_on=today() - timedelta(days=7),
                    ends_on=today() + timedelta(days=60), description=DESCRIPTION)
    survey.questions = [_question(order, *spec) for order, spec in enumerate(QUESTIONS, 1)]
    db.session.add(survey)
    db.session.flush()
    builder.publish_survey(survey)
    answered = 0
    for email, values in zip(respondent_emails, ANSWERS):
        user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == email))
        if user is not None and user.consumer is not None:
            answering.submit_answers(user, survey.id, _given(survey, *values))
            answered += 1
    return [f"  Опрос «{TITLE}» опубликован для всех потребителей; ответили: {answered}."]


def _question(order: int, kind: str, text: str, required: bool, extra) -> SurveyQuestion:
    question = SurveyQuestion(kind=kind, text=text, required=required, sort_order=order)
    if kind == QuestionKind.SCALE:
        question.scale_min, question.scale_max, question.scale_min_label, question.scale_max_label = extra
    elif extra:
        question.options = [SurveyOption(text=option, sort_order=n) for n, option in enumerate(extra, 1)]
    return question


def _given(survey: Survey, single: int, multiple: tuple, scale: int, text: str) -> dict:
    one, many, rate, words = survey.questions
    return {answering.field_name(one.id): [str(one.options[single].id)],
            answering.field_name(many.id): [str(many.options[n].id) for n in multiple],
            answering.field_name(rate.id): [str(scale)], answering.field_name(words.id): [text]}
