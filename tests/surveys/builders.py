"""Builders of the surveys tests: a survey with its questions, an application of a type, an answer."""
from datetime import timedelta

from app.extensions import db
from app.models import Application, ApplicationType, Status, Survey, SurveyOption, SurveyQuestion, SurveyResponse
from app.models.base import utcnow
from app.models.surveys import QuestionKind, SurveyStatus, Target
from tests.billing import builders as b
from workflows.billing.windows import today

QUALITY = ["Отлично", "Хорошо", "Плохо"]
CHANNELS = ["Личный кабинет", "Офис обслуживания", "Телефон"]


def survey(*, status=SurveyStatus.PUBLISHED, target=Target.ALL, days=(-1, 10), branch=None, app_type=None,
           title="Качество обслуживания", questions=True) -> Survey:
    """A survey open from today + days[0] to today + days[1], with the four kinds of question:
    single (required), multiple (required), scale 1–5 (required), text (optional)."""
    row = Survey(title=title, description="Оцените, пожалуйста, качество оказываемых услуг и обслуживания",
                 status=status, starts_on=today() + timedelta(days=days[0]), ends_on=today() + timedelta(days=days[1]),
                 target=target, target_branch_id=branch.id if branch else None,
                 target_application_type_id=app_type.id if app_type else None)
    if questions:
        row.questions = [
            SurveyQuestion(kind=QuestionKind.SINGLE, text="Как Вы оцениваете обслуживание?", sort_order=1,
                           options=[SurveyOption(text=t, sort_order=i) for i, t in enumerate(QUALITY)]),
            SurveyQuestion(kind=QuestionKind.MULTIPLE, text="Какими каналами Вы пользуетесь?", sort_order=2,
                           options=[SurveyOption(text=t, sort_order=i) for i, t in enumerate(CHANNELS)]),
            SurveyQuestion(kind=QuestionKind.SCALE, text="Порекомендуете ли Вы нас?", sort_order=3, scale_min=1,
                           scale_max=5, scale_min_label="Нет", scale_max_label="Да"),
            SurveyQuestion(kind=QuestionKind.TEXT, text="Ваши предложения", sort_order=4, required=False),
        ]
    db.session.add(row)
    db.session.flush()
    return row


def questions(row: Survey) -> tuple:
    """(single, multiple, scale, text) of a survey() with questions."""
    return tuple(row.questions)


def answers(row: Survey, *, single=0, multiple=(0,), scale=5, text="") -> dict:
    """The form's fields for a survey() answer: option indexes, a scale value, a text."""
    one, many, rate, words = questions(row)
    return {"q-%d" % one.id: str(one.options[single].id),
            "q-%d" % many.id: [str(many.options[i].id) for i in multiple],
            "q-%d" % rate.id: str(scale), "q-%d" % words.id: text}


def application_type(code="tp", name="Заявка на технологическое присоединение") -> ApplicationType:
    row = db.session.query(ApplicationType).filter_by(code=code).one_or_none()
    if row is None:
        row = ApplicationType(code=code, name=name)
        db.session.add(row)
        db.session.flush()
        db.session.add(Status(application_type_id=row.id, code="new", name="Новая", is_initial=True))
        db.session.flush()
    return row


def application(consumer_user, of_type: ApplicationType, *, submitted=True) -> Application:
    status = db.session.query(Status).filter_by(application_type_id=of_type.id).first()
    row = Application(application_type_id=of_type.id, consumer_id=consumer_user.consumer.id, status_id=status.id,
                      submitted_at=utcnow() if submitted else None)
    db.session.add(row)
    db.session.flush()
    return row


def in_branch(consumer_user, code="02", name="Северный филиал"):
    """`consumer_user` has linked an account of the branch `code`; returns the branch."""
    branch = b.branch(code, name)
    b.link(consumer_user, b.account(of_branch=branch))
    return branch


def responded(row: Survey, consumer_user) -> SurveyResponse:
    response = SurveyResponse(survey_id=row.id, consumer_id=consumer_user.consumer.id)
    db.session.add(response)
    db.session.flush()
    return response
