"""D2: «+ Добавить лицевой счет» and «Удалить» over HTTP — found, not found for each wrong part,
closed, throttled, already linked, co-owners, the receipt-amount proof, removal."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.core.settings import set_setting
from app.extensions import db
from app.models import AccountLink, AuditRecord
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.billing import links

NOT_FOUND = "Данный лицевой счет не найден"


@pytest.fixture
def setup(ctx):
    class S:
        owner = make_consumer()
        co_owner = make_consumer()
        branch = b.branch()
        other_branch = b.branch("02", "Северный филиал")
        account = b.account("1000000001", owner_name="Ёлкин Иван Иванович")
        closed = b.account("1000000002", owner_name="Ёлкин Иван Иванович", closed=True)
    b.commit()
    return S


def _add(client, branch, number, proof, **extra):
    return client.post("/personal-accounts/add", data={"branch_id": str(branch.id), "number": number,
                                                        "proof": proof, **extra})


def _links(**where):
    db.session.expire_all()
    return list(db.session.scalars(select(AccountLink).filter_by(**where)))


def test_link_found_with_surname_any_case_and_yo(client, login, setup):
    login(setup.owner)
    closed_branch = b.branch("03", "Закрытый филиал")
    closed_branch.active = False
    b.commit()
    page = client.get("/personal-accounts/add").get_data(as_text=True)
    assert "Фамилия владельца лицевого счета" in page and "Северный филиал" in page and "Закрытый филиал" not in page
    response = _add(client, setup.branch, " 1000000001 ", "елкин", electronic="y")
    assert response.status_code == 302 and response.location.endswith(f"/personal-accounts/{setup.account.id}/")
    [link] = _links(account_id=setup.account.id)
    assert link.consumer_id == setup.owner.consumer.id and link.receipt_electronic and link.unlinked_at is None
    assert db.session.scalar(select(AuditRecord.action).where(AuditRecord.action == "billing.account_linked"))
    page = client.get(response.location).get_data(as_text=True)
    assert "Лицевой счет 1000000001 добавлен в Личный кабинет" in page
    page = _add(client, setup.branch, "1000000001", "Ёлкин").get_data(as_text=True)
    assert "Лицевой счет 1000000001 уже добавлен в Личный кабинет" in page
    assert len(_links(account_id=setup.account.id)) == 1


@pytest.mark.parametrize("wrong", ["number", "branch", "proof", "closed"])
def test_each_wrong_part_gets_the_same_answer(client, login, setup, wrong):
    login(setup.owner)
    branch = setup.other_branch if wrong == "branch" else setup.branch
    number = {"number": "1000000009", "closed": "1000000002"}.get(wrong, "1000000001")
    response = _add(client, branch, number, "Петров" if wrong == "proof" else "Ёлкин")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and NOT_FOUND in page
    assert 'value="%s"' % number in page  # what was typed survives
    assert _links() == []
    failures = db.session.scalar(select(func.count()).select_from(AuditRecord)
                                 .where(AuditRecord.action == "billing.link_failed"))
    assert failures == 1  # counted although the request was refused


def test_invalid_fields_get_messages_under_them(client, login, setup):
    login(setup.owner)
    page = client.post("/personal-accounts/add", data={"branch_id": "abc", "number": "", "proof": ""}).get_data(
        as_text=True)
    assert 'data-test="error-branch_id"' in page and 'data-test="error-number"' in page
    assert 'data-test="error-proof"' in page and _links() == []
    setup.branch.active = False  # a branch no longer offered
    b.commit()
    page = _add(client, setup.branch, "1000000001", "Ёлкин").get_data(as_text=True)
    assert 'data-test="error-branch_id"' in page and _links() == []


def test_failures_are_throttled_per_user(client, login, setup):
    login(setup.owner)
    for _ in range(links.MAX_FAILURES):
        assert NOT_FOUND in _add(client, setup.branch, "1000000001", "Петров").get_data(as_text=True)
    response = _add(client, setup.branch, "1000000001", "Ёлкин")  # even the right proof waits now
    assert response.status_code == 429
    assert "Слишком много неудачных попыток добавить лицевой счет" in response.get_data(as_text=True)
    assert _links() == []
    login(setup.co_owner)  # the same address: the per-address limit holds too
    assert _add(client, setup.branch, "1000000001", "Ёлкин").status_code == 429


def test_co_owners_link_the_same_account_each_their_own(client, login, setup):
    for user in (setup.owner, setup.co_owner):
        login(user)
        assert _add(client, setup.branch, "1000000001", "Ёлкин").status_code == 302
    assert {link.consumer_id for link in _links(account_id=setup.account.id)} == {
        setup.owner.consumer.id, setup.co_owner.consumer.id}


def test_last_receipt_amount_proof(client, login, setup):
    set_setting("billing_link_proof", links.PROOF_RECEIPT_AMOUNT)
    acc = b.account("2000000001", owner_name="Сидоров С. С.")
    b.balance(acc, date(2026, 9, 1), "100.00")
    b.balance(acc, date(2026, 10, 1), "1000.00")
    b.balance(acc, date(2026, 10, 1), "234.56", by=b.supplier("VK", "Водоканал"))
    b.commit()
    login(setup.owner)
    assert "Сумма последней квитанции" in client.get("/personal-accounts/add").get_data(as_text=True)
    page = _add(client, setup.branch, "2000000001", "много").get_data(as_text=True)
    assert "Введите сумму, например 1 234,56" in page
    assert NOT_FOUND in _add(client, setup.branch, "2000000001", "1 100,00").get_data(as_text=True)
    assert _add(client, setup.branch, "2000000001", "1 234,56").status_code == 302
    assert len(_links(account_id=acc.id)) == 1


def test_remove_asks_then_unlinks_only_own_link(client, login, setup, fresh):
    own = b.link(setup.owner, setup.account)
    theirs = b.link(setup.co_owner, setup.account)
    b.commit()
    login(setup.owner)
    page = client.get(f"/personal-accounts/{setup.account.id}/remove").get_data(as_text=True)
    assert "службу поддержки клиентов" in page and "«Автоплатеж» будет автоматически отключен" in page
    assert fresh(own).unlinked_at is None  # the question changes nothing
    response = client.post(f"/personal-accounts/{setup.account.id}/remove", data={"form_token": "t" * 32})
    assert response.status_code == 302
    own = fresh(own)
    assert own.unlinked_at is not None and own.unlinked_by_id == setup.owner.id
    assert own.unlink_reason == "Отключен потребителем"
    assert fresh(theirs).unlinked_at is None
    page = client.get(response.location).get_data(as_text=True)
    assert "Лицевой счет 1000000001 отключен от Личного кабинета" in page
    assert 'data-test="no-accounts"' in page
    again = client.post(f"/personal-accounts/{setup.account.id}/remove", data={"form_token": "t" * 32})
    assert again.status_code == 302  # a double click lands where the first did
    assert client.get(f"/personal-accounts/{setup.account.id}/").status_code == 404
    assert _add(client, setup.branch, "1000000001", "Ёлкин").status_code == 302  # linked anew later


def test_admin_picks_the_proof_in_settings(client, login, ctx):
    from app.security.roles import ORG_ADMIN
    from tests.admin.test_settings import _save
    from tests.factories import make_staff

    login(make_staff(ORG_ADMIN))
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert "Подтверждение принадлежности лицевого счета" in page and "Сумма последней квитанции" in page
    assert _save(client, billing_link_proof="passport").status_code == 400
    db.session.expire_all()
    assert links.proof_kind() == links.PROOF_SURNAME
    assert _save(client, billing_link_proof=links.PROOF_RECEIPT_AMOUNT).status_code == 302
    db.session.expire_all()
    assert links.proof_kind() == links.PROOF_RECEIPT_AMOUNT
