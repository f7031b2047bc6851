"""«Подать заявление» refused: every required field left empty gets «Поле обязательно для
заполнения» under it, a value typed wrong its own message, no consent or files over the limits
theirs — and nothing is created (no statement, no document, no stored file); what was typed stays."""
import pytest

from app.core.settings import set_setting
from app.extensions import db
from app.models import ConsumerProfile
from tests.statements.helpers import consumer_with_account, counts, form_data, own_fields, post, seed, text
from workflows.statements.types import SPECS

MB = 1024 * 1024
REQUIRED_OWN = [(s["code"], f["code"]) for s in SPECS for f in own_fields(s["code"]) if f["required"]]
COMMON = ["full_name", "account_id", "supplier_id", "text", "phone", "email"]


@pytest.fixture
def world(ctx, request):
    seed(*getattr(request, "param", ("statement-13",)))
    user, account, supplier = consumer_with_account()
    return dict(user=user, account=account, supplier=supplier)


def _refused(client, data, files=()):
    before = counts()
    response = post(client, data, files)
    assert response.status_code == 400
    assert counts() == before
    return text(response)


@pytest.mark.parametrize("world, topic, code", [((t,), t, c) for t, c in REQUIRED_OWN], indirect=["world"])
def test_every_empty_required_own_field_is_named(client, login, world, topic, code):
    login(world["user"])
    page = _refused(client, form_data(topic, world["account"], world["supplier"], **{f"f_{code}": ""}))
    assert f'data-test="error-f_{code}">Поле обязательно для заполнения<' in page
    assert page.count("Поле обязательно для заполнения") == 1


@pytest.mark.parametrize("name", COMMON)
def test_every_empty_common_field_is_named(client, login, world, name):
    login(world["user"])
    page = _refused(client, form_data("statement-13", world["account"], world["supplier"], **{name: ""}))
    assert f'data-test="error-{name}">Поле обязательно для заполнения<' in page


def test_without_consent_nothing_is_sent(client, login, world):
    login(world["user"])
    page = _refused(client, form_data("statement-13", world["account"], world["supplier"], consent=None))
    assert 'data-test="error-consent">Для отправки заявления необходимо согласие с «Политикой обработки ' \
           'персональных данных»<' in page


def test_a_refused_statement_keeps_everything_typed(client, login, world):
    login(world["user"])
    data = form_data("statement-13", world["account"], world["supplier"], consent=None,
                     text="Верните переплату за октябрь")
    page = _refused(client, data)
    assert "Верните переплату за октябрь</textarea>" in page
    for name, value in (("f_bik", "044525225"), ("f_bank_account", "40817810099910004312"), ("f_amount", "1500,00"),
                        ("full_name", "Иванов Пётр Сергеевич"), ("email", "ivanov@example.ru")):
        assert f'name="{name}"' in page and f'value="{value}"' in page
    assert f'<option selected value="{world["account"].id}">' in page
    assert f'<option selected value="{world["supplier"].id}">' in page


@pytest.mark.parametrize("world, topic, changes, field, message", [
    (("statement-13",), "statement-13", {"f_bik": "04452"}, "f_bik", "БИК состоит из 9 цифр"),
    (("statement-13",), "statement-13", {"f_bank_account": "4081781"}, "f_bank_account",
     "Расчетный счет состоит из 20 цифр"),
    (("statement-13",), "statement-13", {"f_amount": "0"}, "f_amount", "Значение должно быть больше нуля"),
    (("statement-13",), "statement-13", {"f_amount": "сто"}, "f_amount", "Введите число"),
    (("statement-01",), "statement-01", {"f_period_to": "01.12.2025"}, "f_period_to",
     "Дата окончания периода не может быть раньше даты начала"),
    (("statement-01",), "statement-01", {"f_period_from": "32.13.2026"}, "f_period_from",
     "Введите дату в формате ДД.ММ.ГГГГ"),
    (("statement-09",), "statement-09", {"f_wanted_on": "01.01.2020"}, "f_wanted_on", "Дата не может быть в прошлом"),
    (("statement-06",), "statement-06", {"f_owned_since": "вчера"}, "f_owned_since",
     "Введите дату в формате ДД.ММ.ГГГГ"),
    (("statement-13",), "statement-13", {"email": "ivanov@"}, "email", "Введите корректный адрес электронной почты"),
    (("statement-13",), "statement-13", {"account_id": "999999"}, "account_id", "Выберите лицевой счет из списка"),
    (("statement-13",), "statement-13", {"topic": "statement-99"}, "topic", "Выберите тему заявления из списка"),
], indirect=["world"])
def test_a_wrong_value_gets_its_message(client, login, world, topic, changes, field, message):
    login(world["user"])
    page = _refused(client, form_data(topic, world["account"], world["supplier"], **changes))
    assert f'data-test="error-{field}">{message}<' in page


def test_a_retired_topic_is_not_offered_and_not_accepted(client, login, world):
    from app.models import Topic

    db.session.query(Topic).filter_by(code="statement-13").one().active = False
    db.session.commit()
    login(world["user"])
    assert 'value="statement-13"' not in text(client.get("/my/statements/new"))
    page = _refused(client, form_data("statement-13", world["account"], world["supplier"]))
    assert 'data-test="error-topic">Выберите тему заявления из списка<' in page


def test_a_file_over_7_mb_is_refused(client, login, world):
    login(world["user"])
    big = b"%PDF-1.4\n" + b"0" * (7 * MB)
    page = _refused(client, form_data("statement-13", world["account"], world["supplier"]), files=[("big.pdf", big)])
    assert "Файл «big.pdf» слишком большой. Максимальный размер файла 7 МБ" in page


def test_files_over_the_total_limit_are_refused(client, login, world):
    set_setting("cabinet_files_total_mb", 10)
    db.session.commit()
    login(world["user"])
    six = b"%PDF-1.4\n" + b"0" * (6 * MB)
    page = _refused(client, form_data("statement-13", world["account"], world["supplier"]),
                    files=[("a.pdf", six), ("b.pdf", six)])
    assert "Общий объем вложенных файлов не должен превышать 10 МБ" in page


def test_a_file_of_a_forbidden_type_is_refused(client, login, world):
    login(world["user"])
    page = _refused(client, form_data("statement-13", world["account"], world["supplier"]),
                    files=[("run.exe", b"MZ\x90\x00")])
    assert "«run.exe»: Недопустимый тип файла" in page


def test_an_incomplete_profile_sends_nothing(client, login, world):
    db.session.get(ConsumerProfile, world["user"].consumer.id).passport_number = None
    db.session.commit()
    login(world["user"])
    assert 'data-test="profile-incomplete"' in text(client.get("/my/statements/new?topic=statement-13"))
    page = _refused(client, form_data("statement-13", world["account"], world["supplier"]))
    assert "Внимание! Для подачи заявки необходимо заполнить все обязательные поля" in page
