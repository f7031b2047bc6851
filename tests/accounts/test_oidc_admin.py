"""«Вход через внешние сервисы» under «Администрирование»: OrgAdmin may list, add and change
providers; staff, a consumer and anonymous may not and change nothing; the client secret is
sealed at rest and never shown back; every invalid value gives its message and saves nothing."""
import pytest
from sqlalchemy import select

from app.core.sealing import is_sealed, seal, unseal
from app.extensions import db
from app.models import OidcProvider
from app.security.roles import ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff

SECRET = "very-secret-client-secret"
NEW = {"name": "Яндекс ID", "discovery_url": "https://oauth.yandex.ru/.well-known/openid-configuration",
       "client_id": "yandex-client", "client_secret": SECRET, "scopes": "openid email", "enabled": "y"}
ROUTES = [("GET", "/admin/oidc-providers/"), ("GET", "/admin/oidc-providers/new"),
          ("POST", "/admin/oidc-providers/new"), ("GET", "/admin/oidc-providers/{id}/"),
          ("POST", "/admin/oidc-providers/{id}/")]


@pytest.fixture
def people(ctx):
    class P:
        consumer = make_consumer(commit=False)
        staff = make_staff(STAFF, commit=False)
        org_admin = make_staff(ORG_ADMIN, commit=False)
        provider = OidcProvider(name="VK ID", discovery_url="https://id.vk.com/.well-known/openid-configuration",
                                client_id="vk-client", client_secret=seal("vk-secret"), scopes="openid", enabled=True)
    db.session.add(P.provider)
    db.session.commit()
    return P


def _state():
    db.session.expire_all()
    return [(p.name, p.client_id, p.client_secret, p.enabled, p.scopes, p.discovery_url)
            for p in db.session.scalars(select(OidcProvider).order_by(OidcProvider.id))]


def _call(client, method, route, people):
    url = route.format(id=people.provider.id)
    return client.get(url) if method == "GET" else client.post(url, data=NEW)


@pytest.mark.parametrize("who", ["anonymous", "consumer", "staff"])
def test_who_may_not_gets_no_2xx_and_changes_nothing(client, login, people, who):
    before = _state()
    if who != "anonymous":
        login(getattr(people, who))
    for method, route in ROUTES:
        response = _call(client, method, route, people)
        assert response.status_code in (302, 403, 404), (who, method, route, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.location, (who, method, route)
    assert _state() == before


def test_org_admin_adds_a_provider_with_its_secret_sealed(client, login, people):
    login(people.org_admin)
    page = client.get("/admin/oidc-providers/").get_data(as_text=True)
    assert "VK ID" in page and "/login/oidc/callback" in page
    assert client.post("/admin/oidc-providers/new", data=NEW).status_code == 302
    added = db.session.scalar(select(OidcProvider).where(OidcProvider.name == "Яндекс ID"))
    assert is_sealed(added.client_secret) and SECRET not in added.client_secret
    assert unseal(added.client_secret) == SECRET
    assert (added.client_id, added.scopes, added.enabled) == ("yandex-client", "openid email", True)
    form = client.get(f"/admin/oidc-providers/{added.id}/").get_data(as_text=True)
    assert SECRET not in form and added.client_secret not in form and "yandex-client" in form


def test_an_empty_secret_keeps_the_stored_one_and_a_provider_can_be_switched_off(client, login, people):
    login(people.org_admin)
    sealed = people.provider.client_secret
    changed = {**NEW, "name": "VK ID", "client_secret": "", "enabled": ""}
    assert client.post(f"/admin/oidc-providers/{people.provider.id}/", data=changed).status_code == 302
    provider = _state()[0]
    assert provider[2] == sealed and provider[3] is False
    assert client.get(f"/admin/oidc-providers/{people.provider.id + 100}/").status_code == 404


@pytest.mark.parametrize("change, field, message", [
    ({"name": ""}, "name", "Заполните обязательное поле"),
    ({"name": "vk id"}, "name", "Провайдер с таким названием уже есть"),
    ({"client_id": ""}, "client_id", "Заполните обязательное поле"),
    ({"discovery_url": "not a url"}, "discovery_url", "Введите адрес, начинающийся с https:// или http://"),
    ({"discovery_url": ""}, "token_endpoint", "Укажите адрес discovery или этот адрес"),
    ({"scopes": "email"}, "scopes", "Области доступа должны включать openid"),
])
def test_every_invalid_value_gives_its_message_and_saves_nothing(client, login, people, change, field, message):
    login(people.org_admin)
    before = _state()
    response = client.post("/admin/oidc-providers/new", data={**NEW, **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True), field
    assert _state() == before


def test_the_admin_menu_lists_the_screen_for_org_admin_only(client, login, people):
    login(people.org_admin)
    assert 'href="/admin/oidc-providers/' in client.get("/staff/queue/").get_data(as_text=True)
    login(people.staff)
    assert 'href="/admin/oidc-providers/' not in client.get("/staff/queue/").get_data(as_text=True)
