"""The sandbox card form: the Luhn check digit (any number with the right digit passes, any single
digit changed fails) and nothing typed on the card page kept anywhere."""
from hypothesis import given, settings, strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models import AuditRecord
from app.models.payments import PaymentCallback, PaymentEvent
from forms.payments.providers import luhn_ok
from tests.payments.test_sandbox_flow import payer, press, start  # noqa: F401 — the fixture

DIGITS = st.text(alphabet="0123456789", min_size=12, max_size=18)


def _with_check_digit(body: str) -> str:
    for digit in "0123456789":
        if luhn_ok(body + digit):
            return body + digit
    raise AssertionError(body)


@settings(max_examples=200, deadline=None)
@given(DIGITS, st.data())
def test_luhn_accepts_the_check_digit_and_catches_one_wrong_digit(body, data):
    number = _with_check_digit(body)
    assert luhn_ok(number)
    position = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    assert not luhn_ok(number[:position] + wrong + number[position + 1:])


def test_known_test_cards():
    assert luhn_ok("4111111111111111") and luhn_ok("5555555555554444") and not luhn_ok("4111111111111112")


def test_nothing_typed_on_the_card_page_is_kept(client, login, payer):  # noqa: F811
    payment = start(payer)
    login(payer[0])
    assert press(client, payment, data={"number": "4000 0000 0000 0002", "expiry": "11/38", "cvc": "987"}).status_code == 302
    db.session.expire_all()
    kept = " ".join(str(row) for model, column in ((PaymentCallback, PaymentCallback.body),
                                                    (PaymentEvent, PaymentEvent.detail),
                                                    (AuditRecord, AuditRecord.after))
                    for row in db.session.scalars(select(column)))
    assert "succeeded" in kept  # what was read is what the payment left behind
    assert all(typed not in kept for typed in ("4000000000000002", "4000 0000 0000 0002", "11/38", "cvc", "number"))
