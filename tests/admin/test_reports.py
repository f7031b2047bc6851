"""F7: reports by status and type, overdue, processing times, registrations — tables, charts, CSV."""
from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Application, ApplicationEvent, ApplicationType, Status
from workflows.admin import reports


@pytest.fixture
def data(ctx, consumer):
    app_type = ApplicationType(code="tp", name="Заявка на ТП")
    db.session.add(app_type)
    db.session.flush()
    draft = Status(application_type_id=app_type.id, code="draft", name="Черновик", is_draft=True)
    review = Status(application_type_id=app_type.id, code="review", name="На рассмотрении", is_initial=True)
    offer = Status(application_type_id=app_type.id, code="offer", name="Подготовка оферты договора")
    closed = Status(application_type_id=app_type.id, code="closed", name="Закрыта", is_final=True)
    db.session.add_all([draft, review, offer, closed])
    db.session.flush()
    cid = consumer.consumer.id
    start = datetime(2026, 10, 1, 9, 0)
    apps = []
    # review lasted 1, 2, 3 … 10 days; offer 5 days for the first three
    for n in range(10):
        application = Application(application_type_id=app_type.id, consumer_id=cid, status_id=offer.id, data={},
                                  submitted_at=start, number=f"ТП-{n}")
        db.session.add(application)
        db.session.flush()
        db.session.add(ApplicationEvent(application_id=application.id, kind="status", at=start,
                                        to_status_id=review.id, status_name="На рассмотрении"))
        db.session.add(ApplicationEvent(application_id=application.id, kind="status",
                                        at=start + timedelta(days=n + 1), to_status_id=offer.id,
                                        status_name="Подготовка оферты договора"))
        if n < 3:
            db.session.add(ApplicationEvent(application_id=application.id, kind="status",
                                            at=start + timedelta(days=n + 6), to_status_id=closed.id,
                                            status_name="Закрыта"))
            application.status_id = closed.id
        apps.append(application)
    apps[5].due_on = date(2026, 10, 5)   # overdue
    apps[6].due_on = date(2099, 1, 1)    # not yet due
    apps[0].due_on = date(2026, 10, 5)   # closed: never overdue
    db.session.add(Application(application_type_id=app_type.id, consumer_id=cid, status_id=draft.id, data={}))
    db.session.commit()
    return apps


def test_by_status_and_type_counts_submitted_applications(data):
    rows = {(r["type"], r["status"]): r["count"] for r in reports.by_status_and_type()}
    assert rows == {("Заявка на ТП", "Подготовка оферты договора"): 7, ("Заявка на ТП", "Закрыта"): 3}


def test_overdue_lists_only_open_applications_past_their_deadline(data):
    assert [a.number for a in reports.overdue(date(2026, 11, 1))] == ["ТП-5"]


def test_processing_time_median_and_90th_percentile(data):
    rows = {r["status"]: r for r in reports.processing_times()}
    review = rows["На рассмотрении"]
    assert review["count"] == 10
    assert review["median_days"] == 5.5
    assert review["p90_days"] == 9.1
    assert rows["Подготовка оферты договора"]["count"] == 3
    assert rows["Подготовка оферты договора"]["median_days"] == 5.0
    assert "Закрыта" not in rows  # still in it: no finished stay


def test_registrations_per_day(ctx, consumer):
    profile = consumer.consumer
    profile.created_at = datetime(2026, 11, 20, 10, 0)
    from tests.factories import make_consumer

    other = make_consumer().consumer
    other.created_at = datetime(2026, 11, 20, 23, 0)
    third = make_consumer().consumer
    third.created_at = datetime(2026, 11, 21, 1, 0)
    db.session.commit()
    rows = reports.registrations_per_day(date(2026, 11, 1), date(2026, 11, 30))
    assert [(r["day"], r["count"]) for r in rows] == [(date(2026, 11, 20), 2), (date(2026, 11, 21), 1)]
    assert reports.registrations_per_day(date(2026, 11, 21), None)[0]["count"] == 1


def test_reports_page_shows_tables_and_charts_and_exports_csv(client, login, org_admin, data):
    login(org_admin)
    body = client.get("/admin/reports/").get_data(as_text=True)
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert 'id="chart-by-status"' in body and 'id="chart-processing"' in body
    assert "Подготовка оферты договора" in body and "ТП-5" in body
    csv = client.get("/admin/reports/processing.csv").get_data().decode("utf-8-sig").splitlines()
    assert csv[0] == "Статус;Переходов;Медиана, дней;90-й процентиль, дней"
    assert "На рассмотрении;10;5.5;9.1" in csv
    overdue = client.get("/admin/reports/overdue.csv").get_data().decode("utf-8-sig")
    assert "ТП-5" in overdue and "ТП-6" not in overdue
    assert client.get("/admin/reports/nonsense.csv").status_code == 404
    filtered = client.get("/admin/reports/by-status.csv?date_from=2099-01-01").get_data().decode("utf-8-sig")
    assert filtered.strip().splitlines() == ["Тип заявки;Статус;Количество"]


def test_percentile_helper():
    assert reports.percentile([5.0], 90) == 5.0
    assert reports.percentile([1, 2, 3, 4], 50) == 2.5
