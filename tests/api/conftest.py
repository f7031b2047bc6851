"""People and data of the consumer API's tests, and signing in through the API itself."""
from datetime import date

import pytest

from app.extensions import db
from app.models import Notification
from app.security.roles import STAFF
from tests.billing import builders as b
from tests.factories import PASSWORD, make_consumer, make_staff
from workflows.billing import tokens as integration_tokens
from workflows.billing.windows import today
from workflows.billing.periods import add_months, month_start


def sign_in(client, user, password: str = PASSWORD) -> dict:
    """The token pair of POST /api/v1/auth/token for `user` (asserting it was issued)."""
    response = client.post("/api/v1/auth/token", json={"grant_type": "password", "login": user.email,
                                                       "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def notice(user, title: str, **fields) -> Notification:
    row = Notification(user_id=user.id, title=title, body="Текст", **fields)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """Each test signs in afresh: it starts with empty Flask-Limiter counters (kept per process)."""
    from app.extensions import limiter

    with app.app_context():
        limiter.reset()


#: a profile the page's form accepts as complete (PATCH /me saves through that form)
PROFILE = dict(birth_date=date(1980, 5, 1), passport_series="4510", passport_number="123456",
               passport_issued_by="ОВД Тверского района", passport_issued_on=date(2005, 6, 1),
               registration_address="г. Самара, ул. Ленина, 1", postal_address="г. Самара, ул. Ленина, 1")


@pytest.fixture
def people(ctx):
    class P:
        owner = make_consumer(**PROFILE)
        other = make_consumer(**PROFILE)
        staff = make_staff(STAFF)
        account = b.account()
        other_account = b.account()
    last = add_months(month_start(today()), -1)
    P.charges = [b.charge(P.account, add_months(last, -n), f"{100 + n}.50", volume="12.5") for n in range(5)]
    b.charge(P.other_account, last, "999.00")
    b.link(P.owner, P.account)
    b.link(P.other, P.other_account)
    P.notices = [notice(P.owner, f"Уведомление {n}") for n in range(3)]
    P.other_notice = notice(P.other, "Чужое уведомление")
    P.integration_token = integration_tokens.create("Биллинг")[1]
    b.commit()
    return P
