"""F5: organization admins add staff, change roles between Staff and OrgAdmin, block them —
and can never hand out FAB's Admin role."""
import re

import pytest

from app.extensions import db
from app.models import AuditRecord, KabinetUser
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from tests.factories import make_staff


def _ids(body):
    return {int(i) for i in re.findall(r'data-user="(\d+)"', body)}


def test_list_shows_staff_and_org_admins_only(client, login, org_admin, staff, consumer):
    login(org_admin)
    body = client.get("/admin/staff/").get_data(as_text=True)
    assert _ids(body) == {org_admin.id, staff.id}


def test_add_staff_member_emails_a_password_link(client, login, org_admin, sent):
    login(org_admin)
    response = client.post("/admin/staff/add", data={"last_name": "Кузнецова", "first_name": "Ольга",
                                                     "email": "Kuznetsova@Example.ru", "role": STAFF})
    assert response.status_code == 302
    user = db.session.execute(db.select(KabinetUser).where(KabinetUser.email == "kuznetsova@example.ru")
                              ).scalar_one()
    assert user.role_names == {STAFF} and user.password is None and user.must_set_password
    assert [m["To"] for m in sent.emails] == ["kuznetsova@example.ru"]
    assert db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "staff.create")).scalar_one()


@pytest.mark.parametrize("fields,field,message", [
    ({"email": "нет"}, "email", "Некорректный адрес электронной почты"),
    ({"last_name": ""}, "last_name", "Поле обязательно для заполнения"),
    ({"role": ADMIN}, "role", "Not a valid choice"),
])
def test_invalid_staff_form_changes_nothing(client, login, org_admin, fields, field, message):
    login(org_admin)
    data = {"last_name": "Кузнецова", "first_name": "Ольга", "email": "k@example.ru", "role": STAFF, **fields}
    response = client.post("/admin/staff/add", data=data)
    assert response.status_code == 400
    assert re.search(rf'data-error-for="{field}">', response.get_data(as_text=True))
    assert db.session.execute(db.select(KabinetUser).where(KabinetUser.email == "k@example.ru")).first() is None


def test_duplicate_email_is_refused(client, login, org_admin, staff):
    login(org_admin)
    response = client.post("/admin/staff/add", data={"last_name": "Дубль", "first_name": "Дубль",
                                                     "email": staff.email, "role": STAFF})
    assert response.status_code == 400
    assert "Указанная электронная почта уже зарегистрирована" in response.get_data(as_text=True)


def test_role_change_is_audited_and_never_reaches_admin(client, login, org_admin, staff):
    login(org_admin)
    assert client.post(f"/admin/staff/{staff.id}/role", data={"role": ORG_ADMIN}).status_code == 302
    db.session.expire_all()
    assert db.session.get(KabinetUser, staff.id).role_names == {ORG_ADMIN}
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "user.update",
                                                             AuditRecord.object_id == str(staff.id))).scalar_one()
    assert record.before == {"roles": [STAFF]} and record.after == {"roles": [ORG_ADMIN]}
    assert record.actor_id == org_admin.id
    client.post(f"/admin/staff/{staff.id}/role", data={"role": ADMIN})
    db.session.expire_all()
    assert db.session.get(KabinetUser, staff.id).role_names == {ORG_ADMIN}


def test_fab_admins_and_consumers_are_out_of_reach(client, login, org_admin, consumer):
    fab_admin = make_staff(ADMIN)
    login(org_admin)
    for user in (fab_admin, consumer):
        assert client.post(f"/admin/staff/{user.id}/role", data={"role": STAFF}).status_code == 404
        assert client.post(f"/admin/staff/{user.id}/block").status_code == 404
    db.session.expire_all()
    assert db.session.get(KabinetUser, fab_admin.id).role_names == {ADMIN}


def test_block_and_unblock_staff_but_not_oneself(client, login, org_admin, staff):
    login(org_admin)
    client.post(f"/admin/staff/{staff.id}/block")
    db.session.expire_all()
    assert db.session.get(KabinetUser, staff.id).active is False
    client.post(f"/admin/staff/{staff.id}/unblock")
    db.session.expire_all()
    assert db.session.get(KabinetUser, staff.id).active is True
    body = client.post(f"/admin/staff/{org_admin.id}/block", follow_redirects=True).get_data(as_text=True)
    assert "Нельзя заблокировать самого себя" in body
    db.session.expire_all()
    assert db.session.get(KabinetUser, org_admin.id).active is True


@pytest.mark.parametrize("role", ["staff", "consumer"])
def test_staff_management_is_for_org_admins_only(client, login, request, org_admin, role):
    user = request.getfixturevalue(role)
    victim = make_staff(STAFF)
    login(user)
    assert client.get("/admin/staff/").status_code in (302, 403)
    client.post(f"/admin/staff/{victim.id}/role", data={"role": ORG_ADMIN})
    client.post("/admin/staff/add", data={"last_name": "X", "first_name": "Y", "email": "x@example.ru",
                                          "role": ORG_ADMIN})
    db.session.expire_all()
    assert db.session.get(KabinetUser, victim.id).role_names == {STAFF}
    assert db.session.execute(db.select(KabinetUser).where(KabinetUser.email == "x@example.ru")).first() is None


def test_an_admin_cannot_change_their_own_role(client, login, org_admin):
    login(org_admin)
    body = client.post(f"/admin/staff/{org_admin.id}/role", data={"role": STAFF},
                       follow_redirects=True).get_data(as_text=True)
    assert "Свою роль изменить нельзя" in body
    db.session.expire_all()
    assert db.session.get(KabinetUser, org_admin.id).role_names == {ORG_ADMIN}


def test_fab_group_form_gives_its_roles_to_its_members(client, login, staff):
    """FAB's own «List Groups» form (Admin only): a staff member put in a group with the
    OrgAdmin role gets staff management, and loses it when taken out of the group."""
    from flask_appbuilder.security.sqla.models import Group

    admin = make_staff(ADMIN)
    login(staff)
    assert client.get("/admin/staff/").status_code in (302, 403)
    login(admin)
    form = client.get("/groups/add").get_data(as_text=True)
    org_admin_role = re.search(r'<option value="(\d+)">Администратор организации</option>', form).group(1)
    response = client.post("/groups/add", data={"name": "Руководители", "label": "Руководители",
                                                "roles": [org_admin_role], "users": [str(staff.id)]})
    assert response.status_code == 302
    group = db.session.execute(db.select(Group).where(Group.name == "Руководители")).scalar_one()
    login(staff)
    assert client.get("/admin/staff/").status_code == 200
    login(admin)
    response = client.post(f"/groups/edit/{group.id}", data={"name": "Руководители", "label": "Руководители",
                                                             "roles": [org_admin_role], "users": []})
    assert response.status_code == 302
    login(staff)
    assert client.get("/admin/staff/").status_code in (302, 403)
