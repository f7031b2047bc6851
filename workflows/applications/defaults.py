"""Default reference data of the applications area (B1, B3, B8, B12), idempotent.

The types, fields, statuses, transitions and document types below are only the first
rows of the dictionaries admins edit; everything the workflow does is read back from the
database. Re-running adds what is missing and never overwrites an admin's edits.
"""
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    ApplicationKind,
    ApplicationType,
    CalendarDay,
    DocumentType,
    FormField,
    Status,
    Transition,
    TypeDocumentRequirement,
)
from app.security.roles import CONSUMER, ORG_ADMIN, STAFF

#: who takes a transition (Transition.roles)
BY_CONSUMER = [CONSUMER]
BY_STAFF = [STAFF, ORG_ADMIN]
IL, IP, UL = "individual", "entrepreneur", "legal_entity"

DOCUMENT_TYPES = [
    ("application_form", "Заявка на технологическое присоединение"),
    ("extra", "Дополнительный материал"),
    ("site_plan", "План расположения энергопринимающих устройств"),
    ("ownership", "Документ, подтверждающий право собственности (пользования) на объект или земельный участок"),
    ("passport_copy", "Копия паспорта"),
    ("power_of_attorney", "Доверенность представителя"),
    ("single_line", "Однолинейная схема электрических сетей"),
    ("missing_data", "Перечень недостающих сведений"),
    ("refusal_reason", "Мотивированный отказ"),
    ("offer", "Оферта договора о технологическом присоединении"),
    ("tech_conditions", "Технические условия"),
    ("invoice", "Счет на оплату технологического присоединения"),
    ("connection_act", "Акт об осуществлении технологического присоединения"),
    ("letter", "Письмо"),
]

#: seed 001 «Электронная подача заявки», with its hints as help texts
SEED_001_FIELDS = [
    dict(code="applicant_name", label="Наименование/ФИО заявителя", field_type="text", required=True,
         help_text="реквизиты заказчика (для юридических лиц-полное наименование и номер записи в Едином "
                   "государственном реестре юридических лиц, для индивидуальных предпринимателей – ФИО, номер "
                   "записи в Едином государственном реестре индивидуальных предпринимателей и дата ее внесения "
                   "в реестр, для физических лиц – имя, отчество, серия, номер и дата выдачи основного "
                   "документа, удостоверяющего личность, почтовый адрес, и иные способы обмена информацией – "
                   "телефоны, факс, адрес электронной почты)"),
    dict(code="contract_basis", label="Основание заключения договора", field_type="text", required=True,
         help_text="правовые основания владения и (или) пользования земельным участком на котором располагается "
                   "строящийся (реконструируемый) объект, и (или) владения и (или) пользования подключаемым объектом"),
    dict(code="city", label="Город подключения", field_type="string", required=True),
    dict(code="object_address", label="Полный адрес объекта", field_type="address", required=True,
         is_object_address=True,
         help_text="адрес или место расположения объекта, кадастровый номер земельного участка"),
    dict(code="object_description", label="Характеристика и назначение объекта", field_type="text", required=True,
         help_text="краткая характеристика, назначение или предполагаемое использование объекта, отдельных "
                   "зданий, сооружений, помещений в составе объекта, этажность"),
]

POWER_FIELDS = [
    dict(code="reason", label="Причина обращения", field_type="select", required=True,
         choices=["Новое присоединение", "Увеличение максимальной мощности",
                  "Изменение категории надежности электроснабжения",
                  "Изменение точек присоединения", "Изменение вида производственной деятельности"]),
    dict(code="max_power_kw", label="Максимальная мощность энергопринимающих устройств, кВт", field_type="decimal",
         required=True, help_text="с учетом ранее присоединенной мощности"),
    dict(code="existing_power_kw", label="Ранее присоединенная мощность, кВт", field_type="decimal"),
    dict(code="voltage_level", label="Уровень напряжения, кВ", field_type="select", required=True,
         choices=["0,23", "0,4", "6", "10", "20", "35", "110"]),
    dict(code="reliability_category", label="Категория надежности", field_type="select", required=True,
         choices=["I", "II", "III"]),
    dict(code="commissioning_date", label="Планируемый срок ввода в эксплуатацию", field_type="date"),
    dict(code="representative", label="Реквизиты доверенности представителя", field_type="string",
         legal_forms=[IP, UL], help_text="если заявку подает представитель"),
]

HEAT_FIELDS = [
    dict(code="heat_load", label="Максимальная тепловая нагрузка, Гкал/ч", field_type="decimal", required=True),
    dict(code="commissioning_date", label="Планируемый срок ввода в эксплуатацию", field_type="date"),
]

MESSAGE_FIELDS = [
    dict(code="subject", label="Тема сообщения", field_type="string", required=True),
    dict(code="body", label="Текст сообщения", field_type="richtext", required=True),
]

#: code, name, flags — statuses of seeds 000 and 003, B8
CONNECTION_STATUSES = [
    ("draft", "Черновик", dict(is_draft=True)),
    ("review", "На рассмотрении", dict(is_initial=True, deadline_working_days=3,
                                       description="заявка проверяется специалистом «Единого окна» на правильность заполнения")),
    ("missing_data", "Ожидание недостающих сведений", dict(consumer_editable=True, document_role="missing_data",
                                                           description="заявка переходит на сторону потребителя, для заполнения недостающих данных")),
    ("refused", "Отказано", dict(is_final=True, document_role="refusal_reason")),
    ("offer", "Подготовка оферты договора", dict(deadline_working_days=10)),
    ("contract", "Исполнение договора ТП", dict()),
    ("done", "Технологическое присоединение осуществлено", dict(is_final=True)),
    ("closed", "Закрыта", dict(is_final=True)),
]
#: from, to, name, roles, options — the transition table (STYLE 2)
CONNECTION_TRANSITIONS = [
    ("draft", "review", "Подать заявку", BY_CONSUMER, {}),
    ("review", "missing_data", "Запросить недостающие сведения", BY_STAFF, dict(requires_document=True)),
    ("review", "refused", "Отказать", BY_STAFF, dict(requires_document=True)),
    ("review", "offer", "Подготовка оферты договора", BY_STAFF, {}),
    ("missing_data", "review", "Отправить повторно", BY_CONSUMER, {}),
    ("missing_data", "closed", "Закрыть (сведения не представлены)", BY_STAFF, dict(requires_comment=True)),
    ("offer", "contract", "Исполнение договора ТП", BY_STAFF, {}),
    ("offer", "missing_data", "Запросить недостающие сведения", BY_STAFF, dict(requires_document=True)),
    ("offer", "refused", "Отказать", BY_STAFF, dict(requires_document=True)),
    ("contract", "done", "Технологическое присоединение осуществлено", BY_STAFF, {}),
    ("contract", "closed", "Закрыть", BY_STAFF, dict(requires_comment=True)),
]

#: seed 001 (heat network): «Подана», «Принята к рассмотрению» …
HEAT_STATUSES = [
    ("draft", "Черновик", dict(is_draft=True)),
    ("submitted", "Подана", dict(is_initial=True, deadline_working_days=3)),
    ("accepted", "Принята к рассмотрению", dict(deadline_working_days=20)),
    ("missing_data", "Ожидание недостающих сведений", dict(consumer_editable=True, document_role="missing_data")),
    ("refused", "Отказано", dict(is_final=True, document_role="refusal_reason")),
    ("offer", "Подготовка оферты договора", dict(deadline_working_days=10)),
    ("contract", "Исполнение договора", dict()),
    ("done", "Подключение выполнено", dict(is_final=True)),
]
HEAT_TRANSITIONS = [
    ("draft", "submitted", "Подать заявку", BY_CONSUMER, {}),
    ("submitted", "accepted", "Принять к рассмотрению", BY_STAFF, {}),
    ("submitted", "missing_data", "Запросить недостающие сведения", BY_STAFF, dict(requires_document=True)),
    ("submitted", "refused", "Отказать", BY_STAFF, dict(requires_document=True)),
    ("accepted", "offer", "Подготовка оферты договора", BY_STAFF, {}),
    ("accepted", "missing_data", "Запросить недостающие сведения", BY_STAFF, dict(requires_document=True)),
    ("accepted", "refused", "Отказать", BY_STAFF, dict(requires_document=True)),
    ("missing_data", "submitted", "Отправить повторно", BY_CONSUMER, {}),
    ("offer", "contract", "Исполнение договора", BY_STAFF, {}),
    ("contract", "done", "Подключение выполнено", BY_STAFF, {}),
]

#: seed 003 «Сообщение сетевой организации»: staff may also type their own status
MESSAGE_STATUSES = [
    ("draft", "Черновик", dict(is_draft=True)),
    ("waiting", "Ожидание ответа электросетевой", dict(is_initial=True, deadline_working_days=5)),
    ("in_review", "Заявка на рассмотрении сетевой организацией", dict(deadline_working_days=10)),
    ("missing_data", "Запрос отсутствующих документов или сведений", dict(consumer_editable=True,
                                                                          document_role="missing_data")),
    ("answered", "Ответ направлен", dict(is_final=True)),
]
MESSAGE_TRANSITIONS = [
    ("draft", "waiting", "Отправить", BY_CONSUMER, {}),
    ("waiting", "in_review", "Заявка на рассмотрении сетевой организацией", BY_STAFF, {}),
    ("waiting", "answered", "Ответ направлен", BY_STAFF, dict(requires_comment=True)),
    ("waiting", "missing_data", "Запрос отсутствующих документов или сведений", BY_STAFF, dict(requires_comment=True)),
    ("in_review", "answered", "Ответ направлен", BY_STAFF, dict(requires_comment=True)),
    ("in_review", "missing_data", "Запрос отсутствующих документов или сведений", BY_STAFF, dict(requires_comment=True)),
    ("missing_data", "waiting", "Отправить повторно", BY_CONSUMER, {}),
]

CONNECTION_REQUIREMENTS = [("site_plan", []), ("ownership", [])]

TYPES = [
    dict(code="tp", name="Заявка на технологическое присоединение", kind=ApplicationKind.CONNECTION,
         number_pattern="ТП-{year}-{seq:05d}", has_stage_tracker=True, sort_order=10,
         description="Присоединение энергопринимающих устройств к электрическим сетям",
         fields=SEED_001_FIELDS + POWER_FIELDS, statuses=CONNECTION_STATUSES,
         transitions=CONNECTION_TRANSITIONS, requirements=CONNECTION_REQUIREMENTS),
    dict(code="tp_redistribution", name="Заявка на перераспределение максимальной мощности",
         kind=ApplicationKind.CONNECTION, number_pattern="ПМ-{year}-{seq:05d}", has_stage_tracker=True,
         sort_order=20, fields=SEED_001_FIELDS + POWER_FIELDS, statuses=CONNECTION_STATUSES,
         transitions=CONNECTION_TRANSITIONS, requirements=[("ownership", [])]),
    dict(code="tp_documents", name="Заявка на восстановление (переоформление) документов о технологическом присоединении",
         kind=ApplicationKind.CONNECTION, number_pattern="ВД-{year}-{seq:05d}", sort_order=30,
         fields=SEED_001_FIELDS, statuses=CONNECTION_STATUSES, transitions=CONNECTION_TRANSITIONS,
         requirements=[("ownership", [])]),
    dict(code="heat", name="Заявка на подключение к тепловым сетям", kind=ApplicationKind.CONNECTION,
         number_pattern="ТС-{seq}", sort_order=40, fields=SEED_001_FIELDS + HEAT_FIELDS,
         statuses=HEAT_STATUSES, transitions=HEAT_TRANSITIONS, requirements=[]),
    dict(code="message", name="Сообщение сетевой организации", kind=ApplicationKind.MESSAGE,
         number_pattern="{seq}", allows_free_status=True, sort_order=90, fields=MESSAGE_FIELDS,
         statuses=MESSAGE_STATUSES, transitions=MESSAGE_TRANSITIONS, requirements=[]),
]

#: Russian public holidays (ТК РФ ст. 112) and the government's day transfers
FIXED_HOLIDAYS = [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]
HOLIDAY_NOTES = {(1, 7): "Рождество Христово", (2, 23): "День защитника Отечества",
                 (3, 8): "Международный женский день", (5, 1): "Праздник Весны и Труда",
                 (5, 9): "День Победы", (6, 12): "День России", (11, 4): "День народного единства"}
#: the production calendars as decreed (non-working / working days off the usual week)
DECREED = {
    2025: {"off": ["2025-05-02", "2025-05-08", "2025-06-13", "2025-11-03", "2025-12-31"],
           "work": ["2025-11-01"]},
    2026: {"off": ["2026-01-09", "2026-03-09", "2026-05-11", "2026-12-31"], "work": []},
}


def holidays_for(year: int) -> dict[date, str]:
    """Non-working days of `year` beyond weekends: holidays, their transfers, decreed days."""
    days: dict[date, str] = {}
    for month, day in FIXED_HOLIDAYS:
        days[date(year, month, day)] = HOLIDAY_NOTES.get((month, day), "Новогодние каникулы")
    if year not in DECREED:
        # ст. 112: a holiday on a weekend moves to the next working day (not the January ones)
        for (month, day), note in HOLIDAY_NOTES.items():
            if month == 1:
                continue
            moved = date(year, month, day)
            if moved.weekday() >= 5:
                while moved.weekday() >= 5 or moved in days:
                    moved += timedelta(days=1)
                days[moved] = f"Перенос выходного дня ({note})"
    for value in DECREED.get(year, {}).get("off", []):
        days.setdefault(date.fromisoformat(value), "Перенос выходного дня")
    return days


def seed_calendar(years=range(2025, 2031)) -> None:
    known = set(db.session.scalars(select(CalendarDay.day)).all())
    for year in years:
        for day, note in holidays_for(year).items():
            if day not in known:
                db.session.add(CalendarDay(day=day, is_working=False, note=note))
                known.add(day)
        for value in DECREED.get(year, {}).get("work", []):
            day = date.fromisoformat(value)
            if day not in known:
                db.session.add(CalendarDay(day=day, is_working=True, note="Рабочая суббота"))
                known.add(day)


def _document_types() -> dict[str, DocumentType]:
    existing = {d.code: d for d in db.session.scalars(select(DocumentType)).all()}
    for order, (code, name) in enumerate(DOCUMENT_TYPES, start=1):
        if code not in existing:
            existing[code] = DocumentType(code=code, name=name, sort_order=order * 10)
            db.session.add(existing[code])
    db.session.flush()
    return existing


def _seed_type(spec: dict, documents: dict[str, DocumentType]) -> None:
    app_type = db.session.scalar(select(ApplicationType).where(ApplicationType.code == spec["code"]))
    if app_type is None:
        app_type = ApplicationType(
            code=spec["code"], name=spec["name"], kind=spec["kind"], description=spec.get("description"),
            number_pattern=spec["number_pattern"], allows_free_status=spec.get("allows_free_status", False),
            has_stage_tracker=spec.get("has_stage_tracker", False), sort_order=spec["sort_order"], legal_forms=[],
        )
        db.session.add(app_type)
        db.session.flush()
    fields = {f.code for f in db.session.scalars(select(FormField).where(FormField.application_type_id == app_type.id))}
    for order, field in enumerate(spec["fields"], start=1):
        if field["code"] not in fields:
            db.session.add(FormField(application_type_id=app_type.id, sort_order=order * 10,
                                     choices=field.get("choices", []), legal_forms=field.get("legal_forms", []),
                                     **{k: v for k, v in field.items() if k not in ("choices", "legal_forms")}))
    statuses = {s.code: s for s in db.session.scalars(select(Status).where(Status.application_type_id == app_type.id))}
    for order, (code, name, flags) in enumerate(spec["statuses"], start=1):
        if code not in statuses:
            statuses[code] = Status(application_type_id=app_type.id, code=code, name=name,
                                    sort_order=order * 10, **flags)
            db.session.add(statuses[code])
    db.session.flush()
    existing = {(t.from_status_id, t.to_status_id) for t in
                db.session.scalars(select(Transition).where(Transition.application_type_id == app_type.id))}
    for order, (source, target, name, roles, options) in enumerate(spec["transitions"], start=1):
        key = (statuses[source].id, statuses[target].id)
        if key not in existing:
            db.session.add(Transition(application_type_id=app_type.id, from_status_id=key[0], to_status_id=key[1],
                                      name=name, roles=list(roles), sort_order=order * 10, **options))
    required = {r.document_type_id for r in db.session.scalars(
        select(TypeDocumentRequirement).where(TypeDocumentRequirement.application_type_id == app_type.id))}
    for code, legal_forms in spec["requirements"]:
        if documents[code].id not in required:
            db.session.add(TypeDocumentRequirement(application_type_id=app_type.id,
                                                   document_type_id=documents[code].id,
                                                   legal_forms=list(legal_forms), required=True))
    db.session.flush()


def seed_applications() -> None:
    """Ship the types of B1 with their fields, statuses, transitions, documents and calendar."""
    documents = _document_types()
    for spec in TYPES:
        _seed_type(spec, documents)
    seed_calendar()
    db.session.flush()
