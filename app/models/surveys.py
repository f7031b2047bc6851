"""Surveys (E5, seed 002 «принять участие в целевом опросе для оценки качества оказываемых услуг и
обслуживания», seed 004 §2.15 «Опросы»): an admin builds a survey, targets and publishes it for a
period; each targeted consumer answers it once.

Their words, transitions and messages live in workflows/surveys/rules.py.
"""
from datetime import date, datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, utcnow


class SurveyStatus:
    #: «Черновик»: the admin builds it; nobody else sees it
    DRAFT = "draft"
    #: «Опубликован»: targeted consumers answer it within its period
    PUBLISHED = "published"
    #: «Закрыт»: no more answers; the results stay
    CLOSED = "closed"


class QuestionKind:
    #: one option of several (radio buttons)
    SINGLE = "single"
    #: any options of several (checkboxes)
    MULTIPLE = "multiple"
    #: a whole number from min to max, e.g. 1–5 or 0–10, with words at both ends
    SCALE = "scale"
    #: the consumer's own words
    TEXT = "text"


class Target:
    #: every consumer
    ALL = "all"
    #: consumers with a linked personal account of the branch
    BRANCH = "branch"
    #: consumers who submitted an application of the type
    APPLICATION_TYPE = "application_type"


class Survey(TimestampMixin, Model):
    """A survey: edited while a draft, answered while published and within its period, then closed."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    #: draft / published / closed (workflows/surveys/rules.py)
    status: Mapped[str] = mapped_column(String(16), default=SurveyStatus.DRAFT, nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: all / branch / application_type (workflows/surveys/rules.py TARGETS)
    target: Mapped[str] = mapped_column(String(24), default=Target.ALL, nullable=False)
    target_branch_id: Mapped[Optional[int]] = mapped_column(ForeignKey("branch.id"))
    target_application_type_id: Mapped[Optional[int]] = mapped_column(ForeignKey("application_type.id"))
    published_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    closed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    questions = relationship("SurveyQuestion", back_populates="survey", cascade="all, delete-orphan",
                             order_by="[SurveyQuestion.sort_order, SurveyQuestion.id]")
    target_branch = relationship("Branch")
    target_application_type = relationship("ApplicationType")

    __table_args__ = (Index("ix_survey_open", "status", "starts_on", "ends_on"),)


class SurveyQuestion(Model):
    """One question: single or multiple choice, a scale (min–max with end labels) or free text."""

    __tablename__ = "survey_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), nullable=False)
    #: single / multiple / scale / text
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    text: Mapped[str] = mapped_column(String(1000), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    scale_min: Mapped[Optional[int]] = mapped_column(Integer)
    scale_max: Mapped[Optional[int]] = mapped_column(Integer)
    scale_min_label: Mapped[Optional[str]] = mapped_column(String(100))
    scale_max_label: Mapped[Optional[str]] = mapped_column(String(100))

    survey = relationship("Survey", back_populates="questions")
    options = relationship("SurveyOption", back_populates="question", cascade="all, delete-orphan",
                           order_by="[SurveyOption.sort_order, SurveyOption.id]")

    __table_args__ = (Index("ix_survey_question_survey", "survey_id", "sort_order"),)


class SurveyOption(Model):
    """A choice of a single- or multiple-choice question."""

    __tablename__ = "survey_option"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), nullable=False)
    text: Mapped[str] = mapped_column(String(500), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    question = relationship("SurveyQuestion", back_populates="options")

    __table_args__ = (Index("ix_survey_option_question", "question_id", "sort_order"),)


class SurveyResponse(Model):
    """A consumer's answer to a survey: one per survey and consumer (the unique constraint decides
    between two simultaneous submissions)."""

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), nullable=False)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id", ondelete="CASCADE"), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    answers = relationship("SurveyAnswer", back_populates="response", cascade="all, delete-orphan",
                           order_by="SurveyAnswer.id")

    __table_args__ = (
        UniqueConstraint("survey_id", "consumer_id", name="uq_survey_response_consumer"),
        Index("ix_survey_response_consumer", "consumer_id"),
    )


class SurveyAnswer(Model):
    """One answer to one question: a chosen option (a row per option of a multiple choice), a scale
    value or a text."""

    __tablename__ = "survey_answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), nullable=False)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), nullable=False)
    option_id: Mapped[Optional[int]] = mapped_column(ForeignKey("survey_option.id", ondelete="CASCADE"))
    scale_value: Mapped[Optional[int]] = mapped_column(Integer)
    text: Mapped[Optional[str]] = mapped_column(Text)

    response = relationship("SurveyResponse", back_populates="answers")

    __table_args__ = (
        Index("ix_survey_answer_response", "response_id"),
        Index("ix_survey_answer_question", "question_id", "option_id"),
    )
