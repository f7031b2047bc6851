"""Whom a survey addresses and when (the SQL conditions are app.security.access's survey section):
the menu's check, the list and a survey's page ask the same question, on the organization's date."""
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Survey
from app.models.surveys import SurveyStatus
from app.security.access import survey_open, survey_targets
from workflows.billing.windows import today


def survey_is_open(survey: Survey, on: date | None = None) -> bool:
    """Published and `on` (today) within its period."""
    on = on or today()
    return survey.status == SurveyStatus.PUBLISHED and survey.starts_on <= on <= survey.ends_on


def has_open_surveys(consumer) -> bool:
    """Whether «Опросы» has anything for this consumer now: a published survey in its period
    addresses them (one EXISTS over the few open surveys; the consumer header may ask it on every page)."""
    if consumer is None:
        return False
    return db.session.scalar(select(Survey.id).where(survey_open(today()), survey_targets(consumer.id))
                             .limit(1)) is not None
