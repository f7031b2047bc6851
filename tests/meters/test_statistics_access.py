"""«Статистика» × {owner, co-owner, another consumer, anonymous, staff, org admin}: only the
consumers linked to the account see it; everyone else gets no 2xx."""
import pytest

from app.security.roles import ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff


@pytest.fixture
def people(ctx):
    class P:
        owner = make_consumer()
        co_owner = make_consumer()
        other = make_consumer()
        staff = make_staff(STAFF)
        org_admin = make_staff(ORG_ADMIN)
        account = b.account()
        other_account = b.account()
    b.link(P.owner, P.account)
    b.link(P.co_owner, P.account)
    b.link(P.other, P.other_account)
    b.commit()
    return P


@pytest.mark.parametrize("who, allowed", [("owner", True), ("co_owner", True), ("other", False),
                                          ("anonymous", False), ("staff", False), ("org_admin", False)])
def test_statistics_by_role(client, login, people, who, allowed):
    if who != "anonymous":
        login(getattr(people, who))
    response = client.get(f"/personal-accounts/{people.account.id}/statistics")
    if allowed:
        assert response.status_code == 200
        assert "Статистика" in response.get_data(as_text=True)
    else:
        assert response.status_code in (302, 403, 404), (who, response.status_code)
        if response.status_code == 302:
            assert response.location.startswith("/login/"), response.location
