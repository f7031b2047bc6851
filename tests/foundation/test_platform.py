"""Platform: health, formats, identifiers, roles, sessions, CSRF, migrations."""
import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.core.formatting import format_date, format_money
from app.core.identifiers import (
    InvalidIdentifier,
    format_snils,
    normalize_phone,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_ogrnip,
    validate_snils,
)
from app.models import KabinetUser
from tests.factories import make_consumer, make_staff


def test_health_reports_database_and_in_process_queue(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["queue"]["mode"] == "in-process"


def test_money_and_dates_in_russian_format(app):
    from datetime import date, datetime

    with app.app_context():
        assert format_money(1234.56) == "1\u00a0234,56\u00a0руб."
        assert format_money(-1000000) == "-1\u00a0000\u00a0000,00\u00a0руб."
        assert format_money(0) == "0,00\u00a0руб."
        assert format_date(date(2026, 3, 8)) == "08.03.2026"
        # stored in UTC, shown in Moscow time: 22:30 UTC is the next day in Moscow
        assert format_date(datetime(2026, 3, 7, 22, 30)) == "08.03.2026"


@pytest.mark.parametrize(
    "validator, good, bad, message",
    [
        (validate_snils, "049-114-804 49", "049-114-804 48", "контрольное число"),
        (validate_snils, "04911480449", "0491148044", "11 цифр"),
        (validate_inn, "7707083893", "7707083894", "контрольное число"),
        (validate_inn, "500100732259", "500100732258", "контрольное число"),
        (validate_inn, "7707083893", "77070838", "10 или 12 цифр"),
        (validate_ogrn, "1027700132195", "1027700132196", "контрольное число"),
        (validate_ogrnip, "304500116000157", "304500116000158", "контрольное число"),
        (validate_ogrnip, "304500116000157", "1027700132195", "15 цифр"),
        (validate_kpp, "773601001", "77360100", "9 символов"),
    ],
)
def test_identifier_checksums(validator, good, bad, message):
    assert validator(good)
    with pytest.raises(InvalidIdentifier, match=message):
        validator(bad)


def test_phone_normalisation_and_snils_format():
    assert normalize_phone("8 (912) 345-67-89") == "+79123456789"
    assert normalize_phone("+7 912 345 67 89") == "+79123456789"
    with pytest.raises(InvalidIdentifier):
        normalize_phone("12345")
    assert format_snils("04911480449") == "049-114-804-49"


def test_roles_are_synced_from_data(app):
    from app.security.roles import role_configs

    with app.app_context():
        sm = app.appbuilder.sm
        for role_name, pairs in role_configs().items():
            role = sm.find_role(role_name)
            held = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
            assert held == set(pairs), role_name


def test_role_sync_removes_permissions_not_in_config(app):
    from app.security.roles import sync_roles

    with app.app_context():
        sm = app.appbuilder.sm
        consumer = sm.find_role("Consumer")
        stray = sm.add_permission_view_menu("can_access", "OrganizationAdmin")
        consumer.permissions.append(stray)
        db.session.commit()
        sync_roles(app.appbuilder)
        db.session.commit()
        consumer = sm.find_role("Consumer")
        assert ("can_access", "OrganizationAdmin") not in {
            (pv.permission.name, pv.view_menu.name) for pv in consumer.permissions
        }


def test_consumer_header_shows_legal_form_and_identifier(ctx, client, login):
    user = make_consumer(snils="04911480449")
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert "Физическое лицо - СНИЛС: 049-114-804-49" in page


def test_stale_session_version_logs_out(ctx, client, login):
    user = make_consumer()
    login(user)
    assert "Здравствуйте" in client.get("/").get_data(as_text=True)
    db.session.get(KabinetUser, user.id).session_version += 1
    db.session.commit()
    assert "Здравствуйте" not in client.get("/").get_data(as_text=True)


def test_staff_user_is_organization(ctx):
    from app.security.access import is_organization

    assert is_organization(make_staff("Staff"))
    assert is_organization(make_staff("OrgAdmin"))
    assert not is_organization(make_consumer())


def test_csrf_is_enforced_when_enabled(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login/", data={"username": "x", "password": "y"})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_secret_key_generated_once_and_kept(tmp_path, monkeypatch):
    import importlib

    import config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    first = config.instance_secret("secret_key")
    second = config.instance_secret("secret_key")
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    importlib.reload(config)


@pytest.fixture
def scratch_database_url(app, tmp_path):
    """An empty database of the same kind as the suite's (SQLite file or PostgreSQL)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_build_exactly_the_models(scratch_database_url):
    """`flask db upgrade` on an empty database yields the schema the models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_appbuilder import Model
    from flask_migrate import upgrade

    from app import create_app

    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_database_url)
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Model.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ; run `make migration`: {diff}"


def test_russian_by_default_english_selectable(client):
    assert "Войдите в личный кабинет" in client.get("/").get_data(as_text=True)
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert "Sign in to your account" in page
    client.get("/lang/ru")
    assert "Войдите в личный кабинет" in client.get("/").get_data(as_text=True)


def test_ogrnip_with_remainder_over_nine_is_valid():
    # 30471000000009 mod 13 = 10 → control digit 0. python-stdnum 2.2 refuses it; a real
    # entrepreneur with such a number must still be able to register.
    assert validate_ogrnip("304710000000090") == "304710000000090"
    with pytest.raises(InvalidIdentifier):
        validate_ogrnip("304710000000091")
