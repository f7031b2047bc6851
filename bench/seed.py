"""Seeding of the benchmark's database (bench/run.py): consumers and applications by bulk
inserts, the roles and reference data as the app makes them, one staff member; and the app
that is measured, with its hello-world and empty signed-in page. Not part of the test suite."""
import os
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KABINET_INSTANCE_DIR", "/tmp/kabinet-bench-instance")

from sqlalchemy import insert, select, text  # noqa: E402

from app.models.search import search_key  # noqa: E402  (the queue's search keys, as the app writes them)
from app.security.roles import CONSUMER, STAFF  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kb_bench"
SQLITE_PATH = "/tmp/kabinet-bench.sqlite3"
CHUNK = 20_000


def database_url(kind: str) -> str:
    if kind == "postgresql":
        import sqlalchemy

        admin = sqlalchemy.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS kb_bench"))
            conn.execute(text("CREATE DATABASE kb_bench"))
        admin.dispose()
        return PG_URL
    if os.path.exists(SQLITE_PATH):
        os.remove(SQLITE_PATH)
    return f"sqlite:///{SQLITE_PATH}"


def build_app(url: str):
    from flask_login import login_required

    from app import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR="/tmp/kabinet-bench-uploads",
                     RATELIMIT_ENABLED=False)

    @app.route("/bench/hello")
    def hello():
        return "Hello, world!"

    # The floor of every signed-in page: the user, the portal's layout and menu, no content.
    with app.app_context():
        empty_page = app.jinja_env.from_string('{% extends "base.html" %}{% block content %}{% endblock %}')

    @app.route("/bench/layout")
    @login_required
    def layout():
        context = {"appbuilder": app.appbuilder, "base_template": "base.html"}
        app.update_template_context(context)
        return empty_page.render(context)

    return app


def create_schema(app):
    from flask_appbuilder import Model

    from app.extensions import db
    from app.security.roles import sync_roles
    from app.core.areas import seed_reference_data

    with app.app_context():
        Model.metadata.create_all(db.engine)
        sync_roles(app.appbuilder)
        seed_reference_data()
        db.session.commit()
        if db.engine.dialect.name == "sqlite":
            with db.engine.begin() as conn:
                conn.execute(text("PRAGMA journal_mode=WAL"))


def seed_consumers(app, count: int) -> list[int]:
    """Users, their Consumer role and a ФЛ profile each; returns consumer ids."""
    from app.extensions import db
    from app.models import ConsumerProfile, KabinetUser
    from app.core.users import hash_password

    with app.app_context():
        role_id = app.appbuilder.sm.find_role(CONSUMER).id
        user_table, profile_table = KabinetUser.__table__, ConsumerProfile.__table__
        role_table = Model_table("ab_user_role")
        password = hash_password("Bench-2026!")
        now = datetime.utcnow()
        start = (db.session.scalar(select(KabinetUser.id).order_by(KabinetUser.id.desc()).limit(1)) or 0) + 1
        ids = range(start, start + count)
        with db.engine.begin() as conn:
            for chunk_start in range(0, count, CHUNK):
                chunk = ids[chunk_start:chunk_start + CHUNK]
                conn.execute(insert(user_table), [dict(
                    id=i, first_name="Иван", last_name=f"Потребитель{i}", username=f"bench{i}", password=password,
                    active=True, email=f"c{i}@bench.kabinet", phone=f"+7900{i:07d}", created_on=now, changed_on=now,
                    login_count=0, fail_login_count=0, session_version=1, totp_enabled=False, notify_email=True,
                    notify_sms=True, must_set_password=False, email_confirmed_at=now, phone_confirmed_at=now,
                ) for i in chunk])
                conn.execute(insert(role_table), [dict(user_id=i, role_id=role_id) for i in chunk])
                conn.execute(insert(profile_table), [dict(
                    id=i, user_id=i, legal_form="individual", last_name=f"Потребитель{i}", first_name="Иван",
                    middle_name="Петрович", snils=f"{i:011d}", inn=f"{i:012d}", created_at=now, updated_at=now,
                    birth_date=datetime(1980, 1, 1).date(), passport_series="4510", passport_number=f"{i % 999999:06d}",
                    passport_issued_by="ОВД", passport_issued_on=datetime(2000, 1, 1).date(),
                    registration_address="Казань", postal_address="Казань",
                    search_name=search_key(f"Потребитель{i} Иван Петрович"),
                ) for i in chunk])
            if conn.dialect.name == "postgresql":
                for table in ("ab_user", "consumer", "ab_user_role"):
                    reset_sequence(conn, table)
        return list(ids)


def reset_sequence(conn, table: str) -> None:
    """After inserts with explicit ids: serial columns, or FAB's named sequences (ab_user_id_seq)."""
    conn.execute(text(f"SELECT setval(COALESCE(pg_get_serial_sequence('{table}', 'id'), '{table}_id_seq'), "
                      f"(SELECT MAX(id) FROM {table}))"))


def Model_table(name):
    from flask_appbuilder import Model

    return Model.metadata.tables[name]


def seed_applications(app, consumer_ids: list[int], count: int, rng: random.Random) -> None:
    """`count` submitted connection applications spread over the consumers, one event each."""
    from app.extensions import db
    from app.models import Application, ApplicationEvent, ApplicationType, Status

    with app.app_context():
        tp = db.session.scalar(select(ApplicationType).where(ApplicationType.code == "tp"))
        statuses = {s.code: s.id for s in db.session.scalars(select(Status).where(Status.application_type_id == tp.id))}
        weights = [("review", 20), ("missing_data", 5), ("offer", 15), ("contract", 30), ("done", 25), ("refused", 5)]
        codes, w = zip(*weights)
        start = (db.session.scalar(select(Application.id).order_by(Application.id.desc()).limit(1)) or 0) + 1
        event_start = (db.session.scalar(select(ApplicationEvent.id).order_by(ApplicationEvent.id.desc()).limit(1))
                       or 0) + 1
        now = datetime.utcnow()
        app_table, event_table = Application.__table__, ApplicationEvent.__table__
        with db.engine.begin() as conn:
            for offset in range(0, count, CHUNK):
                n = min(CHUNK, count - offset)
                rows, events = [], []
                for k in range(n):
                    i = start + offset + k
                    code = rng.choices(codes, w)[0]
                    submitted = now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
                    address = f"Казань, ул. Тестовая, {i % 500}"
                    rows.append(dict(
                        id=i, application_type_id=tp.id, consumer_id=rng.choice(consumer_ids),
                        status_id=statuses[code], number=f"ТП-{submitted.year}-{i:07d}",
                        data={"object_address": address, "city": "Казань", "max_power_kw": "15"},
                        object_address=address, search_address=search_key(address),
                        submitted_at=submitted, status_changed_at=submitted,
                        due_on=(submitted + timedelta(days=14)).date() if code in ("review", "offer") else None,
                        tracker={}, version=2, created_at=submitted, updated_at=submitted,
                    ))
                    events.append(dict(id=event_start + offset + k, application_id=i, at=submitted, kind="status",
                                       to_status_id=statuses["review"], status_name="На рассмотрении",
                                       visible_to_consumer=True))
                conn.execute(insert(app_table), rows)
                conn.execute(insert(event_table), events)
            if conn.dialect.name == "postgresql":
                for table in ("application", "application_event"):
                    reset_sequence(conn, table)
                conn.execute(text("ANALYZE"))
            else:
                conn.execute(text("ANALYZE"))


def make_staff(app):
    from app.extensions import db
    from app.core.users import create_user

    with app.app_context():
        user = create_user(email="bench-staff@bench.kabinet", first_name="Анна", last_name="Сотрудникова",
                           role_names=[STAFF], password="Bench-2026!", confirmed=True)
        db.session.commit()
        return user.get_id()


def pick(app):
    """A consumer with several applications, one of their applications, a status id for the filter."""
    from sqlalchemy import func

    from app.extensions import db
    from app.models import Application, ConsumerProfile, Status

    with app.app_context():
        consumer_id, _ = db.session.execute(
            select(Application.consumer_id, func.count()).group_by(Application.consumer_id)
            .order_by(func.count().desc()).limit(1)).one()
        application_id = db.session.scalar(select(Application.id).where(Application.consumer_id == consumer_id)
                                           .limit(1))
        user = db.session.get(ConsumerProfile, consumer_id).user
        status_id = db.session.scalar(select(Status.id).where(Status.code == "offer").limit(1))
        return user.get_id(), application_id, status_id


def client_for(app, user_key):
    client = app.test_client()
    if user_key:
        with client.session_transaction() as session:
            session["_user_id"] = user_key
            session["_fresh"] = True
    return client
