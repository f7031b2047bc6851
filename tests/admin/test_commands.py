"""The admin area's people commands (workflows/admin/staff.py, consumers.py) as the REST API
will call them: plain ids in, a KabinetError with its status out."""
from app.core.errors import STALE_FORM
import pytest

from app.core.errors import Forbidden, KabinetError, NotFound
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from tests.factories import make_staff
from workflows.admin import consumers, settings, staff as staff_commands


def test_an_admin_changes_a_role_and_blocks_by_id(org_admin, staff):
    staff_commands.change_staff_role(staff.id, ORG_ADMIN, actor=org_admin)
    assert staff.role_names == {ORG_ADMIN}
    staff_commands.block_staff(staff.id, True, actor=org_admin)
    assert staff.active is False


@pytest.mark.parametrize("target,kind", [("self", Forbidden), ("fab_admin", NotFound), ("consumer", NotFound),
                                         ("missing", NotFound)])
def test_out_of_reach_logins_are_refused(org_admin, consumer, target, kind):
    user_id = {"self": org_admin.id, "fab_admin": make_staff(ADMIN).id, "consumer": consumer.id,
               "missing": 999999}[target]
    for call in (lambda: staff_commands.change_staff_role(user_id, STAFF, actor=org_admin),
                 lambda: staff_commands.block_staff(user_id, True, actor=org_admin)):
        with pytest.raises(kind):
            call()
    assert org_admin.active and org_admin.role_names == {ORG_ADMIN}


def test_field_refusals_carry_every_field(org_admin, staff):
    with pytest.raises(staff_commands.StaffError) as refused:
        staff_commands.add_staff(last_name="Дубль", first_name="Дубль", email=staff.email, role=STAFF,
                                 actor=org_admin)
    assert isinstance(refused.value, KabinetError) and set(refused.value.errors) == {"email"}
    with pytest.raises(consumers.OpenAccountError) as refused:
        consumers.open_account({"legal_form": "individual", "last_name": "Смирнова", "first_name": "Анна",
                                "email": "", "phone": "12345", "snils": ""}, actor=org_admin)
    assert {"phone", "snils"} <= set(refused.value.errors) and refused.value.status == 400


def test_a_stale_settings_form_is_a_conflict(org_admin):
    with pytest.raises(settings.SettingsChanged) as refused:
        settings.update_settings({"org_name": "Другое"}, loaded="old", code=None, actor=org_admin)
    assert refused.value.status == 409 and str(STALE_FORM) in refused.value.message
