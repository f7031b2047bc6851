"""`flask kabinet demo`: offices with schedules, the demo consumer's upcoming appointment and
callback request — once, however often the demo runs."""
from sqlalchemy import select

from app.extensions import db
from app.models import Appointment, CallbackRequest, Office, OfficeSchedule
from tests.appointments import builders as b
from tests.factories import make_consumer
from workflows.appointments.seeds import create_demo


def test_the_demo_books_once_and_every_office_gets_hours(ctx):
    consumer = make_consumer()
    elsewhere = Office(name="Офис из другого демо", address="г. Казань")
    db.session.add(elsewhere)
    db.session.flush()
    assert create_demo(consumer.email) is True
    assert create_demo(consumer.email) is False
    assert (b.count(Appointment), b.count(CallbackRequest)) == (1, 1)
    offices = db.session.scalars(select(Office.id)).all()
    assert len(offices) == 3 and all(db.session.get(OfficeSchedule, office_id) for office_id in offices)
    appointment = db.session.scalar(select(Appointment))
    assert appointment.consumer_id == consumer.consumer.id and appointment.status == "planned"
