"""Meters in the cabinet (D8): what the portal adds to the billing's meters — fault reports.

The meters and their readings are the billing's data (app/models/billing/accounts.py); readings
made in the portal live beside the billing's in the same table (source «consumer»/«staff»).
"""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import utcnow


class MeterFault(Model):
    """«Уведомить о неисправности»: a statement about a meter; the meter is marked while the
    statement is not in a final status (staff answer it in the queue)."""

    __tablename__ = "meter_fault"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id", ondelete="CASCADE"), nullable=False)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), nullable=False)
    reported_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    meter = relationship("Meter")
    application = relationship("Application")

    __table_args__ = (Index("ix_meter_fault_meter", "meter_id"),)
