"""Every route of the surveys × role: a consumer's «Опросы» — the targeted consumer may, a consumer the
survey does not address gets 404, anonymous is sent to sign in, staff and admins get no 2xx; the
admins' «Опросы потребителей» — OrgAdmin may, Staff, a consumer and anonymous may not; nothing is
stored or changed by anyone who may not."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Survey, SurveyQuestion, SurveyResponse
from app.models.surveys import SurveyStatus, Target
from app.security.roles import ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff
from tests.surveys import builders as s

CONSUMER_ROUTES = [("GET", "/my/surveys/"), ("GET", "/my/surveys/{survey}"), ("POST", "/my/surveys/{survey}")]
ADMIN_ROUTES = [
    ("GET", "/admin/surveys/"), ("GET", "/admin/surveys/new"), ("POST", "/admin/surveys/new"),
    ("GET", "/admin/surveys/{draft}/"), ("POST", "/admin/surveys/{draft}/"),
    ("GET", "/admin/surveys/{draft}/questions/new"), ("POST", "/admin/surveys/{draft}/questions/new"),
    ("GET", "/admin/surveys/{draft}/questions/{question}/edit"),
    ("POST", "/admin/surveys/{draft}/questions/{question}/edit"),
    ("POST", "/admin/surveys/{draft}/questions/{question}/delete"),
    ("POST", "/admin/surveys/{draft}/publish"), ("POST", "/admin/surveys/{survey}/close"),
    ("GET", "/admin/surveys/{survey}/results"), ("GET", "/admin/surveys/{survey}/results.csv"),
]
NEW_SURVEY = {"title": "Новый опрос", "starts_on": "01.01.2026", "ends_on": "31.12.2099", "target": "all"}
QUESTION = {"text": "Новый вопрос", "kind": "text", "required": "y"}


@pytest.fixture
def people(ctx):
    class P:
        targeted = make_consumer(commit=False)
        outsider = make_consumer(commit=False)
        staff = make_staff(STAFF, commit=False)
        org_admin = make_staff(ORG_ADMIN, commit=False)
    P.branch = s.in_branch(P.targeted)
    P.survey = s.survey(target=Target.BRANCH, branch=P.branch)
    P.draft = s.survey(status=SurveyStatus.DRAFT, title="Черновик")
    P.question = P.draft.questions[0]
    db.session.commit()
    return P


def _url(route, p) -> str:
    return route.format(survey=p.survey.id, draft=p.draft.id, question=p.question.id)


def _call(client, method, url, p):
    if method == "GET":
        return client.get(url)
    data = s.answers(p.survey) if url.startswith("/my/") else (QUESTION if "/questions/" in url else NEW_SURVEY)
    return client.post(url, data=data)


def _state():
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(SurveyResponse)),
            db.session.scalar(select(func.count()).select_from(Survey)),
            db.session.scalar(select(func.count()).select_from(SurveyQuestion)),
            tuple(db.session.scalars(select(Survey.status).order_by(Survey.id))),
            tuple(db.session.scalars(select(Survey.title).order_by(Survey.id))))


def _refused(response, who, method, route):
    assert response.status_code in (302, 403, 404), (who, method, route, response.status_code)
    if response.status_code == 302:
        assert "/login" in response.location, (who, method, route, response.location)


@pytest.mark.parametrize("routes, who", [(CONSUMER_ROUTES, "anonymous"), (CONSUMER_ROUTES, "staff"),
                                         (CONSUMER_ROUTES, "org_admin"), (ADMIN_ROUTES, "anonymous"),
                                         (ADMIN_ROUTES, "staff"), (ADMIN_ROUTES, "targeted")])
def test_routes_refuse_who_may_not_and_change_nothing(client, login, people, routes, who):
    """Consumer routes: staff and admins are not consumers; admin routes: OrgAdmin only."""
    before = _state()
    if who != "anonymous":
        login(getattr(people, who))
    for method, route in routes:
        _refused(_call(client, method, _url(route, people), people), who, method, route)
    assert _state() == before


def test_a_consumer_the_survey_does_not_address_gets_404(client, login, people):
    before = _state()
    login(people.outsider)
    assert client.get("/my/surveys/").status_code == 200
    for method, route in CONSUMER_ROUTES[1:]:
        assert _call(client, method, _url(route, people), people).status_code == 404, (method, route)
    assert client.get(f"/my/surveys/{people.draft.id}").status_code == 404  # a draft: nobody's
    assert _state() == before


def test_the_targeted_consumer_may(client, login, people):
    login(people.targeted)
    assert client.get("/my/surveys/").status_code == 200
    assert client.get(f"/my/surveys/{people.survey.id}").status_code == 200
    assert client.post(f"/my/surveys/{people.survey.id}", data=s.answers(people.survey)).status_code == 302
    assert client.get(f"/my/surveys/{people.draft.id}").status_code == 404
    assert _state()[0] == 1


def test_org_admin_may_use_every_admin_route(client, login, people):
    login(people.org_admin)
    for method, route in ADMIN_ROUTES:
        response = _call(client, method, _url(route, people), people)
        assert response.status_code == (200 if method == "GET" else 302), (method, route, response.status_code)
    assert _state()[3] == (SurveyStatus.CLOSED, SurveyStatus.PUBLISHED, SurveyStatus.DRAFT)


def test_unknown_survey_or_a_question_of_another_survey_is_not_found(client, login, people):
    login(people.org_admin)
    other_question = people.survey.questions[0].id
    for url in ("/admin/surveys/999999/", "/admin/surveys/999999/results", "/admin/surveys/999999/results.csv",
                f"/admin/surveys/{people.draft.id}/questions/{other_question}/edit"):
        assert client.get(url).status_code == 404, url
