"""Demo content of the sections (E6) for `flask kabinet demo`: a few questions and answers,
a current and a past promotion, two organizations of the power industry, three goods and
services. Created once (nothing is added while the sections have entries)."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import InfoPage
from workflows.pages import sections, service
from workflows.pages.promotions import moscow_today

FAQ_ENTRIES = (
    ("Приборы учета", "Как передать показания прибора учета?",
     "<p>Откройте раздел «Приборы учета», выберите лицевой счет и нажмите «Передать показания». "
     "Показания принимаются в период, указанный на странице.</p>"),
    ("Приборы учета", "Что делать, если счетчик неисправен?",
     "<p>В разделе «Приборы учета» нажмите «Уведомить о неисправности» и опишите, что случилось.</p>"),
    ("Оплата", "Как оплатить электроэнергию?",
     "<p>В разделе «Оплата» банковской картой или через СБП. Минимальная сумма платежа 10,00 руб.</p>"),
    ("Оплата", "Когда платеж отразится на лицевом счете?",
     "<p>Обычно в течение одного-двух рабочих дней после оплаты.</p>"),
    ("Заявки", "Как подать заявку на технологическое присоединение?",
     "<p>Выберите пункт меню «Подать заявку», заполните поля и приложите документы. "
     "Статус заявки виден в разделе «Мои заявки».</p>"),
)
ORGANIZATIONS = (
    ("ПАО «Энергосбытовая компания»", "гарантирующий поставщик", "8 800 100-00-01", "https://sbyt.example.ru",
     "г. Рязань, ул. Сбытовая, д. 5", "<p>Договоры энергоснабжения, расчеты за электроэнергию.</p>"),
    ("АО «Региональные электрические сети»", "сетевая организация", "8 800 100-00-02", "https://seti.example.ru",
     "г. Рязань, ул. Сетевая, д. 12", "<p>Технологическое присоединение, аварийные отключения.</p>"),
)
CATALOGUE_ITEMS = (
    ("Замена однофазного прибора учета", Decimal("1234.56"), "<p>Демонтаж старого и установка нового счетчика.</p>"),
    ("Поверка прибора учета", Decimal("850.00"), "<p>Выезд специалиста и поверка на месте.</p>"),
    ("Умный счетчик «Меркурий 201»", Decimal("4990.00"), "<p>Прибор учета с дистанционной передачей показаний.</p>"),
)


def _published(code: str, title: str, body: str, **details) -> None:
    page = sections.create_entry(code, title, details)
    service.publish(page, service.save_draft(page, title, body, note="Демо-данные"))


def create_demo_sections() -> bool:
    """The demo entries of every section; False when the sections already have entries."""
    if db.session.execute(select(InfoPage.id).where(InfoPage.section.is_not(None)).limit(1)).first():
        return False
    for category, question, answer in FAQ_ENTRIES:
        _published(sections.FAQ, question, answer, category=category)
    today = moscow_today()
    _published(sections.PROMOTION, "Скидка 10 % на замену прибора учета",
               "<p>При заказе замены счетчика в интернет-магазине до конца акции.</p>",
               starts_on=today - timedelta(days=7), ends_on=today + timedelta(days=30))
    _published(sections.PROMOTION, "Бесплатная поверка для пенсионеров", "<p>Акция завершена.</p>",
               starts_on=today - timedelta(days=90), ends_on=today - timedelta(days=30))
    for name, role, phone, site, address, body in ORGANIZATIONS:
        _published(sections.ENERGY_ORG, name, body, org_role=role, phone=phone, site=site, address=address)
    for title, price, body in CATALOGUE_ITEMS:
        _published(sections.CATALOGUE, title, body, price=price)
    return True
