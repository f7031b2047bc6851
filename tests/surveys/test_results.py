"""A survey's results as the admin reads them: respondents, per option and scale value the count and
share (zeros included), the free-text answers; and the CSV of every answer, read as the file says
(UTF-8 with a byte-order mark, `;`-separated), formulas defused."""
import csv
import re
import io

import pytest

from app.extensions import db
from app.security.roles import ORG_ADMIN
from tests.factories import make_consumer, make_staff
from tests.surveys import builders as s
from workflows.surveys import answering


@pytest.fixture
def answered(ctx):
    """Three consumers answered: quality Отлично, Отлично, Плохо; channels; scale 5, 4, 5; two texts."""
    survey = s.survey()
    people = [make_consumer(commit=False) for _ in range(3)]
    db.session.commit()
    given = [dict(single=0, multiple=(0, 1), scale=5, text="Всё понравилось"),
             dict(single=0, multiple=(0,), scale=4, text=""),
             dict(single=2, multiple=(2,), scale=5, text="=HYPERLINK(\"http://x\")")]
    for person, values in zip(people, given):
        fields = s.answers(survey, **values)
        answering.submit_answers(person, survey.id, {k: v if isinstance(v, list) else [v] for k, v in fields.items()})
    db.session.commit()
    return survey


def _table(body: str, question_id: int) -> list[tuple[str, str, str]]:
    """(label, count, percent) rows of one question's table on the results page."""
    section = body.split(f'data-test="result" data-id="{question_id}"')[1].split("</section>")[0]
    return [tuple(cell.strip().replace("\xa0", " ") for cell in cells)
            for cells in re.findall(r'<tr data-test="count-row"><td>(.*?)</td><td data-test="count">(.*?)</td>'
                                    r'<td data-test="percent">(.*?)</td></tr>', section)]


def test_counts_shares_and_texts(client, login, answered):
    login(make_staff(ORG_ADMIN))
    body = client.get(f"/admin/surveys/{answered.id}/results").get_data(as_text=True)
    one, many, rate, words = s.questions(answered)
    assert 'data-test="respondents">Ответили: <strong>3</strong>' in body
    assert _table(body, one.id) == [("Отлично", "2", "66,7 %"), ("Хорошо", "0", "0,0 %"), ("Плохо", "1", "33,3 %")]
    assert _table(body, many.id) == [("Личный кабинет", "2", "66,7 %"), ("Офис обслуживания", "1", "33,3 %"),
                                     ("Телефон", "1", "33,3 %")]
    assert _table(body, rate.id) == [("1", "0", "0,0 %"), ("2", "0", "0,0 %"), ("3", "0", "0,0 %"),
                                     ("4", "1", "33,3 %"), ("5", "2", "66,7 %")]
    texts = body.split(f'data-test="result" data-id="{words.id}"')[1].split("</section>")[0]
    assert "Всё понравилось" in texts and "=HYPERLINK(&#34;http://x&#34;)" in texts
    assert 'Ответили на вопрос: <span data-test="answered">2</span>' in texts
    assert f'"{one.id}": {{"counts": [2, 0, 1]' in body  # the chart's data beside the table


def test_the_csv_holds_every_answer(client, login, answered):
    login(make_staff(ORG_ADMIN))
    response = client.get(f"/admin/surveys/{answered.id}/results.csv")
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert f"survey-{answered.id}.csv" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode(response.mimetype_params["charset"]).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["№ ответа", "Дата и время ответа", "Как Вы оцениваете обслуживание?",
                       "Какими каналами Вы пользуетесь?", "Порекомендуете ли Вы нас?", "Ваши предложения"]
    assert [row[:1] + row[2:] for row in rows[1:]] == [
        ["1", "Отлично", "Личный кабинет, Офис обслуживания", "5", "Всё понравилось"],
        ["2", "Отлично", "Личный кабинет", "4", ""],
        ["3", "Плохо", "Телефон", "5", "'=HYPERLINK(\"http://x\")"],
    ]
    assert all(len(row[1]) == 16 and row[1][2] == "." for row in rows[1:])  # ДД.ММ.ГГГГ ЧЧ:ММ


def test_the_list_counts_respondents(client, login, answered):
    login(make_staff(ORG_ADMIN))
    body = client.get("/admin/surveys/").get_data(as_text=True)
    assert f'data-id="{answered.id}"' in body and 'data-test="respondents">3</td>' in body
