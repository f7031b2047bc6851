"""The reminder the day before: tomorrow's planned appointments only, each once however often
the job runs; the job is declared for `rq cron`."""
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Appointment, Notification, OutboxMessage
from tests.appointments import builders as b
from tests.factories import make_consumer
from workflows.appointments import booking, reminders

SUNDAY_EVENING = b.MONDAY_MORNING - timedelta(hours=14)  # 20:00 Moscow, Sunday 15.03.2026


def _book(user, office, topic, day, at):
    return booking.book(user, {"topic": str(topic.id), "office": str(office.id), "day": b.ru(day), "time": at},
                        now=SUNDAY_EVENING)


def _reminders(template="appointment_reminder"):
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(Notification).where(Notification.title.like("Напоминание%"))),
            db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.template == template)))


def test_tomorrows_appointment_is_reminded_once(ctx):
    office, (topic, _) = b.office(), b.topics()
    user, later = make_consumer(), make_consumer()
    monday = SUNDAY_EVENING.date() + timedelta(days=1)
    tomorrow = _book(user, office, topic, monday, "09:00")
    _book(later, office, topic, monday + timedelta(days=1), "09:00")
    cancelled = _book(later, office, topic, monday, "10:00")
    booking.cancel(later, cancelled.id, now=SUNDAY_EVENING)
    assert reminders.send_reminders(now=SUNDAY_EVENING) == 1
    db.session.commit()
    assert reminders.send_reminders(now=SUNDAY_EVENING + timedelta(minutes=15)) == 0
    assert _reminders() == (1, 2)  # one notice; its email and its SMS
    assert db.session.get(Appointment, tomorrow.id).reminded_at == SUNDAY_EVENING
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "appointment_reminder",
                                                         OutboxMessage.channel == "email"))
    assert mail.recipient == user.email and "16.03.2026 в 09:00" in mail.body and office.address in mail.body


def test_the_day_after_tomorrow_waits_and_nights_are_quiet(ctx):
    office, (topic, _) = b.office(), b.topics()
    user = make_consumer()
    _book(user, office, topic, SUNDAY_EVENING.date() + timedelta(days=2), "09:00")
    assert reminders.send_reminders(now=SUNDAY_EVENING) == 0
    assert reminders.send_reminders(now=SUNDAY_EVENING + timedelta(hours=5)) == 0  # 01:00 on Monday
    assert reminders.send_reminders(now=SUNDAY_EVENING + timedelta(hours=12, minutes=59)) == 0  # 08:59
    assert reminders.send_reminders(now=SUNDAY_EVENING + timedelta(hours=13)) == 1  # 09:00 on Monday


def test_the_job_is_declared_periodic(app):
    jobs = [job for job, _seconds in app.extensions["kabinet_periodic_jobs"]]
    assert reminders.remind_appointments in jobs
