"""The reminder the day before an appointment (E4): a periodic job finds tomorrow's planned
appointments not yet reminded, notifies each consumer once (reminded_at, set under a row lock),
between 09:00 and 21:00 local time."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.core.jobs.context import job
from app.core.notifications.notify import notify_user
from app.extensions import db
from app.models import Appointment, AppointmentStatus
from app.models.base import utcnow
from workflows.appointments import schedule
from workflows.appointments.booking import MY_APPOINTMENTS, when

#: how often the job looks (seconds)
EVERY = 15 * 60
BATCH = 500
#: reminders go out in the daytime only (local time): an SMS at midnight wakes people up
SEND_FROM, SEND_UNTIL = time(9), time(21)


def send_reminders(now: datetime | None = None) -> int:
    """Remind every consumer with a planned appointment tomorrow (local time), in the daytime;
    returns how many."""
    moment = now or utcnow()
    local = schedule.local_now(moment)
    if not SEND_FROM <= local.time() < SEND_UNTIL:
        return 0
    tomorrow = local.date() + timedelta(days=1)
    due = db.session.scalars(
        select(Appointment).where(Appointment.status == AppointmentStatus.PLANNED,
                                  Appointment.reminded_at.is_(None),
                                  Appointment.starts_at >= schedule.to_utc(tomorrow, time.min),
                                  Appointment.starts_at < schedule.to_utc(tomorrow + timedelta(days=1), time.min))
        .order_by(Appointment.id).limit(BATCH).with_for_update(skip_locked=True)).all()
    for appointment in due:
        appointment.reminded_at = moment
        notify_user(appointment.consumer.user, "appointment_reminder", link=MY_APPOINTMENTS, appointment=appointment,
                    when=when(appointment), office=appointment.office, topic=appointment.topic)
    db.session.flush()
    return len(due)


@job
def remind_appointments() -> int:
    """The periodic job (PERIODIC_JOBS): one transaction, committed once."""
    return send_reminders()
