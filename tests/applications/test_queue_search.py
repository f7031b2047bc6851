"""Issue 12 (round-1 polish): the staff queue finds Cyrillic in any case, the full ФИО and the object
address; status choices name the status, the queue filter groups statuses by application type."""
import re

from app.extensions import db
from app.models import LegalForm
from tests.applications.conftest import COMPLETE_PROFILE, TP_DATA, make_draft, make_submitted, move, status
from tests.factories import make_consumer
from workflows.applications import service


def rows(html):
    return [int(x) for x in re.findall(r'data-test="queue-row" data-id="(\d+)"', html)]


def found(client, term):
    response = client.get("/staff/queue/", query_string={"q": term})
    assert response.status_code == 200
    return rows(response.get_data(as_text=True))


def test_queue_search_folds_cyrillic_case_full_name_and_address(client, login, staff, ctx):
    vetrova = make_consumer(LegalForm.INDIVIDUAL, last_name="Ветрова", first_name="Анна", middle_name="Игоревна",
                            **COMPLETE_PROFILE[LegalForm.INDIVIDUAL])
    other = make_consumer(LegalForm.INDIVIDUAL, last_name="Ветров", first_name="Олег", middle_name="Петрович",
                          **COMPLETE_PROFILE[LegalForm.INDIVIDUAL])
    company = make_consumer(LegalForm.LEGAL_ENTITY, org_name="ООО «Ромашка-Энерго»",
                            **COMPLETE_PROFILE[LegalForm.LEGAL_ENTITY])
    hers = make_submitted(vetrova)
    his = make_draft(other, data={**TP_DATA, "object_address": "г. Зеленодольск, ул. Ёлочная, д. 7"})
    service.submit(his, other)
    theirs = make_submitted(company)
    db.session.commit()
    login(staff)
    for term in ("Ветрова Анна Игоревна", "ветрова анна игоревна", "ВЕТРОВА АННА", "ветрова анна",
                 "вЕтРоВа", "  Ветрова   Анна  ", "анна игоревна"):
        assert found(client, term) == [hers.id], term
    assert sorted(found(client, "ветров")) == sorted([hers.id, his.id])
    assert found(client, "ромашка-энерго") == [theirs.id]
    # the object address, in any case, «ё» as «е»
    assert found(client, "зеленодольск") == [his.id]
    assert found(client, "УЛ. ЕЛОЧНАЯ") == [his.id]
    assert sorted(found(client, "салимжанова")) == sorted([hers.id, theirs.id])
    assert found(client, "Ветрова Анна Петровна") == []
    assert found(client, "%") == [] and found(client, "_") == []  # wildcards are letters here


def test_queue_search_follows_a_renamed_consumer_and_a_changed_address(client, login, staff, ctx):
    user = make_consumer(LegalForm.INDIVIDUAL, **COMPLETE_PROFILE[LegalForm.INDIVIDUAL])
    application = make_submitted(user)
    user.consumer.last_name = "Ветрова"
    move(application, "review", "missing_data", staff, with_document=True)
    service.save_data(application, {**TP_DATA, "object_address": "с. Верхний Услон, ул. Чехова, 3"}, user)
    db.session.commit()
    login(staff)
    assert found(client, "ВЕТРОВА ПЁТР") == [application.id]
    assert found(client, "верхний услон") == [application.id]
    assert found(client, "салимжанова") == []


def test_status_choices_name_the_status_and_the_queue_filter_groups_by_type(client, login, consumer, staff, ctx):
    application = make_submitted(consumer)
    login(staff)
    html = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*id="transition_id".*?</select>', html, re.S).group(0)
    options = [" ".join(o.split()) for o in re.findall(r"<option[^>]*>([^<]*)</option>", select_html)]
    assert "Подготовка оферты договора" in options
    assert "Отказать → Отказано" in options
    assert "Запросить недостающие сведения → Ожидание недостающих сведений" in options
    queue = client.get("/staff/queue/").get_data(as_text=True)
    status_select = re.search(r'<select name="status".*?</select>', queue, re.S).group(0)
    assert "(Заявка на" not in status_select
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', status_select, re.S))
    tp_type = application.application_type.name
    assert tp_type in groups and f'value="{status("refused").id}"' in groups[tp_type]
    assert ">Отказано<" in groups[tp_type]
    heat = status("refused", "heat")
    heat_group = next(body for label, body in groups.items() if f'value="{heat.id}"' in body)
    assert heat.application_type.name != tp_type and ">Отказано<" in heat_group
