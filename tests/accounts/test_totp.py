"""A10: TOTP — enrolment, a code on every sign-in, mandatory for staff by setting, each code once."""
from datetime import datetime

import pyotp
import time_machine

from app.extensions import db
from app.models import KabinetUser
from app.security.roles import ORG_ADMIN, STAFF
from app.core.settings import set_setting
from tests.accounts.test_login import sign_in, signed_in_as
from tests.factories import make_consumer, make_staff

def enrol(client, user_id):
    page = client.get("/my/security/totp/")
    assert "<svg" in page.text
    db.session.expire_all()
    secret = db.session.get(KabinetUser, user_id).totp_secret
    response = client.post("/my/security/totp/", data={"code": pyotp.TOTP(secret).now()})
    assert response.location.endswith("/my/security/")
    return secret


def test_staff_enrols_in_totp_and_then_needs_a_code_on_every_login(client, ctx):
    staff = make_staff(STAFF)
    with time_machine.travel(datetime.now().replace(second=5, microsecond=0), tick=False) as clock:
        sign_in(client, staff.email)
        page = client.post("/my/security/totp/", data={"code": "000000"})
        assert "Неверный код" in page.text
        secret = enrol(client, staff.id)
        used = pyotp.TOTP(secret).now()
        client.post("/logout/")
        clock.shift(15)
        response = sign_in(client, staff.email)
        assert response.location.endswith("/login/totp/")
        assert signed_in_as(client) is None
        page = client.post("/login/totp/", data={"code": "000000" if used != "000000" else "111111"})
        assert "Неверный код" in page.text and signed_in_as(client) is None
        page = client.post("/login/totp/", data={"code": used})  # the enrolment code cannot be replayed
        assert "Неверный код" in page.text and signed_in_as(client) is None
        clock.shift(20)
        response = client.post("/login/totp/", data={"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302 and signed_in_as(client) == staff.id


def test_totp_is_mandatory_for_staff_when_the_setting_says_so(client, ctx):
    set_setting("totp_required_for_staff", True)
    db.session.commit()
    staff = make_staff(STAFF)
    response = sign_in(client, staff.email)
    assert response.location.endswith("/my/security/totp/")
    assert client.get("/").location.endswith("/my/security/totp/")
    enrol(client, staff.id)
    home = client.get("/")  # the front page (or the staff queue it leads to), no longer the enrolment
    assert home.status_code == 200 or "/security/totp/" not in home.location
    consumer = make_consumer()
    client.post("/logout/")
    sign_in(client, consumer.email)
    assert client.get("/my/profile/").status_code == 200  # consumers are not asked


def test_verify_totp_for_the_documents_area(ctx):
    from workflows.accounts.totp import start_enrolment, verify_totp

    staff = make_staff(ORG_ADMIN)
    assert verify_totp(staff, "123456") is False
    secret = start_enrolment(staff)
    assert verify_totp(staff, pyotp.TOTP(secret).now()) is True
    assert verify_totp(staff, "12345") is False


def test_a_totp_code_is_accepted_only_once(ctx):
    from workflows.accounts.totp import start_enrolment, verify_totp

    staff = make_staff(STAFF)
    secret = start_enrolment(staff)
    with time_machine.travel(datetime(2026, 5, 1, 10, 0, 5), tick=False):
        code = pyotp.TOTP(secret).now()
        assert verify_totp(staff, code) is True
        assert verify_totp(staff, code) is False
    with time_machine.travel(datetime(2026, 5, 1, 10, 0, 35), tick=False):
        assert verify_totp(staff, code) is False  # still inside the drift window, but used
        assert verify_totp(staff, pyotp.TOTP(secret).now()) is True
