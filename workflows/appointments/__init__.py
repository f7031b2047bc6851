"""«Запись на прием» and «Заказ обратного звонка» (E4): schedules as data (schedule.py), booking
without overbooking (booking.py), the reminder job (reminders.py), callbacks (callbacks.py), the
staff's day (staff.py), the admin's schedule editor (offices.py), rules and transitions as data."""
