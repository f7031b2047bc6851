"""The appeal as an application type (E1): its statuses, transitions and fields as data, seeded once
and edited by admins like every type's. Staff answer an appeal in their queue: «Дать ответ» takes
the answer as its comment, which the consumer reads as the organization's answer.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.errors import NotFound
from app.extensions import db
from app.models import ApplicationKind, ApplicationType
from workflows.applications.defaults import BY_CONSUMER, BY_STAFF, _seed_type

TYPE_CODE = "appeal"
TYPE_NAME = "Обращение"
STATUSES = [
    ("draft", "Черновик", dict(is_draft=True)),
    # no deadline of the status's own: the setting «appeal_answer_working_days» (the law's 30 days)
    # sets it at registration (workflows/appeals/commands.py), so there is one place to change it
    ("registered", "Зарегистрировано", dict(is_initial=True)),
    ("answered", "Ответ дан", dict(is_final=True)),
    ("unanswered", "Оставлено без ответа", dict(is_final=True)),
]
# No «На рассмотрении» between them: every transition into a status without a deadline clears the
# due date (workflows/applications/transitions.py), and the law's 30 days run from registration.
TRANSITIONS = [
    ("draft", "registered", "Отправить", BY_CONSUMER, {}),
    ("registered", "answered", "Дать ответ", BY_STAFF, dict(requires_comment=True)),
    ("registered", "unanswered", "Оставить без ответа", BY_STAFF, dict(requires_comment=True)),
]
FIELDS = [
    dict(code="full_name", label="ФИО", field_type="string"),
    dict(code="account_number", label="Номер лицевого счета", field_type="string"),
    dict(code="address", label="Адрес", field_type="string", is_object_address=True),
    dict(code="supplier", label="Поставщик", field_type="string"),
    dict(code="topic", label="Тема обращения", field_type="string"),
    dict(code="text", label="Текст обращения", field_type="text", required=True),
    dict(code="phone", label="Номер телефона", field_type="string"),
    dict(code="email", label="E-mail", field_type="string"),
]
TYPE_SPEC = dict(code=TYPE_CODE, name=TYPE_NAME, kind=ApplicationKind.APPEAL, number_pattern="ОБР-{year}-{seq:05d}",
                 sort_order=100, description="Обращение потребителя в адрес организации",
                 fields=FIELDS, statuses=STATUSES, transitions=TRANSITIONS, requirements=[])


def seed_appeal_type() -> None:
    """The appeal type with its statuses, transitions and fields (idempotent; admins may edit them)."""
    _seed_type(TYPE_SPEC, {})


def appeal_type() -> ApplicationType:
    app_type = db.session.scalar(select(ApplicationType).where(ApplicationType.code == TYPE_CODE,
                                                               ApplicationType.active.is_(True)))
    if app_type is None:
        raise NotFound(_("Прием обращений временно не ведется"))
    return app_type
