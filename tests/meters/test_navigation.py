"""The account home page leads to the meters' sections (seed 004 §2.6 item 7), and to
«Передать показания по всем лицевым счетам» only when more than one account is linked (§2.12)."""
import pytest

from tests.billing import builders as b
from tests.factories import make_consumer


@pytest.fixture
def owner(ctx):
    return make_consumer()


def test_the_selected_account_links_to_its_meters_sections(client, login, owner):
    acc = b.account()
    b.link(owner, acc)
    b.commit()
    login(owner)
    page = client.get(f"/personal-accounts/{acc.id}/").get_data(as_text=True)
    for path in ("meters", "readings", "meters/history", "statistics", "details"):
        assert f'href="/personal-accounts/{acc.id}/{path}"' in page
    assert 'data-test="bulk-readings"' not in page
    for path in ("meters", "readings", "meters/history", "statistics"):
        assert client.get(f"/personal-accounts/{acc.id}/{path}").status_code == 200


def test_bulk_readings_are_offered_with_two_accounts(client, login, owner):
    first, second = b.account(), b.account()
    b.link(owner, first)
    b.link(owner, second)
    b.commit()
    login(owner)
    page = client.get(f"/personal-accounts/{first.id}/").get_data(as_text=True)
    assert 'href="/readings/all"' in page
    assert client.get("/readings/all").status_code == 200
