"""Every route a statement is reached by × {owner, another consumer, anonymous, staff, org admin}:
the owner's statement, its page and its PDF only to the owner (and staff on their side); nobody
else gets a 2xx, sees it in a list, or files anything through another's account."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Attachment
from app.security.roles import ORG_ADMIN, STAFF
from tests.factories import make_staff
from tests.statements.helpers import consumer_with_account, form_data, post, seed, text

#: (method, route, who may) — «consumer» is every consumer (the form and the list are their own)
ROUTES = [
    ("GET", "/my/statements/", "consumer"),
    ("GET", "/my/statements/new?topic=statement-13", "consumer"),
    ("POST", "/my/statements/new", "owner"),
    ("GET", "/my/applications/{id}", "owner"),
    ("GET", "/my/applications/{id}/files/{pdf}", "owner"),
    ("GET", "/documents/application/{id}/statement.docx", "owner+staff"),
    ("GET", "/staff/applications/{id}", "staff"),
    ("GET", "/staff/applications/{id}/files/{pdf}", "staff"),
]


@pytest.fixture
def people(ctx, client, login):
    seed("statement-13")

    class P:
        owner, account, supplier = consumer_with_account()
        other, other_account, _other_supplier = consumer_with_account("GS", "ООО «Газсбыт»")
        staff = make_staff(STAFF)
        org_admin = make_staff(ORG_ADMIN)
    login(P.owner)
    assert post(client, form_data("statement-13", P.account, P.supplier)).status_code == 302
    with client.session_transaction() as session:
        session.clear()
    db.session.expire_all()
    P.statement = db.session.scalars(select(Application)).one()
    P.pdf = db.session.scalars(select(Attachment).where(Attachment.title == "Заявление (PDF)")).one()
    return P


def _may(who: str, rule: str) -> bool:
    roles = {"owner": {"owner", "consumer"}, "other": {"consumer"}, "staff": {"staff"}, "org_admin": {"staff"},
             "anonymous": set()}[who]
    return bool(roles & set(rule.split("+")) | ({"consumer"} & roles if rule == "consumer" else set()))


def _count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Application))


@pytest.mark.parametrize("who", ["owner", "other", "anonymous", "staff", "org_admin"])
def test_each_route_answers_only_whom_it_serves(client, login, people, who):
    if who != "anonymous":
        login(getattr(people, who))
    for method, route, rule in ROUTES:  # one setup for every route: users are slow to make
        url = route.format(id=people.statement.id, pdf=people.pdf.id)
        if method == "GET":
            response = client.get(url)
        else:
            response = post(client, form_data("statement-13", people.account, people.supplier))
        allowed = _may(who, rule)
        expected = (302 if method == "POST" else 200) if allowed else None
        if expected is not None:
            assert response.status_code == expected, (who, method, route, response.status_code)
        elif method == "POST" and who == "other":  # the form is theirs, the account is not: refused
            assert response.status_code == 400
            assert 'data-test="error-account_id">Выберите лицевой счет из списка<' in text(response)
            assert "АО «Энергосбыт»" not in text(response)  # nothing of the other's account is shown
        else:
            assert response.status_code in (302, 403, 404), (who, method, route, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.location, (who, method, route, response.location)
    assert _count() == (2 if who == "owner" else 1)


def test_another_consumer_does_not_see_the_statement_in_their_list(client, login, people):
    login(people.other)
    page = text(client.get("/my/statements/"))
    assert people.statement.number not in page and 'data-test="empty"' in page
    login(people.owner)
    assert people.statement.number in text(client.get("/my/statements/"))
