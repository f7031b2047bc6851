"""Words for the codes Kabinet stores (issue 12): one map per kind of code, used by every
screen that shows one — FAB's lists, show pages and form choices, the transition graph, the
staff page. A code without a label is shown as it is, and tests/admin/test_labels.py fails."""
from flask_babel import lazy_gettext as _l

from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF

#: role name (app/security/roles.py) → what people call it
ROLE_LABELS = {
    ADMIN: _l("Администратор"),
    ORG_ADMIN: _l("Администратор организации"),
    STAFF: _l("Сотрудник"),
    CONSUMER: _l("Заявитель"),
    "Public": _l("Гость"),
}

#: FormField.field_type → its name in the form editor
FIELD_TYPE_LABELS = {
    "string": _l("Строка"),
    "text": _l("Текст"),
    "richtext": _l("Форматированный текст"),
    "integer": _l("Целое число"),
    "decimal": _l("Число"),
    "date": _l("Дата"),
    "select": _l("Выбор из списка"),
    "checkbox": _l("Флажок"),
    "address": _l("Адрес"),
}

#: FAB permission name → the action it allows
PERMISSION_LABELS = {
    "can_access": _l("Доступ"),
    "can_list": _l("Список"),
    "can_show": _l("Просмотр"),
    "can_add": _l("Добавление"),
    "can_edit": _l("Изменение"),
    "can_delete": _l("Удаление"),
    "can_download": _l("Скачивание"),
    "can_get": _l("Чтение"),
    "can_sign": _l("Подписание"),
    "can_this_form_get": _l("Открыть форму"),
    "can_this_form_post": _l("Отправить форму"),
    "can_userinfo": _l("Свои данные"),
    "copyrole": _l("Копирование ролей"),
    "menu_access": _l("Пункт меню"),
    "resetmypassword": _l("Смена своего пароля"),
    "resetpasswords": _l("Смена паролей пользователей"),
    "userinfoedit": _l("Изменение своих данных"),
}

#: FAB view/menu name → the screen it guards (menu entries with Russian names show as they are)
VIEW_LABELS = {
    "AccountSecurity": _l("Безопасность входа"),
    "Base Permissions": _l("Права"),
    "ClosedSecurityApi": _l("API безопасности (закрыт)"),
    "ConsumerAccounts": _l("Потребители"),
    "ConsumerCabinet": _l("Личный кабинет"),
    "CopyRequests": _l("Запросы копий"),
    "CopyRequestsStaff": _l("Запросы копий (сотрудники)"),
    "PersonalAccounts": _l("Лицевые счета"),
    "AccountDetails": _l("Реквизиты лицевого счета"),
    "MeterCabinet": _l("Приборы учета"),
    "MeterReadingsSubmit": _l("Передать показания"),
    "MeterReadingsBulk": _l("Передать показания по всем лицевым счетам"),
    "MeterStatistics": _l("Статистика потребления и оплат"),
    "StaffPersonalAccounts": _l("Лицевые счета (сотрудники)"),
    "StaffMeters": _l("Приборы учета и показания (сотрудники)"),
    "TariffDocuments": _l("Документы об утверждении тарифов"),
    "BillingImports": _l("Загрузка из биллинга"),
    "BillingExports": _l("Выгрузка в биллинг"),
    "IntegrationTokens": _l("Токены интеграции"),
    "AccountCharges": _l("Начисления и оплаты"),
    "AccountReceipts": _l("Квитанции"),
    "PaymentsPay": _l("Оплата"),
    "PaymentSandboxPage": _l("Страница оплаты песочницы"),
    "PaymentSandbox": _l("Песочница платежей"),
    "ReceiptMailing": _l("Рассылка квитанций"),
    "DocumentSigning": _l("Подписание документов"),
    "Documents": _l("Документы"),
    "InfoPageView": _l("Информационные страницы"),
    "ContentSections": _l("Разделы сайта: вопросы и ответы, акции, контакты, интернет-магазин"),
    "KabinetAuthView": _l("Вход"),
    "KabinetIndexView": _l("Главная страница"),
    "List Groups": _l("Группы"),
    "List Roles": _l("Роли"),
    "List Users": _l("Пользователи"),
    "LocaleView": _l("Выбор языка"),
    "MenuApi": _l("Меню (API)"),
    "MyProfile": _l("Мои данные"),
    "OpenApi": _l("Описание API"),
    "OrganizationAdmin": _l("Администрирование организации"),
    "Permission on Views/Menus": _l("Права на экраны"),
    "PermissionModelView": _l("Права"),
    "PermissionViewModelView": _l("Права на экраны"),
    "RegistrationView": _l("Регистрация"),
    "ResetMyPasswordView": _l("Смена своего пароля"),
    "ResetPasswordView": _l("Смена пароля пользователя"),
    "RoleModelView": _l("Роли"),
    "Security": _l("Пользователи и роли"),
    "StaffWorkspace": _l("Рабочее место сотрудника"),
    "StatementCabinet": _l("Мои заявления"),
    "StatementTemplates": _l("Шаблоны заявлений"),
    "SwaggerView": _l("Описание API"),
    "TrustedCertificates": _l("Доверенные сертификаты УЦ"),
    "UserDBModelView": _l("Пользователи"),
    "UserGroupModelView": _l("Группы"),
    "UserInfoEditView": _l("Изменение своих данных"),
    "UtilView": _l("Служебные страницы"),
    "VerifySignatureView": _l("Проверить подпись"),
    "ViewMenuModelView": _l("Экраны и меню"),
    "Views/Menus": _l("Экраны и меню"),
    "Appeals": _l("Обращения"),
    "MyDocuments": _l("Мои документы"),
    "MarketingMailing": _l("Рассылка уведомлений и рекламной продукции"),
    "UnsubscribeView": _l("Отказ от рассылки по ссылке из письма"),
    "Appointments": _l("Запись на прием"),
    "Callbacks": _l("Заказ обратного звонка"),
    "StaffAppointments": _l("Запись на прием (сотрудники)"),
    "StaffCallbacks": _l("Обратные звонки (сотрудники)"),
    "OfficeSchedules": _l("Расписание офисов"),
    "ConsumerSurveys": _l("Опросы"),
    "SurveysAdmin": _l("Опросы потребителей"),
    "OidcProvidersAdmin": _l("Вход через внешние сервисы"),
    "OidcSignInView": _l("Вход через внешний сервис"),
    "OidcIdentitiesView": _l("Привязанные внешние сервисы"),
    "Webhooks": _l("Вебхуки"),
    "QrLoginView": _l("Вход через QR-код"),
}


def role_label(name) -> str:
    name = getattr(name, "name", name)
    return str(ROLE_LABELS.get(name, name))


def roles_label(names) -> str:
    """«Сотрудник, Администратор организации» for ['Staff', 'OrgAdmin'] or Role objects."""
    return ", ".join(role_label(name) for name in names or [])


def field_type_label(code) -> str:
    return str(FIELD_TYPE_LABELS.get(code, code))


def action_label(name) -> str:
    return str(PERMISSION_LABELS.get(name, name))


def screen_label(name) -> str:
    return str(VIEW_LABELS.get(name, name))


def permission_label(permission_view) -> str:
    """«Просмотр: Пользователи» for FAB's (can_show, UserDBModelView)."""
    return f"{action_label(permission_view.permission.name)}: {screen_label(permission_view.view_menu.name)}"


def permissions_label(permission_views) -> str:
    return "; ".join(sorted(permission_label(pv) for pv in permission_views or []))


def yes_no(value) -> str:
    from flask_babel import gettext as _

    return _("Да") if value else _("Нет")


def register(app) -> None:
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(roles_label, "roles_label")
    app.add_template_filter(field_type_label, "field_type_label")
