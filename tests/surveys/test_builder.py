"""The admins' builder through its pages: every invalid value says why under its field and changes
nothing; a draft is built, published for its period and closed; a published survey's questions
cannot be changed."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Survey, SurveyOption, SurveyQuestion
from app.models.surveys import QuestionKind, SurveyStatus, Target
from app.security.roles import ORG_ADMIN
from tests.billing import builders as b
from tests.factories import make_staff
from tests.surveys import builders as s
from workflows.billing.windows import today

SURVEY = {"title": "Качество обслуживания", "description": "", "starts_on": "01.03.2026", "ends_on": "31.12.2099",
          "target": "all", "branch_id": "0", "application_type_id": "0"}
SINGLE = {"text": "Как Вы оцениваете обслуживание?", "kind": "single", "required": "y",
          "options": "Отлично\nХорошо\nПлохо"}


@pytest.fixture
def admin(ctx, client, login):
    user = make_staff(ORG_ADMIN)
    login(user)
    return user


@pytest.fixture
def draft(ctx):
    row = s.survey(status=SurveyStatus.DRAFT, questions=False)
    db.session.commit()
    return row


def _counts():
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Survey, SurveyQuestion, SurveyOption))


def _error(body: str, field: str, message: str) -> bool:
    return f'data-test="error-{field}">{message}</span>' in body


@pytest.mark.parametrize("changes, field, message", [
    ({"title": "  "}, "title", "Поле обязательно для заполнения"),
    ({"title": "я" * 301}, "title", "Не более 300 символов"),
    ({"starts_on": ""}, "starts_on", "Поле обязательно для заполнения"),
    ({"starts_on": "31.02.2026"}, "starts_on", "Введите дату в формате ДД.ММ.ГГГГ"),
    ({"ends_on": "2026-12-31"}, "ends_on", "Введите дату в формате ДД.ММ.ГГГГ"),
    ({"ends_on": "28.02.2026"}, "ends_on", "Дата окончания не может быть раньше даты начала"),
    ({"target": "branch"}, "branch_id", "Выберите филиал"),
    ({"target": "application_type", "application_type_id": "abc"}, "application_type_id", "Выберите тип заявки"),
    ({"target": "everyone"}, "target", "Выберите вариант из списка"),
])
def test_an_invalid_survey_says_why_and_creates_nothing(client, admin, changes, field, message):
    response = client.post("/admin/surveys/new", data=SURVEY | changes)
    assert response.status_code == 400
    assert _error(response.get_data(as_text=True), field, message), (field, message)
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize("changes, field, message", [
    ({"text": ""}, "text", "Поле обязательно для заполнения"),
    ({"kind": "matrix"}, "kind", "Выберите вариант из списка"),
    ({"options": "Только один"}, "options", "Укажите не менее двух вариантов ответа, каждый с новой строки"),
    ({"kind": "multiple", "options": "\n  \n"}, "options", "Укажите не менее двух вариантов ответа, каждый с новой строки"),
    ({"options": "\n".join(f"Вариант {n}" for n in range(21))}, "options", "Не более 20 вариантов ответа"),
    ({"options": "Да\nда"}, "options", "Варианты ответа не должны повторяться"),
    ({"kind": "scale", "scale_min": "5", "scale_max": "1"}, "scale_max", "Начало шкалы должно быть меньше ее конца"),
    ({"kind": "scale", "scale_min": "3", "scale_max": "3"}, "scale_max", "Начало шкалы должно быть меньше ее конца"),
    ({"kind": "scale", "scale_min": "", "scale_max": "5"}, "scale_min", "Поле обязательно для заполнения"),
    ({"kind": "scale", "scale_min": "1", "scale_max": "11"}, "scale_max", "Шкала может быть от 0 до 10"),
    ({"kind": "scale", "scale_min": "1,5", "scale_max": "5"}, "scale_min", "Введите целое число"),
])
def test_an_invalid_question_says_why_and_adds_nothing(client, admin, draft, changes, field, message):
    before = _counts()
    response = client.post(f"/admin/surveys/{draft.id}/questions/new", data=SINGLE | changes)
    assert response.status_code == 400
    assert _error(response.get_data(as_text=True), field, message), (field, message)
    assert _counts() == before


def test_a_draft_is_built_published_and_closed(client, admin):
    created = client.post("/admin/surveys/new", data=SURVEY)
    survey = db.session.scalar(select(Survey))
    assert created.location.endswith(f"/admin/surveys/{survey.id}/")
    refused = client.post(f"/admin/surveys/{survey.id}/publish", follow_redirects=True)
    assert "Добавьте в опрос хотя бы один вопрос" in refused.get_data(as_text=True)
    client.post(f"/admin/surveys/{survey.id}/questions/new", data=SINGLE)
    client.post(f"/admin/surveys/{survey.id}/questions/new",
                data={"text": "Оцените нас", "kind": "scale", "scale_min": "0", "scale_max": "10",
                      "scale_min_label": "Плохо", "scale_max_label": "Отлично", "options": "лишнее\nне нужно"})
    db.session.expire_all()
    single, scale = survey.questions
    assert [o.text for o in single.options] == ["Отлично", "Хорошо", "Плохо"] and single.required
    assert (scale.kind, scale.scale_min, scale.scale_max, scale.scale_max_label, scale.options) == (
        QuestionKind.SCALE, 0, 10, "Отлично", [])
    published = client.post(f"/admin/surveys/{survey.id}/publish", follow_redirects=True)
    assert "Опрос опубликован" in published.get_data(as_text=True)
    changed = client.post(f"/admin/surveys/{survey.id}/questions/{single.id}/edit", data=SINGLE | {"text": "Иначе"},
                          follow_redirects=True)
    assert "Опрос уже опубликован: его вопросы изменить нельзя" in changed.get_data(as_text=True)
    closed = client.post(f"/admin/surveys/{survey.id}/close", follow_redirects=True)
    assert "Опрос закрыт" in closed.get_data(as_text=True)
    db.session.expire_all()
    assert (survey.status, survey.questions[0].text) == (SurveyStatus.CLOSED, "Как Вы оцениваете обслуживание?")


def test_a_draft_past_its_period_is_not_published(client, admin, draft):
    draft.ends_on = draft.starts_on = today().replace(year=2020)
    db.session.add(SurveyQuestion(survey_id=draft.id, kind="text", text="Ваш отзыв"))
    db.session.commit()
    body = client.post(f"/admin/surveys/{draft.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "Срок проведения опроса уже прошел: измените дату окончания" in body
    db.session.expire_all()
    assert draft.status == SurveyStatus.DRAFT


def test_the_target_is_kept_with_its_branch_only(client, admin, draft):
    branch = b.branch("02", "Северный филиал")
    db.session.commit()
    client.post(f"/admin/surveys/{draft.id}/", data=SURVEY | {"target": "branch", "branch_id": str(branch.id),
                                                               "application_type_id": "0"})
    db.session.expire_all()
    assert (draft.target, draft.target_branch_id, draft.target_application_type_id) == (Target.BRANCH, branch.id, None)
    client.post(f"/admin/surveys/{draft.id}/", data=SURVEY | {"branch_id": str(branch.id)})
    db.session.expire_all()
    assert (draft.target, draft.target_branch_id) == (Target.ALL, None)
