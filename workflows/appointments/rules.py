"""Rules of «Запись на прием» and «Заказ обратного звонка» as data: limits, transitions, messages,
the callback time intervals and the default topics (seeded, then the admin's to edit)."""
from app.core.errors import Invalid
from app.models import AppointmentStatus, CallbackStatus

#: planned appointments one consumer may hold at once
MAX_UPCOMING = 3
#: a callback may be asked for this many days ahead (today included)
CALLBACK_DAYS_AHEAD = 14
COMMENT_MAX = 1000

CONSUMER_SIDE, ORGANIZATION_SIDE = "consumer", "organization"

#: (status, action) → (new status, who may act); one function applies them (booking.transition)
APPOINTMENT_TRANSITIONS = {
    (AppointmentStatus.PLANNED, "cancel"): (AppointmentStatus.CANCELLED, CONSUMER_SIDE),
    (AppointmentStatus.PLANNED, "attended"): (AppointmentStatus.ATTENDED, ORGANIZATION_SIDE),
    (AppointmentStatus.PLANNED, "no_show"): (AppointmentStatus.NO_SHOW, ORGANIZATION_SIDE),
}
#: the staff's outcomes of a call; «Не дозвонились» may be followed by another attempt
CALLBACK_TRANSITIONS = {
    (CallbackStatus.NEW, "done"): CallbackStatus.DONE,
    (CallbackStatus.NEW, "not_reached"): CallbackStatus.NOT_REACHED,
    (CallbackStatus.NOT_REACHED, "done"): CallbackStatus.DONE,
    (CallbackStatus.NOT_REACHED, "not_reached"): CallbackStatus.NOT_REACHED,
}
#: «Удобное время звонка»: code → (from, to), local time
CALLBACK_INTERVALS = {
    "09-12": ("09:00", "12:00"),
    "12-15": ("12:00", "15:00"),
    "15-18": ("15:00", "18:00"),
}

APPOINTMENT_TOPICS = [
    ("charges", "Консультация по начислениям"),
    ("connection", "Технологическое присоединение"),
    ("contract", "Заключение договора"),
    ("meters", "Приборы учета"),
    ("other", "Прочее"),
]
CALLBACK_TOPICS = [
    ("charges", "Консультация по начислениям"),
    ("connection", "Технологическое присоединение"),
    ("contract", "Заключение договора"),
    ("other", "Прочее"),
]

REQUIRED = "Поле обязательно для заполнения"
CHECK_FIELDS = "Проверьте правильность заполнения полей"
CHOOSE_TOPIC = "Выберите тему из списка"
CHOOSE_OFFICE = "Выберите офис обслуживания из списка"
CHOOSE_DAY = "Выберите дату из предложенных"
CHOOSE_TIME = "Выберите время из предложенного"
SLOT_TAKEN = "Это время уже занято. Выберите другое время"
TOO_MANY = ("Можно записаться не более чем на {n} приема вперед. "
            "Отмените одну из записей, чтобы записаться снова")
SAME_TIME = "Вы уже записаны на это время"
BOOKED = "Вы записаны на прием {when}, {office}"
CANCELLED = "Запись на прием отменена"
NOT_CANCELLABLE = "Эту запись уже нельзя отменить"
NOT_MARKABLE = "Отметить явку можно только для запланированной записи в день приема или позже"
MARKED = {"attended": "Отмечено: прием состоялся", "no_show": "Отмечено: посетитель не явился"}
NO_SCHEDULES = "Запись на прием пока недоступна: офисы обслуживания не ведут запись"

CALLBACK_ACCEPTED = "Ваша заявка принята"
CHOOSE_INTERVAL = "Выберите удобное время звонка из списка"
CALL_DAY_RANGE = "Выберите дату с {first} по {last}"
CALL_DAY_OFF = "Выберите рабочий день"
INTERVAL_PASSED = "Это время сегодня уже прошло. Выберите другое время или дату"
DATE_FORMAT = "Введите дату в формате ДД.ММ.ГГГГ"
TOO_LONG = "Не более {n} символов"
CALLBACK_HANDLED = {"done": "Отмечено: звонок выполнен", "not_reached": "Отмечено: не дозвонились"}
NOT_HANDLEABLE = "Эта заявка уже обработана"

SCHEDULE_SAVED = "Расписание офиса сохранено"
TIME_FORMAT = "Введите время в формате ЧЧ:ММ"
OPENS_BEFORE_CLOSES = "Время начала приема должно быть раньше времени окончания"
BOTH_OR_NONE = "Укажите начало и конец приема или оставьте оба поля пустыми"
BREAK_BOTH = "Укажите начало и конец перерыва или оставьте оба поля пустыми"
BREAK_INSIDE = "Перерыв должен быть внутри часов приема, начало раньше конца"
NUMBER_RANGE = "Введите целое число от {low} до {high}"
NO_DAYS = "Укажите часы приема хотя бы для одного дня недели"
#: the schedule's numbers: field → (low, high)
SCHEDULE_LIMITS = {"slot_minutes": (5, 240), "capacity": (1, 100), "days_ahead": (1, 90)}


class Refused(Invalid):
    """A request refused with a message per field (`field_errors`) and one for the form."""

    def __init__(self, message: str = CHECK_FIELDS, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}
