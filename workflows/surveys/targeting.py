"""Whom a survey addresses and when (the SQL conditions are app.security.access's survey section):
the menu's check, the list and a survey's page ask the same question, on the organization's date."""
from datetime import date

from sqlalchemy import select

from app.core.minute_cache import remembered
from app.extensions import db
from app.models import Survey
from app.models.surveys import SurveyStatus, Target
from app.security.access import survey_open, survey_targets
from workflows.billing.windows import today


def survey_is_open(survey: Survey, on: date | None = None) -> bool:
    """Published and `on` (today) within its period."""
    on = on or today()
    return survey.status == SurveyStatus.PUBLISHED and survey.starts_on <= on <= survey.ends_on


#: the minute cache's key of the surveys open today (app/core/minute_cache.py)
OPEN_SURVEYS = "surveys.open"


def open_surveys_today() -> tuple:
    """(id, target) of the surveys open today — a handful; each process asks once a minute."""
    return remembered(OPEN_SURVEYS, lambda: tuple(
        (survey_id, target) for survey_id, target in db.session.execute(
            select(Survey.id, Survey.target).where(survey_open(today())))))


def has_open_surveys(consumer) -> bool:
    """Whether «Опросы» has anything for this consumer now: a published survey in its period
    addresses them. The menu asks on every page: no statement while no survey is open or one
    addresses everybody, one EXISTS over the open ones otherwise."""
    if consumer is None:
        return False
    open_now = open_surveys_today()
    if not open_now or any(target == Target.ALL for _id, target in open_now):
        return bool(open_now)
    return db.session.scalar(select(Survey.id).where(Survey.id.in_([survey_id for survey_id, _target in open_now]),
                                                     survey_targets(consumer.id)).limit(1)) is not None
