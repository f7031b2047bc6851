"""Whom a survey addresses (every consumer, a branch's, those who submitted an application of a type)
and when (published, within its period): the list, the survey's page and the «Опросы» menu entry —
shown only while such a survey exists for this consumer — agree."""
from datetime import timedelta

import pytest

from app.core.minute_cache import forget
from app.extensions import db
from app.models.base import utcnow
from app.models.surveys import SurveyStatus, Target
from tests.billing import builders as b
from tests.factories import make_consumer
from tests.surveys import builders as s
from workflows.billing.windows import today
from workflows.surveys.targeting import OPEN_SURVEYS, has_open_surveys

MENU_LINK = 'href="/my/surveys/"'


@pytest.fixture
def consumer(ctx):
    return make_consumer(commit=False)


def _sees(client, login, user, survey) -> bool:
    """The consumer's list, the survey's page and the menu agree; returns what they say."""
    login(user)
    listed = f'data-id="{survey.id}"' in client.get("/my/surveys/").get_data(as_text=True)
    page = client.get(f"/my/surveys/{survey.id}")
    assert (page.status_code == 200) == listed
    db.session.expire_all()
    assert has_open_surveys(user.consumer) == listed
    assert (MENU_LINK in page.get_data(as_text=True) if listed else True)
    return listed


@pytest.mark.parametrize("status, days, seen", [
    (SurveyStatus.PUBLISHED, (0, 0), True),
    (SurveyStatus.PUBLISHED, (-30, -1), False),
    (SurveyStatus.PUBLISHED, (1, 30), False),
    (SurveyStatus.DRAFT, (-1, 10), False),
    (SurveyStatus.CLOSED, (-1, 10), False),
])
def test_only_a_published_survey_within_its_period(client, login, consumer, status, days, seen):
    survey = s.survey(status=status, days=days)
    db.session.commit()
    assert _sees(client, login, consumer, survey) is seen


def test_a_branch_survey_addresses_consumers_with_a_linked_account_of_the_branch(client, login, consumer):
    other = make_consumer(commit=False)
    branch = s.in_branch(consumer, "02")
    s.in_branch(other, "03", "Южный филиал")
    unlinked = make_consumer(commit=False)
    b.link(unlinked, b.account(of_branch=branch), unlinked_at=utcnow())
    survey = s.survey(target=Target.BRANCH, branch=branch)
    db.session.commit()
    assert _sees(client, login, consumer, survey)
    assert not _sees(client, login, other, survey)
    assert not _sees(client, login, unlinked, survey)  # the account was removed from the cabinet


def test_a_type_survey_addresses_consumers_who_submitted_an_application_of_it(client, login, consumer):
    connection, other_type = s.application_type(), s.application_type("copy", "Заявка на копии документов")
    s.application(consumer, connection)
    drafted, other = make_consumer(commit=False), make_consumer(commit=False)
    s.application(drafted, connection, submitted=False)
    s.application(other, other_type)
    survey = s.survey(target=Target.APPLICATION_TYPE, app_type=connection)
    db.session.commit()
    assert _sees(client, login, consumer, survey)
    assert not _sees(client, login, drafted, survey)
    assert not _sees(client, login, other, survey)


def test_the_menu_entry_shows_only_while_a_survey_addresses_the_consumer(client, login, consumer):
    login(consumer)
    assert MENU_LINK not in client.get("/my/surveys/").get_data(as_text=True)
    survey = s.survey(days=(0, 0))
    db.session.commit()
    forget(OPEN_SURVEYS)  # written straight to the database; «Опубликовать» forgets it itself (test below)
    assert MENU_LINK in client.get("/my/surveys/").get_data(as_text=True)
    other = make_consumer()
    login(other)
    body = client.get("/my/surveys/").get_data(as_text=True)
    assert MENU_LINK in body and "Опросов, направленных в Ваш личный кабинет, нет." not in body
    survey.ends_on = today() - timedelta(days=1)
    db.session.commit()
    assert MENU_LINK in client.get("/my/surveys/").get_data(as_text=True)  # the process keeps it a minute
    forget(OPEN_SURVEYS)
    assert MENU_LINK not in client.get("/my/surveys/").get_data(as_text=True)


def test_publishing_and_closing_show_and_hide_the_menu_entry_at_once(client, login, consumer):
    from workflows.surveys.builder import close_survey, publish_survey

    survey = s.survey(days=(0, 3))
    survey.status = SurveyStatus.DRAFT
    db.session.commit()
    login(consumer)
    assert MENU_LINK not in client.get("/my/surveys/").get_data(as_text=True)
    publish_survey(survey)
    db.session.commit()
    assert MENU_LINK in client.get("/my/surveys/").get_data(as_text=True)
    close_survey(survey)
    db.session.commit()
    assert MENU_LINK not in client.get("/my/surveys/").get_data(as_text=True)


def test_an_answered_survey_stays_in_the_list_after_it_closes(client, login, consumer):
    survey = s.survey()
    s.responded(survey, consumer)
    survey.status = SurveyStatus.CLOSED
    db.session.commit()
    login(consumer)
    body = client.get("/my/surveys/").get_data(as_text=True)
    assert f'data-id="{survey.id}"' in body and "Вы уже ответили" in body
    assert MENU_LINK not in body  # nothing open: the entry is hidden, the answered survey stays reachable
    assert client.get(f"/my/surveys/{survey.id}").status_code == 200
