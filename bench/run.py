"""Kabinet applications benchmark (issue 3) — not part of the test suite.

Seeds consumers and applications with bulk inserts, then measures the consumer pages
(«Мои заявки», the application page) and the staff queue (first page, a filtered page)
beside a hello-world route of the same Flask app, served the same way, and counts the SQL
statements of one request of each page. A signed-in page with the portal's layout and no
content is measured too: the floor under every page a consumer sees. Two ways of serving, both for every page:

- in-process WSGI (werkzeug's client, one request at a time): the application's own cost,
  at --small applications and again after topping up to --applications, so the queue's p50
  at both sizes can be compared;
- real HTTP at --applications: gunicorn (--workers sync workers, as README deploys it)
  loaded by wrk (two connections per worker, --seconds per page), a production-like
  server for pages and hello-world alike. Needs wrk (`apt-get install wrk`); without it
  this part is skipped with a message.

    .venv/bin/python bench/run.py --db postgresql --consumers 100000 --applications 1000000
    .venv/bin/python bench/run.py --db sqlite --consumers 100000 --applications 1000000

PostgreSQL uses its own database (kb_bench, dropped and re-created); SQLite a file under
/tmp. Results are appended to bench/RESULTS.md.
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KABINET_INSTANCE_DIR", "/tmp/kabinet-bench-instance")

from sqlalchemy import event, insert, select, text  # noqa: E402

from app.models.search import search_key  # noqa: E402  (the queue's search keys, as the app writes them)

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kb_bench"
SQLITE_PATH = "/tmp/kabinet-bench.sqlite3"
CHUNK = 20_000
FLOOR = "пустая страница портала (вход выполнен)"


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
        role_id = app.appbuilder.sm.find_role("Consumer").id
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
                           role_names=["Staff"], password="Bench-2026!", confirmed=True)
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


def measure(app, client, url: str, requests: int) -> dict:
    from app.extensions import db

    for _ in range(5):  # warm-up
        assert client.get(url).status_code == 200, url
    statements = []

    def count(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    client.get(url)
    event.remove(engine, "before_cursor_execute", count)
    timings = []
    started = time.perf_counter()
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - t0)
        assert response.status_code == 200
    total = time.perf_counter() - started
    timings.sort()
    own = [s for s in statements if "ab_permission_view" not in s]
    return {
        "rps": round(requests / total, 1),
        "p50_ms": round(statistics.median(timings) * 1000, 2),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000, 2),
        "queries": len(statements),
        "queries_own": len(own),
    }


def run_pages(app, staff_key, requests: int) -> dict:
    consumer_key, application_id, status_id = pick(app)
    consumer, staff, anonymous = client_for(app, consumer_key), client_for(app, staff_key), client_for(app, None)
    clients = {"anonymous": anonymous, "consumer": consumer, "staff": staff}
    return {name: measure(app, clients[who], url, requests)
            for name, (who, url) in page_table(application_id, status_id).items()}


def page_table(application_id: int, status_id: int, *, http: bool = False) -> dict:
    """The measured pages: name → (who asks, path). Over HTTP the hello-world is asked with the
    consumer's cookie too, and the 100-row queue is left out (the in-process count covers it)."""
    pages = {"hello-world": ("anonymous", "/bench/hello")}
    if http:
        pages["hello-world, с cookie потребителя"] = ("consumer", "/bench/hello")
    pages |= {
        FLOOR: ("consumer", "/bench/layout"),
        "Мои заявки": ("consumer", "/my/applications/"),
        "страница заявки": ("consumer", f"/my/applications/{application_id}"),
        "очередь, 1-я страница": ("staff", "/staff/queue/"),
        "очередь, фильтр": ("staff", f"/staff/queue/?status={status_id}&page=2"),
    }
    if not http:
        pages["очередь, 100 на странице"] = ("staff", "/staff/queue/?per_page=100")
    return pages


def commit() -> str:
    """The measured code: the commit, marked when the work tree has uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    changed = [line for line in git("status", "--porcelain").splitlines() if not line.endswith("bench/RESULTS.md")]
    return (git("rev-parse", "--short", "HEAD") or "?") + (" (+ changes)" if changed else "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(client, url: str) -> str:
    client.get(url)
    return client.get_cookie("session").value


def wrk_run(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    """One wrk run: requests/s and the p50/p99 latencies it reports (--latency)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: session={cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"{url}: wrk saw error responses\n{out}")

    def millis(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    return {"rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),
            "p50_ms": millis("50%"), "p99_ms": millis("99%")}


def serve(module: str, url: str, workers: int) -> tuple[subprocess.Popen, str]:
    """gunicorn serving bench/<module>.py's `app` with --workers sync workers; (process, base URL)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--chdir", str(ROOT / "bench"), "--log-level", "warning", f"{module}:app"],
        env={**os.environ, "KABINET_BENCH_DATABASE_URL": url})
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(base + ("/bench/hello" if module == "wsgi" else "/peer/hello"), timeout=1).read()
            break
        except OSError:
            time.sleep(0.5)
    return server, base


#: the plain-Flask peer's pages (bench/peer.py): Kabinet's page name → the peer's path
PEER_PAGES = {FLOOR: "/peer/layout", "Мои заявки": "/peer/my/applications/"}


def run_http(app, url: str, staff_key, workers: int, seconds: int) -> dict | None:
    """Every page over HTTP from gunicorn, hello-world first, each with the same wrk load; then the
    plain-Flask peer's pages with the same consumer cookie, served and loaded the same way."""
    if not shutil.which("wrk"):
        print("wrk not found (apt-get install wrk): the HTTP part is skipped", file=sys.stderr)
        return None
    consumer_key, application_id, status_id = pick(app)
    consumer, staff = client_for(app, consumer_key), client_for(app, staff_key)
    consumer_cookie = session_cookie(consumer, "/my/applications/")
    staff_cookie = session_cookie(staff, "/staff/queue/")
    cookies = {"anonymous": None, "consumer": consumer_cookie, "staff": staff_cookie}
    results = {}
    server, base = serve("wsgi", url, workers)
    try:
        for name, (who, path) in page_table(application_id, status_id, http=True).items():
            results[name] = load(base, path, cookies[who], seconds, workers)
    finally:
        server.terminate()
        server.wait(timeout=30)
    server, base = serve("peer", url, workers)
    try:
        for name, path in PEER_PAGES.items():
            results[f"peer: {name}"] = load(base, path, consumer_cookie, seconds, workers)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def load(base: str, path: str, cookie: str | None, seconds: int, workers: int) -> dict:
    request = urllib.request.Request(base + path, headers={"Cookie": f"session={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.url == base + path, (path, response.url)
    wrk_run(base + path, cookie, 2, 2 * workers)  # warm-up
    return wrk_run(base + path, cookie, seconds, 2 * workers)


def peer_lines(http: dict) -> list[str]:
    """Issue 11's targets: each page ≥ 0.8 of its plain-Flask peer's requests/s, p99/p50 ≤ 3."""
    lines = []
    for name in PEER_PAGES:
        ours, peer = http[name], http[f"peer: {name}"]
        lines.append(f"- {name}: {ours['rps']} vs peer {peer['rps']} requests/s = {ours['rps'] / peer['rps']:.2f} "
                     f"of the peer (target ≥ 0.8); p99/p50 {ours['p99_ms'] / ours['p50_ms']:.1f} "
                     f"(peer {peer['p99_ms'] / peer['p50_ms']:.1f}; target ≤ 3)")
    return lines


def http_table(results: dict) -> str:
    hello = results["hello-world"]["rps"]
    lines = ["| страница | запросов/с | p50, мс | p99, мс | доля от hello-world |", "|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['rps'] / hello:.2f} |")
    return "\n".join(lines)


def table(results: dict, hello_rps: float) -> str:
    lines = ["| страница | запросов/с | p50, мс | p99, мс | SQL всего | SQL без проверки прав FAB | доля от hello-world |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['queries']} | {r['queries_own']} | "
                     f"{r['rps'] / hello_rps:.2f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="sqlite")
    parser.add_argument("--consumers", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (HTTP part)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per page (HTTP part)")
    args = parser.parse_args()
    rng = random.Random(2026)
    url = database_url(args.db)
    app = build_app(url)
    create_schema(app)
    t0 = time.perf_counter()
    consumer_ids = seed_consumers(app, args.consumers)
    seed_applications(app, consumer_ids, args.small, rng)
    seeded_small = time.perf_counter() - t0
    staff_key = make_staff(app)
    small = run_pages(app, staff_key, args.requests)
    t1 = time.perf_counter()
    seed_applications(app, consumer_ids, args.applications - args.small, rng)
    seeded_large = time.perf_counter() - t1
    large = run_pages(app, staff_key, args.requests)
    http = run_http(app, url, staff_key, args.workers, args.seconds)

    q_small, q_large = small["очередь, 1-я страница"]["p50_ms"], large["очередь, 1-я страница"]["p50_ms"]
    f_small, f_large = small["очередь, фильтр"]["p50_ms"], large["очередь, фильтр"]["p50_ms"]
    hello = large["hello-world"]["rps"]
    report = [
        f"## {args.db} — {datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit()}",
        "",
        f"{args.consumers:,} consumers; {args.small:,} then {args.applications:,} applications (+1 event each). "
        f"Seeding: {seeded_small:.1f} s for consumers + {args.small:,} applications, {seeded_large:.1f} s for the "
        f"rest. {args.requests} sequential requests per page after 5 warm-up requests, in-process WSGI "
        f"(werkzeug test client, same app and middleware as the hello-world route).",
        "",
        f"### In-process, {args.small:,} applications",
        "",
        table(small, small["hello-world"]["rps"]),
        "",
        f"### In-process, {args.applications:,} applications",
        "",
        table(large, hello),
        "",
        f"- staff queue p50, first page: {q_small} ms at {args.small:,} → {q_large} ms at {args.applications:,} "
        f"(×{q_large / q_small:.2f}; target ≤ ×1.3)",
        f"- staff queue p50, filtered page: {f_small} ms → {f_large} ms (×{f_large / f_small:.2f})",
        f"- consumer pages vs hello-world requests/s, in-process: «Мои заявки» "
        f"{large['Мои заявки']['rps'] / hello:.2f}, application page {large['страница заявки']['rps'] / hello:.2f}",
        f"- staff queue SQL per request: {large['очередь, 1-я страница']['queries_own']} own queries at 20 and at "
        f"100 rows ({large['очередь, 100 на странице']['queries_own']}), plus "
        f"{large['очередь, 1-я страница']['queries'] - large['очередь, 1-я страница']['queries_own']} for the "
        f"role permissions (FAB's checks, once per request)",
        "",
    ]
    if http:
        hello_http = http["hello-world"]["rps"]
        report += [
            f"### HTTP: gunicorn, {args.workers} sync workers, wrk with {2 * args.workers} connections, "
            f"{args.seconds} s per page, {args.applications:,} applications",
            "",
            http_table(http),
            "",
            f"- consumer pages vs hello-world requests/s over HTTP: «Мои заявки» "
            f"{http['Мои заявки']['rps'] / hello_http:.2f}, application page "
            f"{http['страница заявки']['rps'] / hello_http:.2f} (target ≥ 0.20); the signed-in page with the "
            f"portal's layout and no content: {http[FLOOR]['rps'] / hello_http:.2f}",
            *peer_lines(http),
            "",
        ]
    text_report = "\n".join(report)
    print(text_report)
    print(json.dumps({"small": small, "large": large, "http": http}, ensure_ascii=False))
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write(text_report + "\n")


if __name__ == "__main__":
    main()
