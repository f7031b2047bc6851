"""Browser journeys (issue 16, E5): a consumer finds «Опросы» in the menu, leaves a required question
empty (told so, the typed answers stay), answers and is thanked; an admin opens the results and every
chart draws (a canvas of non-zero size with the counts) with no script error and no CSP violation.
axe finds no serious violation on the form with its errors nor on the results."""
import pytest

from app.extensions import db
from app.security.roles import ORG_ADMIN
from tests.accessibility.axe import axe_violations, describe, load_axe
from tests.browser_helpers import browser_login
from tests.factories import PASSWORD, make_consumer, make_staff
from tests.surveys import builders as s
from workflows.surveys import answering

pytestmark = pytest.mark.browser


def _watch(page) -> list:
    """Script errors and CSP violations of the page, as they happen."""
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    return problems


def test_a_consumer_answers_a_survey(live_server, page, ctx):
    consumer, survey = make_consumer(commit=False), s.survey()
    db.session.commit()
    one, many, rate, words = s.questions(survey)
    problems = _watch(page)
    load_axe(page)
    browser_login(page, live_server, consumer.email, PASSWORD)
    # the entry is in the menu (perhaps inside a group's dropdown): followed as its address
    assert page.locator('[data-test=menu] a[href="/my/surveys/"]').count() == 1
    page.goto(f"{live_server}/my/surveys/")
    page.click(f'[data-test=my-survey][data-id="{survey.id}"] a')
    page.check(f'input[name="q-{one.id}"][value="{one.options[1].id}"]')
    page.fill(f'textarea[name="q-{words.id}"]', "Спасибо за вежливость")
    with page.expect_navigation():
        page.click("[data-test=survey-send]")
    assert page.inner_text(f"[data-test=error-{many.id}]") == "Поле обязательно для заполнения"
    assert page.inner_text(f"[data-test=error-{rate.id}]") == "Поле обязательно для заполнения"
    assert page.is_checked(f'input[name="q-{one.id}"][value="{one.options[1].id}"]')
    assert page.input_value(f'textarea[name="q-{words.id}"]') == "Спасибо за вежливость"
    assert describe(page.url, axe_violations(page)) == []  # the questions and their errors, as axe reads them
    page.check(f'input[name="q-{many.id}"][value="{many.options[0].id}"]')
    page.check(f'input[name="q-{rate.id}"][value="4"]')
    with page.expect_navigation():
        page.click("[data-test=survey-send]")
    assert "Спасибо за участие в опросе" in page.inner_text("body")
    assert page.locator("[data-test=survey-send]").count() == 0
    page.goto(f"{live_server}/my/surveys/")
    assert page.inner_text(f'[data-test=my-survey][data-id="{survey.id}"] [data-test=answered]') == "Вы уже ответили"
    assert problems == []


def test_an_admin_sees_the_results_chart(live_server, page, ctx):
    admin, survey = make_staff(ORG_ADMIN, commit=False), s.survey()
    people = [make_consumer(commit=False) for _ in range(2)]
    db.session.commit()
    for person, single in zip(people, (0, 2)):
        fields = s.answers(survey, single=single)
        answering.submit_answers(person, survey.id, {k: v if isinstance(v, list) else [v] for k, v in fields.items()})
    db.session.commit()
    one, _many, rate, _words = s.questions(survey)
    problems = _watch(page)
    load_axe(page)
    browser_login(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server}/admin/surveys/{survey.id}/results")
    for question, counts in ((one, [1, 0, 1]), (rate, [0, 0, 0, 0, 2])):
        canvas = page.locator(f"#chart-q-{question.id}")
        canvas.wait_for()
        box = canvas.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
        chart = f"Chart.getChart(document.getElementById('chart-q-{question.id}'))"
        assert page.evaluate(f"{chart}.config.type") == "bar"
        assert page.evaluate(f"{chart}.data.datasets[0].data") == counts
    assert page.locator("#chart-q-%d" % s.questions(survey)[3].id).count() == 0  # free text: listed, not drawn
    assert describe(page.url, axe_violations(page)) == []
    assert problems == []
