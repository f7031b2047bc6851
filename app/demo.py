"""Demo data for a first look: an admin, staff, one consumer per legal form, and the billing's
sample files (docs/billing/samples) imported, with the demo ФЛ linked to one account."""
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.core.identifiers import make_snils
from app.core.users import create_consumer, create_user
from app.extensions import db
from app.models import (
    AccountLink,
    Application,
    ApplicationType,
    Branch,
    KabinetUser,
    LegalForm,
    Payment,
    PersonalAccount,
    Supplier,
)
from app.models.payments import PaymentState
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from workflows.documents.demo import demo_documents
from workflows.webhooks.demo import demo_webhooks

DEMO_STAFF = [
    ("admin@demo.kabinet", "Администратор", "Портала", [ADMIN]),
    ("orgadmin@demo.kabinet", "Ольга", "Настройкина", [ORG_ADMIN]),
    ("staff@demo.kabinet", "Сергей", "Специалистов", [STAFF]),
]

DEMO_CONSUMERS = [
    (
        {"email": "fl@demo.kabinet", "first_name": "Иван", "last_name": "Петров", "phone": "+79120000001"},
        {"legal_form": LegalForm.INDIVIDUAL.value, "last_name": "Петров", "first_name": "Иван",
         "middle_name": "Сергеевич", "snils": make_snils("049114804"), "inn": "500100732259",
         "birth_date": date(1985, 4, 12), "passport_series": "4510", "passport_number": "123456",
         "passport_issued_by": "ОВД района Хамовники г. Москвы", "passport_issued_on": date(2005, 5, 20),
         "registration_address": "г. Казань, ул. Салимжанова, д. 1, кв. 5",
         "postal_address": "420000, г. Казань, ул. Салимжанова, д. 1, кв. 5"},
    ),
    (
        {"email": "ip@demo.kabinet", "first_name": "Мария", "last_name": "Соколова", "phone": "+79120000002"},
        {"legal_form": LegalForm.ENTREPRENEUR.value, "last_name": "Соколова", "first_name": "Мария",
         "middle_name": "Андреевна", "inn": "773370857141", "ogrnip": "304500116000157",
         "org_name": "ИП Соколова Мария Андреевна", "registry_date": date(2004, 3, 1),
         "registration_address": "г. Казань, ул. Баумана, д. 10",
         "postal_address": "420111, г. Казань, ул. Баумана, д. 10"},
    ),
    (
        {"email": "ul@demo.kabinet", "first_name": "Алексей", "last_name": "Иванов", "phone": "+79120000003"},
        {"legal_form": LegalForm.LEGAL_ENTITY.value, "last_name": "Иванов", "first_name": "Алексей",
         "middle_name": "Петрович", "inn": "7707083893", "ogrn": "1027700132195", "kpp": "773601001",
         "org_name": "ООО «Ромашка»", "position": "Генеральный директор", "registry_date": date(2002, 8, 15),
         "registration_address": "г. Москва, ул. Вавилова, д. 19",
         "postal_address": "117312, г. Москва, ул. Вавилова, д. 19"},
    ),
]


def create_demo_data(password: str) -> list[str]:
    """Create (or keep) the demo users and one submitted application; returns the lines to
    print. Flushes only: `flask kabinet demo` commits it all at once."""
    lines = ["Демо-пользователи (пароль у всех: %s):" % password]
    for email, first, last, roles in DEMO_STAFF:
        if not _exists(email):
            create_user(email=email, first_name=first, last_name=last, role_names=roles,
                        password=password, username=email.split("@")[0], confirmed=True)
        lines.append(f"  {roles[0]:<9} {email}")
    for user_fields, profile_fields in DEMO_CONSUMERS:
        if not _exists(user_fields["email"]):
            create_consumer(user_fields={**user_fields, "password": password, "confirmed": True},
                            profile_fields=profile_fields)
        form = LegalForm(profile_fields["legal_form"])
        lines.append(f"  {form.short:<9} {user_fields['email']}  (тел. {user_fields['phone']})")
    if _demo_application():
        lines.append("  Заявка ФЛ на технологическое присоединение подана и ждёт сотрудника в «Документообороте».")
    if _demo_billing():
        lines.append("  Лицевые счета загружены из docs/billing/samples; ФЛ привязан к счету 1000000001.")
    if _demo_payment():
        lines.append("  ФЛ оплатил 500,00 руб. через песочницу платежей («Начисления и оплаты» → «Оплата»).")
    lines += _demo_cabinet()
    lines += demo_webhooks()
    return lines


DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO_CONNECTION = {
    "applicant_name": "Петров Иван Сергеевич, паспорт 4510 123456",
    "contract_basis": "Выписка из ЕГРН на земельный участок",
    "city": "Казань",
    "object_address": "Казань, ул. Салимжанова, д. 1",
    "object_description": "Жилой дом, 2 этажа",
    "reason": "Новое присоединение",
    "max_power_kw": "15",
    "voltage_level": "0,4",
    "reliability_category": "III",
}


def _demo_application() -> bool:
    """One submitted connection application of the demo ФЛ, so the staff queue is not empty."""
    from workflows.applications import service

    if db.session.scalar(select(Application.id).limit(1)) is not None:
        return False
    app_type = db.session.scalar(select(ApplicationType).where(ApplicationType.code == "tp"))
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == DEMO_CONSUMERS[0][0]["email"]))
    if app_type is None or user is None:  # reference data not loaded (`flask kabinet seed`)
        return False
    application, _ = service.open_draft(user.consumer, app_type, user)
    service.save_data(application, DEMO_CONNECTION, user)
    for document in service.required_documents(app_type, user.consumer.legal_form):
        upload = FileStorage(io.BytesIO(DEMO_PDF), filename=f"{document.code}.pdf", content_type="application/pdf")
        service.add_attachment(application, upload, user, side=service.CONSUMER_SIDE, document_type=document)
    service.submit(application, user)
    return True


def _exists(email: str) -> bool:
    return db.session.scalar(select(KabinetUser.id).where(KabinetUser.email == email)) is not None


BILLING_SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "billing" / "samples"
#: the order the samples import in: what a file refers to comes first
BILLING_KINDS = ("services", "tariff_documents", "tariffs", "accounts", "account_services", "meters", "readings",
                 "charges", "payments", "balances")
DEMO_BRANCHES = [("01", "Центральный филиал"), ("02", "Северный филиал")]
#: bank details that pass the admin form's checks (control keys with BIC 043601607), so the
#: receipts' payment QR carries a payable account
DEMO_SUPPLIERS = [("ES", "АО «Энергосбыт»", "7701234560", "40702810538000000001"),
                  ("VK", "МУП «Водоканал»", "6316000008", "40702810838000000002")]


def _demo_billing() -> bool:
    """Branches, suppliers, the sample files imported through the import engine (in this
    transaction, no job), the demo ФЛ linked to an account, and a reading window open today."""
    from workflows.billing.imports import import_in_transaction
    from workflows.billing.windows import today

    if db.session.scalar(select(PersonalAccount.id).limit(1)) is not None:
        return False
    branches = {code: _get_or_add(Branch, code, name=name) for code, name in DEMO_BRANCHES}
    for code, name, inn, account in DEMO_SUPPLIERS:
        _get_or_add(Supplier, code, name=name, inn=inn, kpp="631601001", bank_name="ПАО Сбербанк", bik="043601607",
                    account=account, corr_account="30101810200000000607")
    day = today().day
    branches["01"].reading_day_from, branches["01"].reading_day_to = max(1, day - 5), min(31, day + 5)
    db.session.flush()
    for kind in BILLING_KINDS:
        import_in_transaction(kind, (f"{kind}.csv", (BILLING_SAMPLES / f"{kind}.csv").read_bytes()))
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == DEMO_CONSUMERS[0][0]["email"]))
    account = db.session.scalar(select(PersonalAccount).where(PersonalAccount.number == "1000000001"))
    if user is not None and user.consumer is not None and account is not None:
        db.session.add(AccountLink(account_id=account.id, consumer_id=user.consumer.id))
        db.session.flush()
    return True


def _demo_payment() -> bool:
    """One sandbox payment of the demo ФЛ, made the way a consumer makes it: created at the
    sandbox provider, then its signed «succeeded» notification received by the callback handler."""
    from app.core.urls import public_link
    from workflows.payments import callbacks, commands
    from workflows.payments.providers import sandbox

    if db.session.scalar(select(Payment.id).limit(1)) is not None:
        return False
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == DEMO_CONSUMERS[0][0]["email"]))
    account = db.session.scalar(select(PersonalAccount).where(PersonalAccount.number == "1000000001"))
    supplier = db.session.scalar(select(Supplier).where(Supplier.code == "ES"))
    if user is None or account is None or supplier is None:
        return False
    payment = commands.create_payment(user, [(account.id, supplier.id, Decimal("500.00"))], "card",
                                      return_url=public_link("/payments/returned"))
    body = sandbox.notification(payment, PaymentState.SUCCEEDED)
    callbacks.handle(sandbox.NAME, {sandbox.SIGNATURE_HEADER: sandbox.sign(body)}, body)
    return True


def _get_or_add(model, code: str, **fields):
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code, **fields)
        db.session.add(row)
    return row


def _demo_cabinet() -> list[str]:
    """The rest of the ФЛ's cabinet (issue 16), in one line: the demo's output stays a screenful."""
    email = DEMO_CONSUMERS[0][0]["email"]
    made = [demo_documents(email, DEMO_STAFF[2][0]), _demo_notifications(), _demo_appointments(), _demo_sections(),
            _demo_appeals(), _demo_statements(), _demo_survey()]
    if not any(made):
        return []
    return ["  У ФЛ есть обращения (одно с ответом), заявление, «Мои документы», уведомления, запись на прием и",
            "  обратный звонок, неотвеченный опрос; заполнены «Вопросы и ответы», «Акции», «Контакты», «Интернет-магазин»."]


def _demo_notifications() -> list[str]:
    from workflows.notifications.demo import demo_notifications

    return demo_notifications(DEMO_CONSUMERS[0][0]["email"])


def _demo_appointments() -> bool:
    from workflows.appointments.seeds import create_demo

    return create_demo(DEMO_CONSUMERS[0][0]["email"])


def _demo_sections() -> list[str]:
    from workflows.pages.demo import create_demo_sections

    created = create_demo_sections()
    return ["  Вопросы и ответы, акции, организации электроэнергетики и интернет-магазин заполнены."] if created else []


def _demo_appeals() -> list[str]:
    from workflows.appeals.demo import demo_appeals

    return demo_appeals(DEMO_CONSUMERS[0][0]["email"], DEMO_STAFF[2][0])


def _demo_statements() -> list[str]:
    from workflows.statements.demo import demo_statements

    return demo_statements(DEMO_CONSUMERS[0][0]["email"])


def _demo_survey() -> list[str]:
    from workflows.surveys.demo import demo_survey

    # answered by the ИП and the ЮЛ: the ФЛ still has it to answer
    return demo_survey([user_fields["email"] for user_fields, _profile in DEMO_CONSUMERS[1:]])
