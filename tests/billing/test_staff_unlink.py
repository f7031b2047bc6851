"""Staff unlink a consumer from a personal account: the reason is required (message under the
field, nothing changed), the consumer loses the account and is told, the log keeps it; only
staff may do it, and only to a live link of that very account."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AccountLink, AuditRecord, Notification, OutboxMessage
from app.security.access import active_link
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff

REASON = "Лицевой счет продан, новый собственник обратился в офис"


@pytest.fixture
def setup(ctx):
    """An account linked by its owner and a co-owner; another account with a link of its own."""
    account = b.account("5000000001", owner_name="Ветрова Анна", address="г. Самара, ул. Мира, д. 2")
    other_account = b.account("5000000002")
    owner, co_owner, stranger = (make_consumer(commit=False) for _ in range(3))
    link = b.link(owner, account)
    co_link = b.link(co_owner, account)
    foreign = b.link(stranger, other_account)
    b.commit()
    return {"account": account, "link": link, "co_link": co_link, "foreign": foreign, "owner": owner,
            "co_owner": co_owner, "stranger": stranger}


def _url(account, link_id) -> str:
    return f"/staff/personal-accounts/{account.id}/links/{link_id}/unlink"


def _post(client, account, link_id, reason):
    return client.post(_url(account, link_id), data={f"link-{link_id}-reason": reason})


def _link(link_id) -> AccountLink:
    db.session.expire_all()
    return db.session.get(AccountLink, link_id)


def _nothing_changed(link_id) -> None:
    row = _link(link_id)
    assert row.unlinked_at is None and row.unlinked_by_id is None and row.unlink_reason is None
    assert db.session.scalar(select(db.func.count(AuditRecord.id)).where(
        AuditRecord.action == "account_link.unlinked")) == 0
    assert db.session.query(Notification).count() == 0


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reason_is_required(client, login, setup, reason):
    login(make_staff(STAFF))
    response = _post(client, setup["account"], setup["link"].id, reason)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    link_id = setup["link"].id
    assert f'data-test="error-link-{link_id}-reason"' in page and "Укажите причину отвязки" in page
    assert page.count('data-test="error-link-') == 1  # under this link's field only
    _nothing_changed(setup["link"].id)


def test_too_long_reason_keeps_what_was_typed(client, login, setup):
    login(make_staff(STAFF))
    typed = "Причина " + "о" * 1000
    page = _post(client, setup["account"], setup["link"].id, typed).get_data(as_text=True)
    assert "Не более 1000 символов" in page and typed in page
    _nothing_changed(setup["link"].id)


def test_unlink_takes_the_account_away_and_tells_the_consumer(client, login, setup, app):
    account, link, owner = setup["account"], setup["link"], setup["owner"]
    login(owner)
    assert client.get(f"/personal-accounts/{account.id}/").status_code == 200
    staff = login(make_staff(STAFF))
    response = _post(client, account, link.id, f"  {REASON}  ")
    assert response.status_code == 302 and response.location.endswith(f"/staff/personal-accounts/{account.id}")
    row = _link(link.id)
    assert row.unlinked_at is not None and row.unlinked_by_id == staff.id and row.unlink_reason == REASON
    assert _link(setup["co_link"].id).unlinked_at is None  # the co-owner keeps the account
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "account_link.unlinked"))
    assert record.actor_id == staff.id and record.object_id == str(link.id)
    assert record.object_label == f"Лицевой счет {account.number}: {owner.consumer.display_name}"
    notice = db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert "5000000001" in notice.title and REASON in notice.body and notice.link == "/personal-accounts/"
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == owner.email,
                                                         OutboxMessage.template == "billing_account_unlinked"))
    page = client.get(response.location).get_data(as_text=True)
    assert "Лицевой счет отвязан от личного кабинета потребителя" in page
    assert REASON in page and 'data-active="no"' in page and page.count('data-test="unlink-form"') == 1
    with app.test_request_context():
        assert active_link(owner, account.id) is None
        assert active_link(setup["co_owner"], account.id) is not None
    login(owner)  # the consumer's account page (app/views/billing/cabinet.py) is gone for them
    assert client.get(f"/personal-accounts/{account.id}/").status_code == 404
    login(setup["co_owner"])
    assert client.get(f"/personal-accounts/{account.id}/").status_code == 200


def test_an_unlinked_link_is_not_unlinked_again(client, login, setup):
    login(make_staff(ORG_ADMIN))
    assert _post(client, setup["account"], setup["link"].id, REASON).status_code == 302
    first = _link(setup["link"].id).unlinked_at
    response = _post(client, setup["account"], setup["link"].id, "Другая причина")
    assert response.status_code == 400
    assert "Лицевой счет уже отвязан от этого личного кабинета" in response.get_data(as_text=True)
    row = _link(setup["link"].id)
    assert row.unlinked_at == first and row.unlink_reason == REASON
    assert db.session.query(Notification).count() == 1


@pytest.mark.parametrize("case", ["another account's link", "no such link", "no such account"])
def test_link_must_belong_to_the_account(client, login, setup, case):
    login(make_staff(STAFF))
    account, link_id = {
        "another account's link": (setup["account"], setup["foreign"].id),
        "no such link": (setup["account"], 999999),
        "no such account": (type("Gone", (), {"id": 999999}), setup["link"].id),
    }[case]
    for reason in (REASON, ""):  # with or without a reason: the same 404
        assert _post(client, account, link_id, reason).status_code == 404
    _nothing_changed(setup["foreign"].id)
    _nothing_changed(setup["link"].id)


def test_a_form_sent_twice_unlinks_once(client, login, setup):
    login(make_staff(STAFF))
    data = {f"link-{setup['link'].id}-reason": REASON, "form_token": "t" * 32}
    url = _url(setup["account"], setup["link"].id)
    assert client.post(url, data=data).status_code == 302
    again = client.post(url, data=data)
    assert again.status_code == 302 and again.location.endswith(f"/staff/personal-accounts/{setup['account'].id}")
    assert db.session.query(Notification).count() == 1


@pytest.mark.parametrize("role", ["anonymous", "linked consumer", "co-owner", "another consumer", STAFF, ORG_ADMIN,
                                  ADMIN])
def test_who_may_unlink(client, login, setup, role):
    """Only people acting for the organization; the consumers themselves get no 2xx and change nothing."""
    users = {"linked consumer": setup["owner"], "co-owner": setup["co_owner"], "another consumer": setup["stranger"]}
    if role in users:
        login(users[role])
    elif role != "anonymous":
        login(make_staff(role))
    status = _post(client, setup["account"], setup["link"].id, REASON).status_code
    if role in (STAFF, ORG_ADMIN, ADMIN):
        assert status == 302 and _link(setup["link"].id).unlink_reason == REASON
    else:
        assert status in (302, 403, 404) and not 200 <= status < 300
        _nothing_changed(setup["link"].id)
