"""The statement types of «Подать заявление» (E2, seed 004 §2.11) as data: one application type
per statement topic (Topic of kind «statement», code statement-01…18), with the topic's own fields,
the common requisites block, and the statuses and transitions staff process them by in the
applications queue. Seeded idempotently; admins edit the rows afterwards. A topic an admin adds
later gets the common block only (ensure_type_for), when its first statement is filed.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.errors import NotFound
from app.extensions import db
from app.models import ApplicationKind, ApplicationType, Topic, TopicKind
from workflows.admin.defaults import STATEMENT_TOPICS
from workflows.applications.defaults import BY_CONSUMER, BY_STAFF, _seed_type

NUMBER_PATTERN = "ЗЛ-{year}-{seq:05d}"
#: the types follow the applications (10–90) and the meters' and billing's statements (100–110)
FIRST_SORT_ORDER = 200

STATUSES = [
    ("draft", "Черновик", dict(is_draft=True)),
    ("accepted", "Принято в работу", dict(is_initial=True, deadline_working_days=5,
                                          description="заявление зарегистрировано и передано специалисту")),
    ("in_review", "На рассмотрении", dict(deadline_working_days=10)),
    ("done", "Исполнено", dict(is_final=True)),
    ("refused", "Отказано", dict(is_final=True)),
]
TRANSITIONS = [
    ("draft", "accepted", "Отправить заявление", BY_CONSUMER, {}),
    ("accepted", "in_review", "Взять на рассмотрение", BY_STAFF, {}),
    ("accepted", "done", "Исполнено", BY_STAFF, {}),
    ("accepted", "refused", "Отказать", BY_STAFF, dict(requires_comment=True)),
    ("in_review", "done", "Исполнено", BY_STAFF, {}),
    ("in_review", "refused", "Отказать", BY_STAFF, dict(requires_comment=True)),
]

#: the block every statement shares (seed 004 §2.11: ФИО … E-mail); kept as fields of the type so
#: the staff page and the statement template (C1) show them like any other field
COMMON_FIELDS = [
    dict(code="full_name", label="ФИО", field_type="string", required=True),
    dict(code="account_number", label="Номер лицевого счета", field_type="string", required=True),
    dict(code="supplier", label="Поставщик", field_type="string", required=True),
    dict(code="text", label="Текст заявления", field_type="text", required=True),
    dict(code="phone", label="Номер телефона", field_type="string", required=True),
    dict(code="email", label="E-mail", field_type="string", required=True),
]
COMMON_CODES = frozenset(f["code"] for f in COMMON_FIELDS)


def _f(code, label, field_type="string", required=True, **more) -> dict:
    return dict(code=code, label=label, field_type=field_type, required=required, **more)


PERIOD = [_f("period_from", "Период с", "date"), _f("period_to", "Период по", "date")]
DEBT = [_f("debt_amount", "Сумма задолженности, руб.", "decimal"),
        _f("term_months", "Срок рассрочки, мес.", "integer", help_text="на сколько месяцев разделить платежи")]
METER_VISIT = [_f("meter", "Прибор учета", help_text="заводской номер и место установки"),
               _f("wanted_on", "Желаемая дата", "date", help_text="когда удобно принять специалиста")]
REDUCING_BASES = ["Дом оборудован стационарными электроплитами",
                  "Дом оборудован электроотопительными установками",
                  "Населенный пункт в сельской местности"]
ZONES = ["Одноставочный (круглосуточный)", "Двухзонный (день/ночь)", "Трехзонный (пик/полупик/ночь)"]

#: the own fields of statement-01 … statement-18, in the order of STATEMENT_TOPICS
OWN_FIELDS = [
    PERIOD,
    [_f("on_date", "Справка на дату", "date")],
    DEBT,
    [_f("object_address", "Адрес объекта", "address", is_object_address=True),
     _f("area", "Общая площадь, м²", "decimal"),
     _f("residents", "Количество проживающих", "integer"),
     _f("basis", "Основание", help_text="документ о праве собственности (пользования) помещением")],
    [_f("close_on", "Дата закрытия лицевого счета", "date"),
     _f("final_readings", "Конечные показания прибора учета", help_text="на дату закрытия, кВт·ч")],
    [_f("new_owner", "ФИО нового собственника"),
     _f("basis", "Основание", help_text="договор купли-продажи, дарения, свидетельство о праве на наследство"),
     _f("owned_since", "Дата перехода права собственности", "date", required=False)],
    [_f("what_to_change", "Какие данные изменить", "text", help_text="прежнее и новое значение")],
    [],
    METER_VISIT,
    METER_VISIT,
    METER_VISIT,
    PERIOD + [_f("meter", "Прибор учета", required=False, help_text="заводской номер"),
              _f("readings", "Показания прибора учета", help_text="фактические показания на конец периода, кВт·ч")],
    [_f("amount", "Сумма к возврату, руб.", "decimal"),
     _f("bik", "БИК банка", help_text="9 цифр"),
     _f("bank_account", "Расчетный счет", help_text="20 цифр"),
     _f("recipient", "Получатель", help_text="ФИО владельца счета")],
    [_f("paid_on", "Дата платежа", "date"),
     _f("amount", "Сумма платежа, руб.", "decimal"),
     _f("target_account", "На лицевой счет", help_text="номер лицевого счета, на который зачесть платеж")],
    DEBT,
    PERIOD + [_f("persons", "Количество временно отсутствовавших лиц", "integer"),
              _f("basis", "Основание", help_text="документ, подтверждающий временное отсутствие")],
    [_f("zones", "Желаемая зонность тарифа", "select", choices=ZONES)],
    [_f("reducing_basis", "Основание применения понижающего коэффициента", "select", choices=REDUCING_BASES)],
]


def topic_code(number: int) -> str:
    return f"statement-{number:02d}"


def type_spec(code: str, name: str, own_fields: list[dict], sort_order: int) -> dict:
    """One statement type: its own fields first (the form shows them after «Тема заявления»),
    then the common block."""
    return dict(code=code, name=name, kind=ApplicationKind.STATEMENT, number_pattern=NUMBER_PATTERN,
                sort_order=sort_order, description="Заявление потребителя (раздел «Подать заявление»)",
                fields=own_fields + COMMON_FIELDS, statuses=STATUSES, transitions=TRANSITIONS, requirements=[])


SPECS = [type_spec(topic_code(n), name, fields, FIRST_SORT_ORDER + n)
         for n, (name, fields) in enumerate(zip(STATEMENT_TOPICS, OWN_FIELDS, strict=True), start=1)]


def seed_statement_types(codes: tuple[str, ...] | None = None) -> None:
    """The 18 statement types (or those of `codes`) with their fields, statuses and transitions
    (idempotent; the documents area's seeder then gives each the built-in statement template)."""
    for spec in SPECS:
        if codes is None or spec["code"] in codes:
            _seed_type(spec, {})


def active_topics() -> list[Topic]:
    """«Тема заявления»: the statement topics an admin keeps active, in their order."""
    return list(db.session.scalars(select(Topic).where(Topic.kind == TopicKind.STATEMENT, Topic.active.is_(True))
                                   .order_by(Topic.sort_order, Topic.id)))


def topic_by_code(code: str | None) -> Topic | None:
    return next((t for t in active_topics() if t.code == code), None) if code else None


def type_of(topic: Topic) -> ApplicationType | None:
    return db.session.scalar(select(ApplicationType).where(ApplicationType.code == topic.code))


def ensure_type_for(topic: Topic) -> ApplicationType:
    """The topic's statement type; a topic an admin added gets one with the common block only.
    Refused (404) when an admin switched the type off."""
    app_type = type_of(topic)
    if app_type is None:
        _seed_type(type_spec(topic.code, topic.name, [], FIRST_SORT_ORDER + 100 + topic.sort_order), {})
        app_type = type_of(topic)
    if not app_type.active or app_type.kind != ApplicationKind.STATEMENT:
        raise NotFound(_("Прием заявлений по этой теме временно не ведется"))
    return app_type
