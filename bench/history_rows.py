"""The rows of bench/history_seed.py: 1,000,000 appeals (Application of the appeal type + Appeal +
its events) and 1,000,000 rows of «Мои документы» (ConsumerDocument), streamed into COPY.
Not part of the tests.

Appeals: «Зарегистрировано» (the law's deadline ahead) for the last weeks, otherwise «Ответ дан»
(95 %: the answer is the «Дать ответ» transition's comment, as workflows/appeals/types.py makes
it) or «Оставлено без ответа»; two status events each once answered, one before.

«Мои документы»: the filled statement of half of the appeals (the ledger's «Обращение» rows;
the measured consumer's every appeal), a receipt a month of the consumer's account, and
documents the consumer sent or received (typed attachments, signatures, copies) pointing at
their appeals — about 1,000,000 rows in all, so the table is as large as the brief asks.
"""
import random
from datetime import timedelta

from sqlalchemy import text

from app.models.search import search_key
from billing_seed import bulk
from history_seed import (ANSWER, APPEALS, DOCUMENTS, MEASURED_APPEALS_A_MONTH, MEASURED_DOCUMENTS_A_MONTH, MONTHS,
                          NOW, TEXT, Row, months_back, owners)

#: «Тип документов» of the documents a consumer sends (seed 004 «Мои документы») and receives
SENT_TYPES = ("Договор энергоснабжения", "Соглашение о реструктуризации задолженности",
              "Исковое заявление/заявление на выдачу судебного приказа", "Прочие документы")
RECEIVED = (("Электронная подпись", "signature", "Подпись: Ответ на обращение"),
            ("Копия документа", "copy", "Акт об осуществлении технологического присоединения"),
            ("Прочие документы", "attachment", "Ответ на обращение"))


def appeal_context(conn) -> dict:
    """The appeal type, its statuses, the appeal topics, the supplier (ids from the database)."""
    type_id = conn.execute(text("SELECT id FROM application_type WHERE code = 'appeal'")).scalar_one()
    statuses = dict(conn.execute(text("SELECT code, id FROM status WHERE application_type_id = :t"),
                                 {"t": type_id}).all())
    topics = conn.execute(text("SELECT id, name FROM topic WHERE kind = 'appeal' AND active ORDER BY sort_order")).all()
    supplier = conn.execute(text("SELECT id, name FROM supplier WHERE code = 'ES'")).one()
    return {"type": type_id, "statuses": statuses, "topics": topics, "supplier": supplier}


def appeal_rows(ctx: dict, tables: dict, rng: random.Random):
    """(application, appeal, events) tuples, oldest first; consumer k writes about account k."""
    status_names = {"registered": "Зарегистрировано", "answered": "Ответ дан", "unanswered": "Оставлено без ответа"}
    supplier_id, supplier_name = ctx["supplier"]
    event_id = 0
    for i, (consumer, at) in enumerate(owners(APPEALS, MEASURED_APPEALS_A_MONTH, rng), start=1):
        topic_id, topic = ctx["topics"][i % len(ctx["topics"])]
        fresh = NOW - at < timedelta(days=21)
        code = "registered" if fresh else "answered" if rng.random() < 0.95 else "unanswered"
        answered = min(at + timedelta(days=rng.randint(3, 25), minutes=rng.randint(0, 600)), NOW)
        address = f"Казань, ул. Тестовая, д. {consumer % 500}, кв. {consumer % 97}"
        data = {"full_name": f"Потребитель{consumer} Иван Петрович", "account_number": f"{consumer:010d}",
                "address": address, "supplier": supplier_name, "topic": topic, "text": TEXT,
                "phone": f"+7900{consumer:07d}", "email": f"c{consumer}@bench.kabinet"}
        application = tables["application"](
            id=i, application_type_id=ctx["type"], consumer_id=consumer, status_id=ctx["statuses"][code],
            number=f"ОБР-{at.year}-{i:07d}", data=data, object_address=address, search_address=search_key(address),
            submitted_at=at, status_changed_at=at if fresh else answered,
            due_on=(at + timedelta(days=42)).date() if fresh else None, tracker={}, version=2, created_at=at,
            updated_at=at if fresh else answered)
        appeal = tables["appeal"](id=i, application_id=i, consumer_id=consumer, account_id=consumer,
                                  supplier_id=supplier_id, topic_id=topic_id, full_name=data["full_name"],
                                  phone=data["phone"], email=data["email"], submitted_at=at)
        events = [tables["application_event"](
            id=event_id + 1, application_id=i, at=at, kind="status", from_status_id=ctx["statuses"]["draft"],
            to_status_id=ctx["statuses"]["registered"], status_name=status_names["registered"], comment=None,
            payload=None, visible_to_consumer=True)]
        if not fresh:
            events.append(tables["application_event"](
                id=event_id + 2, application_id=i, at=answered, kind="status",
                from_status_id=ctx["statuses"]["registered"], to_status_id=ctx["statuses"][code],
                status_name=status_names[code], comment=ANSWER, payload=None, visible_to_consumer=True))
        event_id += len(events)
        yield application, appeal, events


def seed_appeals(app, rng: random.Random) -> dict:
    """APPEALS appeals into application, appeal and application_event (the step can be re-run:
    the earlier appeals are removed first)."""
    from app.extensions import db
    from flask_appbuilder import Model

    from seed import reset_sequence

    tables = {name: Row(Model.metadata.tables[name]) for name in ("application", "appeal", "application_event")}
    with app.app_context(), db.engine.begin() as conn:
        for name in ("consumer_document", "application_event", "appeal", "application"):
            conn.execute(text(f"TRUNCATE {name} CASCADE"))
        ctx = appeal_context(conn)
        seed = rng.random()

        def rows():  # the same rows on every pass (one COPY per table, no million tuples in memory)
            return appeal_rows(ctx, tables, random.Random(seed))

        counts = {name: bulk(conn, name, tables[name].columns, stream) for name, stream in (
            ("application", (r[0] for r in rows())), ("appeal", (r[1] for r in rows())),
            ("application_event", (event for r in rows() for event in r[2])))}
        for name in ("application", "appeal", "application_event"):
            reset_sequence(conn, name)
        conn.execute(text("ANALYZE application, appeal, application_event"))
    return counts


def document_rows(appeals: list, table: Row, rng: random.Random):
    """«Мои документы»: the appeals' statements, a receipt a month per consumer of a sample, and
    sent or received documents tied to the consumer's appeals, until DOCUMENTS rows."""
    row_id = 0

    def row(**values):  # consumer k's documents name their account k (the appeal's, the receipt's)
        nonlocal row_id
        row_id += 1
        return table(id=row_id, **{"account_id": values["consumer_id"], **values})

    mine = sum(1 for a in appeals if a.consumer_id == 1)
    others = len(appeals) - mine
    # the measured consumer: every appeal's statement, a receipt a month, the rest extra documents
    extra_mine = (MEASURED_DOCUMENTS_A_MONTH * MONTHS - mine - MONTHS) / max(1, mine)
    extra_others = (DOCUMENTS - MEASURED_DOCUMENTS_A_MONTH * MONTHS - others / 2) / max(1, others)
    for appeal_id, consumer, at in appeals:
        if consumer == 1 or rng.random() < 0.5:
            yield row(consumer_id=consumer, created_at=at, direction="sent", type_name="Обращение",
                      title="Обращение", source_kind="statement", source_id=appeal_id, application_id=appeal_id)
        if rng.random() < (extra_mine if consumer == 1 else extra_others):  # both below 1
            yield from document_of(row, appeal_id, consumer, at, rng)
    for k, month in enumerate(months_back(MONTHS)):
        yield row(consumer_id=1, created_at=NOW.replace(year=month.year, month=month.month, day=5, hour=6),
                  direction="received", type_name="Квитанция", title="Квитанция", source_kind="receipt",
                  source_id=k + 1, account_id=1, period=month)


def document_of(row, appeal_id: int, consumer: int, at, rng: random.Random):
    """One document sent with the appeal, or one received with its answer."""
    if rng.random() < 0.5:
        yield row(consumer_id=consumer, created_at=at, direction="sent", type_name=rng.choice(SENT_TYPES),
                  title=f"Скан документа {appeal_id}.pdf", source_kind="attachment", source_id=2 * appeal_id,
                  application_id=appeal_id)
    else:
        type_name, kind, title = rng.choice(RECEIVED)
        yield row(consumer_id=consumer, created_at=min(at + timedelta(days=rng.randint(3, 25)), NOW),
                  direction="received",
                  type_name=type_name, title=title, source_kind=kind,
                  source_id=2 * appeal_id + (1 if kind == "attachment" else 0), application_id=appeal_id)


def seed_documents(app, rng: random.Random) -> dict:
    from app.extensions import db
    from flask_appbuilder import Model

    from seed import reset_sequence

    table = Row(Model.metadata.tables["consumer_document"])
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("TRUNCATE consumer_document"))
        appeals = conn.execute(text("SELECT id, consumer_id, submitted_at FROM appeal ORDER BY id")).all()
        count = bulk(conn, "consumer_document", table.columns, document_rows(appeals, table, rng))
        reset_sequence(conn, "consumer_document")
        conn.execute(text("ANALYZE consumer_document"))
    return {"consumer_document": count}
