"""The surveys' rules as data: statuses and their transitions, question kinds, targets, limits and
the words a user reads (seed 002 «целевой опрос для оценки качества оказываемых услуг и
обслуживания», seed 004 §2.15 «Опросы»)."""
from flask_babel import lazy_gettext as _l

from app.models.surveys import QuestionKind, SurveyStatus, Target

STATUS_LABELS = {
    SurveyStatus.DRAFT: _l("Черновик"),
    SurveyStatus.PUBLISHED: _l("Опубликован"),
    SurveyStatus.CLOSED: _l("Закрыт"),
}

#: (status, action) → the status it leads to; nothing else changes a survey's status
TRANSITIONS = {
    (SurveyStatus.DRAFT, "publish"): SurveyStatus.PUBLISHED,
    (SurveyStatus.PUBLISHED, "close"): SurveyStatus.CLOSED,
}

KIND_LABELS = {
    QuestionKind.SINGLE: _l("Один вариант из списка"),
    QuestionKind.MULTIPLE: _l("Несколько вариантов из списка"),
    QuestionKind.SCALE: _l("Оценка по шкале"),
    QuestionKind.TEXT: _l("Свободный ответ"),
}
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

TARGET_LABELS = {
    Target.ALL: _l("Все потребители"),
    Target.BRANCH: _l("Потребители филиала"),
    Target.APPLICATION_TYPE: _l("Потребители, подавшие заявку выбранного типа"),
}

#: the widest scale a question may have (a row of radio buttons stays readable)
SCALE_LIMITS = (0, 10)
MIN_OPTIONS = 2
MAX_OPTIONS = 20
TEXT_ANSWER_MAX = 2000

# ---- messages ----------------------------------------------------------------------------------
MSG_REQUIRED = _l("Поле обязательно для заполнения")
MSG_PERIOD = _l("Дата окончания не может быть раньше даты начала")
MSG_TARGET_BRANCH = _l("Выберите филиал")
MSG_TARGET_TYPE = _l("Выберите тип заявки")
MSG_OPTIONS = _l("Укажите не менее двух вариантов ответа, каждый с новой строки")
MSG_OPTIONS_MANY = _l("Не более 20 вариантов ответа")
MSG_OPTION_TWICE = _l("Варианты ответа не должны повторяться")
MSG_SCALE_ORDER = _l("Начало шкалы должно быть меньше ее конца")
MSG_SCALE_RANGE = _l("Шкала может быть от 0 до 10")
MSG_NOT_DRAFT = _l("Опрос уже опубликован: его вопросы изменить нельзя")
MSG_NO_QUESTIONS = _l("Добавьте в опрос хотя бы один вопрос")
MSG_ENDED = _l("Срок проведения опроса уже прошел: измените дату окончания")
MSG_TRANSITION = _l("Это действие с опросом в его состоянии невозможно")
MSG_PUBLISHED = _l("Опрос опубликован")
MSG_CLOSED = _l("Опрос закрыт")
MSG_SAVED = _l("Опрос сохранен")
MSG_QUESTION_SAVED = _l("Вопрос сохранен")
MSG_QUESTION_DELETED = _l("Вопрос удален")
MSG_CHOOSE = _l("Выберите вариант из списка")
MSG_TOO_LONG = _l("Не более 2000 символов")
MSG_CHECK = _l("Проверьте правильность заполнения полей")
MSG_THANKS = _l("Спасибо за участие в опросе")
MSG_ANSWERED = _l("Вы уже ответили")
MSG_ALREADY = _l("Вы уже ответили на этот опрос. Повторный ответ не принимается.")
MSG_NOT_OPEN = _l("Опрос завершен: ответы больше не принимаются")
