"""The set-up steps of `make run`, on a fresh database, as a newcomer runs them."""
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import KabinetUser


def test_fresh_install_steps_create_demo_logins(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["kabinet", "sync-roles"], ["kabinet", "seed"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output, result.exception)
    result = runner.invoke(args=["kabinet", "demo"])
    assert result.exit_code == 0, result.output
    for login in ("admin@demo.kabinet", "staff@demo.kabinet", "fl@demo.kabinet", "ip@demo.kabinet", "ul@demo.kabinet"):
        assert login in result.output
    again = runner.invoke(args=["kabinet", "demo"])  # re-running keeps, never duplicates
    assert again.exit_code == 0
    with app.app_context():
        users = db.session.scalars(select(KabinetUser)).all()
        assert len(users) == 6
        by_email = {u.email: u for u in users}
        assert by_email["fl@demo.kabinet"].consumer.header_line.startswith("Физическое лицо - СНИЛС:")
        assert {r.name for r in by_email["admin@demo.kabinet"].roles} == {"Admin"}
        assert {r.name for r in by_email["ul@demo.kabinet"].roles} == {"Consumer"}


def test_demo_consumers_can_submit_applications_at_once(ctx, reference_data):
    """A newcomer trying «Подать заявку» as any demo consumer is not sent back to the profile."""
    from app.demo import create_demo_data
    from workflows.accounts.profile import missing_profile_fields

    create_demo_data("Demo-2026!")
    consumers = [u.consumer for u in db.session.scalars(select(KabinetUser)) if u.consumer]
    assert len(consumers) == 3
    assert {c.legal_form for c in consumers} == {"individual", "entrepreneur", "legal_entity"}
    assert all(missing_profile_fields(c) == [] for c in consumers)


def test_demo_fills_the_staff_queue_once(ctx, reference_data):
    from app.demo import create_demo_data
    from app.models import Application

    from app.models import ApplicationKind, ApplicationType

    create_demo_data("Demo-2026!")
    kinds = db.session.execute(select(ApplicationType.kind, Application.id).join(Application.application_type)).all()
    create_demo_data("Demo-2026!")
    assert db.session.execute(select(ApplicationType.kind, Application.id).join(Application.application_type)).all() == kinds
    connections = db.session.scalars(select(Application).join(Application.application_type).where(
        ApplicationType.kind == ApplicationKind.CONNECTION)).all()
    assert len(connections) == 1
    assert connections[0].submitted_at is not None
    assert connections[0].status.is_initial
    # the rest of the cabinet: two appeals, a statement, the documents sent through «Мои документы»
    assert {kind for kind, _id in kinds} >= {ApplicationKind.APPEAL, ApplicationKind.STATEMENT}


def test_make_demo_db_prints_the_logins_not_alembic_chatter(tmp_path):
    """`make run` shows a newcomer the demo logins; alembic's INFO lines would bury them."""
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KABINET_", "DATABASE_URL", "FLASK_"))}
    env["KABINET_INSTANCE_DIR"] = str(tmp_path)
    # -o install: the virtualenv is there already; run exactly the demo-db recipe
    done = subprocess.run(["make", "--no-print-directory", "-o", "install", "demo-db"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert (tmp_path / "kabinet.sqlite3").exists()
    assert "INFO  [alembic" not in output and "INFO alembic" not in output, output
    for login in ("admin@demo.kabinet", "staff@demo.kabinet", "fl@demo.kabinet", "Demo-2026!"):
        assert login in output
    assert "flask --app" not in output, "make echoes its commands"
    assert len(output.splitlines()) <= 15, output
