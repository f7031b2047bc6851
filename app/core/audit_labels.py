"""The audit log in words: what each action code means, what each kind of object is called,
and how one object is named when it is written to the log (names change later; the log keeps
the name it had then). tests/admin/test_audit_words.py fails on an action code without a label.
"""
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

#: audit action code → what a reader sees in «Действие»; the automatic watcher's codes
#: (app.core.audit.watch) are «<its action>.create/update/delete»
ACTION_LABELS: dict[str, Any] = {
    "account.registered": _l("Регистрация"),
    "account.opened_at_office": _l("Открытие личного кабинета в офисе"),
    "account.login": _l("Вход"),
    "account.login_by_code": _l("Вход по коду"),
    "account.login_by_qr": _l("Вход через QR-код"),
    "account.qr_approved": _l("Подтверждение входа через QR-код"),
    "account.qr_declined": _l("Отклонение входа через QR-код"),
    "account.login_failed": _l("Неудачный вход"),
    "account.logout": _l("Выход"),
    "account.code_locked": _l("Блокировка ввода кода"),
    "account.password_changed": _l("Смена пароля"),
    "account.password_reset": _l("Восстановление пароля"),
    "account.password_setup_sent": _l("Отправка ссылки для установки пароля"),
    "account.phone_confirmed": _l("Подтверждение телефона"),
    "account.phone_corrected": _l("Исправление номера телефона"),
    "account.phone_changed": _l("Смена номера телефона"),
    "account.email_confirmed": _l("Подтверждение электронной почты"),
    "account.email_changed": _l("Смена адреса электронной почты"),
    "account.notifications_changed": _l("Изменение настроек уведомлений"),
    "account.profile_updated": _l("Изменение «Моих данных»"),
    "account.deleted": _l("Удаление личного кабинета потребителем"),
    "account.totp_enabled": _l("Включение двухфакторного входа"),
    "account.totp_disabled": _l("Отключение двухфакторного входа"),
    "account.totp_failed": _l("Неверный код TOTP"),
    "account.totp_locked": _l("Блокировка ввода кодов TOTP"),
    "user.block": _l("Блокировка пользователя"),
    "user.unblock": _l("Разблокировка пользователя"),
    "staff.create": _l("Добавление сотрудника"),
    "application.draft_created": _l("Создание черновика заявки"),
    "application.data_saved": _l("Сохранение данных заявки"),
    "application.draft_deleted": _l("Удаление черновика заявки"),
    "application.transition": _l("Смена статуса заявки"),
    "application.free_status": _l("Установка статуса заявки"),
    "application.number": _l("Присвоение номера заявке"),
    "application.document_added": _l("Добавление документа к заявке"),
    "application.document_removed": _l("Удаление документа из заявки"),
    "application.message": _l("Сообщение по заявке"),
    "application.stage_note": _l("Отметка этапа заявки"),
    "application.tracker": _l("Изменение этапов исполнения договора"),
    "document.signed": _l("Подписание документа"),
    "copy_request.created": _l("Запрос копий документов"),
    "copy_request.answered": _l("Ответ на запрос копий"),
    "account_link.unlinked": _l("Отвязка лицевого счета сотрудником"),
    "meter_reading.correct": _l("Исправление показания сотрудником"),
    "meter_reading.submit": _l("Передача показаний прибора учета"),
    "meter_reading.replace": _l("Замена переданных показаний прибора учета"),
    "statement.kept": _l("Сохранение заявления"),
    "statement_template.upload": _l("Загрузка шаблона заявления"),
    "trusted_certificate.add": _l("Добавление доверенного сертификата"),
    "trusted_certificate.delete": _l("Удаление доверенного сертификата"),
    "trusted_certificate.enable": _l("Включение доверенного сертификата"),
    "trusted_certificate.disable": _l("Отключение доверенного сертификата"),
    "page.create": _l("Создание информационной страницы"),
    "page.settings": _l("Изменение настроек страницы"),
    "page.draft": _l("Сохранение черновика страницы"),
    "page.publish": _l("Публикация страницы"),
    "page.unpublish": _l("Снятие страницы с публикации"),
    "page.section": _l("Изменение записи раздела (вопросы и ответы, акции, контакты, интернет-магазин)"),
    "settings.update": _l("Изменение настроек"),
    "settings.gateway_update": _l("Изменение настроек почты и SMS"),
    "settings.gateway_refused": _l("Отказ в изменении настроек почты и SMS"),
    "settings.test_message": _l("Тестовое сообщение"),
    "dictionary.application_type.create": _l("Добавление типа заявки"),
    "dictionary.application_type.update": _l("Изменение типа заявки"),
    "dictionary.application_type.delete": _l("Удаление типа заявки"),
    "dictionary.form_field.create": _l("Добавление поля формы"),
    "dictionary.form_field.update": _l("Изменение поля формы"),
    "dictionary.form_field.delete": _l("Удаление поля формы"),
    "dictionary.status.create": _l("Добавление статуса"),
    "dictionary.status.update": _l("Изменение статуса"),
    "dictionary.status.delete": _l("Удаление статуса"),
    "dictionary.transition.create": _l("Добавление перехода"),
    "dictionary.transition.update": _l("Изменение перехода"),
    "dictionary.transition.delete": _l("Удаление перехода"),
    "dictionary.document_type.create": _l("Добавление типа документа"),
    "dictionary.document_type.update": _l("Изменение типа документа"),
    "dictionary.document_type.delete": _l("Удаление типа документа"),
    "dictionary.document_requirement.create": _l("Добавление обязательного документа"),
    "dictionary.document_requirement.update": _l("Изменение обязательного документа"),
    "dictionary.document_requirement.delete": _l("Удаление обязательного документа"),
    "dictionary.calendar_day.create": _l("Добавление дня календаря"),
    "dictionary.calendar_day.update": _l("Изменение дня календаря"),
    "dictionary.calendar_day.delete": _l("Удаление дня календаря"),
    "dictionary.branch.create": _l("Добавление филиала"),
    "dictionary.branch.update": _l("Изменение филиала"),
    "dictionary.branch.delete": _l("Удаление филиала"),
    "dictionary.supplier.create": _l("Добавление поставщика"),
    "dictionary.supplier.update": _l("Изменение поставщика"),
    "dictionary.supplier.delete": _l("Удаление поставщика"),
    "dictionary.office.create": _l("Добавление офиса"),
    "dictionary.office.update": _l("Изменение офиса"),
    "dictionary.office.delete": _l("Удаление офиса"),
    "dictionary.topic.create": _l("Добавление темы обращения"),
    "dictionary.topic.update": _l("Изменение темы обращения"),
    "dictionary.topic.delete": _l("Удаление темы обращения"),
    "role.create": _l("Добавление роли"),
    "role.update": _l("Изменение роли"),
    "role.delete": _l("Удаление роли"),
    "user.create": _l("Добавление пользователя"),
    "user.update": _l("Изменение ролей пользователя"),
    "user.delete": _l("Удаление пользователя"),
    "billing.account_linked": _l("Добавление лицевого счета в Личный кабинет"),
    "billing.link_failed": _l("Неудачная попытка добавить лицевой счет"),
    "billing.account_unlinked": _l("Отключение лицевого счета от Личного кабинета"),
    "billing.receipt_delivery": _l("Изменение способа получения квитанции"),
    "billing.tariff_document_uploaded": _l("Загрузка документа об утверждении тарифов"),
    "integration_token.create": _l("Создание токена интеграции"),
    "integration_token.revoke": _l("Отзыв токена интеграции"),
    "integration_token.used": _l("Запрос биллинговой системы по токену интеграции"),
    "billing_export.download": _l("Выгрузка в биллинг"),
    "payment.state": _l("Изменение статуса платежа"),
    "payment.sandbox": _l("Настройка песочницы платежей"),
    "appointment.cancel": _l("Отмена записи на прием"),
    "appointment.attended": _l("Отметка «Состоялся» записи на прием"),
    "appointment.no_show": _l("Отметка «Не явился» записи на прием"),
    "callback_request.done": _l("Отметка «Звонок выполнен»"),
    "callback_request.not_reached": _l("Отметка «Не дозвонились»"),
    "office_schedule.save": _l("Изменение расписания офиса"),
    "webhook_endpoint.create": _l("Добавление получателя вебхуков"),
    "webhook_endpoint.enable": _l("Включение получателя вебхуков"),
    "webhook_endpoint.disable": _l("Отключение получателя вебхуков"),
    "webhook_endpoint.retry": _l("Повтор отправки вебхука"),
    "api.refresh_reused": _l("Повторное использование токена обновления API: сеанс завершен"),
    "account.oidc_login": _l("Вход через внешний сервис"),
    "account.oidc_linked": _l("Привязка входа через внешний сервис"),
    "account.oidc_unlinked": _l("Отвязка входа через внешний сервис"),
    "oidc.provider_created": _l("Добавление провайдера входа"),
    "oidc.provider_changed": _l("Изменение провайдера входа"),
}

#: object type (the model's class name) → what it is called
OBJECT_LABELS: dict[str, str] = {
    "KabinetUser": "Пользователь",
    "ConsumerProfile": "Заявитель",
    "Role": "Роль",
    "ApplicationType": "Тип заявки",
    "FormField": "Поле формы",
    "Status": "Статус",
    "Transition": "Переход",
    "DocumentType": "Тип документа",
    "TypeDocumentRequirement": "Обязательный документ",
    "CalendarDay": "День календаря",
    "Branch": "Филиал",
    "Supplier": "Поставщик",
    "Office": "Офис",
    "Topic": "Тема обращения",
    "Application": "Заявка",
    "Attachment": "Документ",
    "CopyRequest": "Запрос копий",
    "AccountLink": "Привязка лицевого счета",
    "StatementTemplate": "Шаблон заявления",
    "TrustedCertificate": "Доверенный сертификат",
    "InfoPage": "Информационная страница",
    "OutboxMessage": "Сообщение",
    "Settings": "Настройки организации",
    "PersonalAccount": "Лицевой счет",
    "TariffDocument": "Документ об утверждении тарифов",
    "IntegrationToken": "Токен интеграции",
    "ExportItem": "Выгрузка в биллинг",
    "MeterReading": "Показание прибора учета",
    "Payment": "Платеж",
    "PaymentSandbox": "Песочница платежей",
    "Appointment": "Запись на прием",
    "CallbackRequest": "Заказ обратного звонка",
    "WebhookEndpoint": "Получатель вебхуков",
    "OidcProvider": "Провайдер входа",
}
# object names are written into the log (data, in the organization's language): no _()


def action_label(code: str | None) -> str:
    return str(ACTION_LABELS.get(code or "", code or ""))


def object_type_label(object_type: str | None) -> str:
    return OBJECT_LABELS.get(object_type or "", object_type or "")


def name_of(obj: Any) -> str:
    """The short name of a referenced object («Черновик», «План расположения»)."""
    if obj is None:
        return ""
    for attr in ("name", "label", "title", "display_name"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    return describe(obj)


def role_name(name) -> str:
    """A role in words («Сотрудник» for Staff) by app.core.labels, the one map of role names."""
    try:
        from app.core.labels import role_label
    except ImportError:  # the labels module is optional here: the name as stored
        return str(getattr(name, "name", name))
    return role_label(name)


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _user(user) -> str:
    contact = user.email or user.username or ""
    return f"Пользователь {user.display_name}" + (f" ({contact})" if contact else "")


def _transition(t) -> str:
    return (f"Переход «{t.name}»: {name_of(t.from_status)} → {name_of(t.to_status)}"
            f" ({name_of(t.application_type)})")


def _calendar_day(d) -> str:
    kind = "Рабочий день" if d.is_working else "Нерабочий день"
    return f"{kind} {_day(d.day)}" + (f" ({d.note})" if d.note else "")


def _requirement(r) -> str:
    return f"Обязательный документ «{name_of(r.document_type)}» для «{name_of(r.application_type)}»"


def _application(a) -> str:
    number = a.number or f"№ {a.id}"
    text = f"Заявка {number} «{name_of(a.application_type)}»"
    return text + (f", {a.object_address}" if a.object_address else "")


def _with_type(obj) -> str:
    """«Статус «На рассмотрении» (Заявка на ТП)»: the name and, if any, its application type."""
    text = f"{OBJECT_LABELS[type(obj).__name__]} «{name_of(obj)}»"
    app_type = getattr(obj, "application_type", None)
    return text + (f" ({name_of(app_type)})" if app_type is not None else "")


_DESCRIBERS = {
    "KabinetUser": _user,
    "Transition": _transition,
    "CalendarDay": _calendar_day,
    "TypeDocumentRequirement": _requirement,
    "Application": _application,
    "StatementTemplate": lambda t: f"Шаблон заявления «{name_of(t.application_type)}», версия {t.version}",
    "TrustedCertificate": lambda c: f"Доверенный сертификат {c.subject}",
    "OutboxMessage": lambda m: f"Сообщение ({m.channel}) для {m.recipient}",
    "CopyRequest": lambda r: f"Запрос копий № {r.id}",
    "AccountLink": lambda k: f"Лицевой счет {k.account.number}: {name_of(k.consumer)}",
    "Role": lambda r: f"Роль «{role_name(r.name)}»",
}


def describe(obj: Any) -> str:
    """The object in words, as written to the log now («Переход «…»: … → … (…)»)."""
    kind = type(obj).__name__
    describer = _DESCRIBERS.get(kind)
    if describer is not None:
        return describer(obj)[:500]
    if kind in OBJECT_LABELS and any(isinstance(getattr(obj, a, None), str)
                                     for a in ("name", "label", "title", "display_name")):
        return _with_type(obj)[:500]
    ident = getattr(obj, "id", None)
    return (f"{OBJECT_LABELS.get(kind, kind)}" + (f" № {ident}" if ident is not None else ""))[:500]
