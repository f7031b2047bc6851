"""«Скачать квитанцию» (issue 15, D5): the PDF is opened by a real reader (pypdf extracts the text:
organization, account, period, amounts) and each supplier's payment QR is taken out of it as the
embedded PNG and decoded back (zxing-cpp): every ГОСТ Р 56042-2014 field equals the supplier's
details, Sum is the month's closing debt in kopecks; a month without charges is a 404 page."""
import io
from decimal import Decimal

import pytest
import zxingcpp
from pypdf import PdfReader

from app.core.settings import set_setting
from app.models.billing.accounts import ChargeKind
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.billing.details import add_months, month_start
from workflows.billing.windows import today

MONTH = add_months(month_start(today()), -2)


@pytest.fixture
def receipt(ctx):
    class R:
        owner = make_consumer()
        account = b.account("7100000001", owner_name="Петров Петр Петрович", address="г. Самара, ул. Мира, д. 5, кв. 7")
        energo = b.supplier()
        water = b.supplier("VK", "ООО «Водо|канал»")  # a «|» in a name: stripped from the QR value
    water = R.water
    water.inn, water.kpp, water.bank_name = "7707083893", "631601001", "АО «ТБанк»"
    water.bik, water.account, water.corr_account = "044525974", "40702810510000000007", "30101810145250000974"
    el, hw = b.service(), b.service("HW", "Горячее водоснабжение", "м³")
    b.charge(R.account, MONTH, "1234.56", volume="250", of_service=el, by=R.energo)
    b.charge(R.account, MONTH, "-100.00", kind=ChargeKind.BENEFIT, of_service=el, by=R.energo)
    b.charge(R.account, MONTH, "15.20", kind=ChargeKind.PENALTY, of_service=el, by=R.energo)
    b.charge(R.account, MONTH, "880.40", volume="3.5", of_service=hw, by=water)
    b.balance(R.account, MONTH, "2149.76", opening="1000.00", charged="1149.76", by=R.energo)
    b.balance(R.account, MONTH, "-19.60", opening="0", charged="880.40", paid="900.00", by=water)
    b.link(R.owner, R.account)
    set_setting("org_name", "АО «Энергосбыт Тест»")
    b.commit()
    return R


def read(pdf: bytes):
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = [image.image for page in reader.pages for image in page.images]
    return " ".join(text.split()), images


def qr_fields(image) -> dict:
    found = zxingcpp.read_barcodes(image.convert("L"))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    text = found[0].bytes.decode("utf-8")
    header, *pairs = text.split("|")
    assert header == "ST00012"
    keys = [pair.split("=", 1)[0] for pair in pairs]
    assert keys[:5] == ["Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc"]  # the required ones first
    return dict(pair.split("=", 1) for pair in pairs)


def test_receipt_text_and_every_qr_field(client, login, receipt):
    login(receipt.owner)
    response = client.get(f"/personal-accounts/{receipt.account.id}/receipts/{MONTH:%Y-%m}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text, images = read(response.data)
    for words in ("АО «Энергосбыт Тест»", "7100000001", "г. Самара, ул. Мира, д. 5, кв. 7", "Петров Петр Петрович",
                  f"{MONTH:%m.%Y}", "Электроснабжение", "Горячее водоснабжение", "Льгота", "Пени",
                  "1 234,56 руб.", "-100,00 руб.", "15,20 руб.", "880,40 руб.", "2 149,76 руб.", "-19,60 руб."):
        assert words in text.replace("\u00a0", " "), words
    assert len(images) == 2
    energo, water = (qr_fields(image) for image in images)
    period = f"{MONTH:%m.%Y}"
    assert energo == {
        "Name": "АО «Энергосбыт»", "PersonalAcc": "40702810938000000001", "BankName": "ПАО Сбербанк",
        "BIC": "044525225", "CorrespAcc": "30101810400000000225", "PayeeINN": "7701234567", "KPP": "770101001",
        "Sum": "214976", "Purpose": f"Оплата за Электроснабжение по л/с 7100000001 за {period}",
        "PersAcc": "7100000001", "PaymPeriod": f"{MONTH:%m%Y}"}
    # an overpayment: nothing to pay, so no Sum (an additional field of the standard)
    assert water == {
        "Name": "ООО «Водо канал»", "PersonalAcc": "40702810510000000007", "BankName": "АО «ТБанк»",
        "BIC": "044525974", "CorrespAcc": "30101810145250000974", "PayeeINN": "7707083893", "KPP": "631601001",
        "Purpose": f"Оплата за Горячее водоснабжение по л/с 7100000001 за {period}",
        "PersAcc": "7100000001", "PaymPeriod": f"{MONTH:%m%Y}"}


def test_a_month_without_charges_is_a_404_page(client, login, receipt):
    login(receipt.owner)
    before = add_months(MONTH, -1)
    response = client.get(f"/personal-accounts/{receipt.account.id}/receipts/{before:%Y-%m}.pdf")
    assert response.status_code == 404
    assert f"За {before:%m.%Y} начислений по лицевому счету 7100000001 нет" in response.get_data(as_text=True)
    for bad in ("2026-13", "26-01", "latest"):
        assert client.get(f"/personal-accounts/{receipt.account.id}/receipts/{bad}.pdf").status_code == 404


def test_the_home_page_leads_to_the_latest_receipt(client, login, receipt):
    login(receipt.owner)
    home = client.get(f"/personal-accounts/{receipt.account.id}/").get_data(as_text=True)
    assert f'href="/personal-accounts/{receipt.account.id}/receipts/{MONTH:%Y-%m}.pdf"' in home
    assert f"Скачать квитанцию за {MONTH:%m.%Y}" in home
    assert f'href="/personal-accounts/{receipt.account.id}/charges"' in home  # «Начисления и оплаты»
    response = client.get(f"/personal-accounts/{receipt.account.id}/receipts/latest")
    assert response.status_code == 302
    assert response.location.endswith(f"/personal-accounts/{receipt.account.id}/receipts/{MONTH:%Y-%m}.pdf")


def test_no_charges_yet_no_latest_receipt(client, login, ctx):
    owner, account = make_consumer(), b.account()
    b.link(owner, account)
    b.commit()
    login(owner)
    assert "Скачать квитанцию" not in client.get(f"/personal-accounts/{account.id}/").get_data(as_text=True)
    response = client.get(f"/personal-accounts/{account.id}/receipts/latest")
    assert response.status_code == 404
    assert "начислений пока нет" in response.get_data(as_text=True)


def test_the_mailing_renders_without_a_request(receipt):
    """P2's monthly mailing calls render_receipt_pdf from a job: an app context, no request."""
    from flask import has_request_context

    from workflows.payments.receipts import render_receipt_pdf

    assert not has_request_context()
    text, images = read(render_receipt_pdf(receipt.account, MONTH))
    assert "7100000001" in text and "2 149,76 руб." in text.replace("\u00a0", " ") and len(images) == 2


def test_a_supplier_without_bank_details_gets_no_qr(receipt):
    """The required fields of the standard missing: the receipt says so instead of a QR."""
    from workflows.payments.receipts import receipt_of

    receipt.water.bik = None
    parts = {part.supplier.code: part for part in receipt_of(receipt.account, MONTH).parts}
    assert parts["VK"].qr_text is None and parts["VK"].qr_png is None
    assert parts["ES"].qr_text.startswith("ST00012|Name=АО «Энергосбыт»|PersonalAcc=40702810938000000001|")
    assert (parts["ES"].to_pay, parts["VK"].to_pay) == (Decimal("2149.76"), Decimal("0.00"))
