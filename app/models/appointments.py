"""«Запись на прием» and «Заказ обратного звонка» (E4, seed 004 §2.17, seed 002 п. 7 «в»).

An office's schedule is data: per weekday its opening and closing time (and a break), the slot
length, the places per slot and how many days ahead booking opens; days off come from the
working-day calendar (CalendarDay). A booked slot is a row of `appointment_slot` whose `booked`
is raised by one conditional UPDATE (… WHERE booked < capacity): two consumers never get the
last place of one slot. Every DateTime column stores UTC, like the rest of Kabinet.
"""
from datetime import date, datetime, time
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, utcnow


class OfficeSchedule(TimestampMixin, Model):
    """How an office receives consumers by appointment; without one it takes no bookings."""

    __tablename__ = "office_schedule"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), primary_key=True)
    slot_minutes: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=30)
    #: consumers received at once in one slot (windows, specialists)
    capacity: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)
    #: booking opens this many calendar days ahead (today excluded)
    days_ahead: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=14)

    office = relationship("Office")
    hours = relationship("OfficeHours", order_by="OfficeHours.weekday", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="ck_office_schedule_slot"),
        CheckConstraint("capacity BETWEEN 1 AND 100", name="ck_office_schedule_capacity"),
        CheckConstraint("days_ahead BETWEEN 1 AND 90", name="ck_office_schedule_days_ahead"),
    )


class OfficeHours(Model):
    """An office's reception hours on one weekday (0 = Monday); a weekday without a row is closed."""

    __tablename__ = "office_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office_schedule.office_id", ondelete="CASCADE"),
                                           nullable=False)
    weekday: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    opens: Mapped[time] = mapped_column(Time, nullable=False)
    closes: Mapped[time] = mapped_column(Time, nullable=False)
    break_from: Mapped[Optional[time]] = mapped_column(Time)
    break_to: Mapped[Optional[time]] = mapped_column(Time)

    __table_args__ = (
        UniqueConstraint("office_id", "weekday", name="uq_office_hours_weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_office_hours_weekday"),
        CheckConstraint("opens < closes", name="ck_office_hours_order"),
    )


class AppointmentSlot(Model):
    """A slot someone booked: its places and how many are taken (the only counter of places)."""

    __tablename__ = "appointment_slot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    capacity: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    booked: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)

    __table_args__ = (
        UniqueConstraint("office_id", "starts_at", name="uq_appointment_slot_office_start"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_appointment_slot_places"),
    )


class AppointmentStatus:
    #: «Запланирован»: booked, still ahead
    PLANNED = "planned"
    #: «Отменен»: cancelled by the consumer; the place is free again
    CANCELLED = "cancelled"
    #: «Состоялся»: staff marked the consumer as received
    ATTENDED = "attended"
    #: «Не явился»: staff marked the consumer as absent
    NO_SHOW = "no_show"


APPOINTMENT_STATUS_LABELS = {
    AppointmentStatus.PLANNED: "Запланирован",
    AppointmentStatus.CANCELLED: "Отменен",
    AppointmentStatus.ATTENDED: "Состоялся",
    AppointmentStatus.NO_SHOW: "Не явился",
}


class Appointment(Model):
    """A consumer's appointment at an office («Запись на прием»)."""

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id", ondelete="CASCADE"), nullable=False)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), nullable=False)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), nullable=False)
    slot_id: Mapped[int] = mapped_column(ForeignKey("appointment_slot.id"), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=AppointmentStatus.PLANNED)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    #: when the reminder the day before was queued (never twice)
    reminded_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    #: who marked «Состоялся» / «Не явился», and when
    marked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    marked_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    consumer = relationship("ConsumerProfile")
    office = relationship("Office")
    topic = relationship("Topic")
    slot = relationship("AppointmentSlot")

    __table_args__ = (
        Index("ix_appointment_consumer_start", "consumer_id", "starts_at"),
        Index("ix_appointment_office_start", "office_id", "starts_at"),
        Index("ix_appointment_status_start", "status", "starts_at"),
        # one live booking of a slot per consumer
        Index("uq_appointment_consumer_slot_live", "consumer_id", "slot_id", unique=True,
              postgresql_where=text("status = 'planned'"), sqlite_where=text("status = 'planned'")),
    )


class CallbackStatus:
    #: «Новая»: waiting for a call
    NEW = "new"
    #: «Звонок выполнен»
    DONE = "done"
    #: «Не дозвонились»
    NOT_REACHED = "not_reached"


CALLBACK_STATUS_LABELS = {
    CallbackStatus.NEW: "Новая",
    CallbackStatus.DONE: "Звонок выполнен",
    CallbackStatus.NOT_REACHED: "Не дозвонились",
}


class CallbackRequest(Model):
    """«Заказ обратного звонка»: the consumer asks the organization to call back."""

    __tablename__ = "callback_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id", ondelete="CASCADE"), nullable=False)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), nullable=False)
    phone: Mapped[str] = mapped_column(String(32), nullable=False)
    call_day: Mapped[date] = mapped_column(Date, nullable=False)
    #: «Удобное время звонка»: an interval code of workflows/appointments/callbacks.py INTERVALS
    call_interval: Mapped[str] = mapped_column(String(16), nullable=False)
    comment: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=CallbackStatus.NEW)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    handled_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    handled_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    staff_comment: Mapped[Optional[str]] = mapped_column(Text)

    consumer = relationship("ConsumerProfile")
    topic = relationship("Topic")
    handled_by = relationship("KabinetUser")

    __table_args__ = (
        Index("ix_callback_request_consumer", "consumer_id", "created_at"),
        Index("ix_callback_request_status", "status", "created_at"),
    )
