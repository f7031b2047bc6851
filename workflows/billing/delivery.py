"""«Способ получения квитанции» (D10, seed 004 §2.19): paper by post, or the electronic receipt in
the cabinet with a copy by email — to the profile's confirmed address, or to another address the
consumer types («Редактировать»); the profile's own email does not change.

The choice is the consumer's, per link (co-owners choose each for themselves); it is audited with
its address before and after. Another address is confirmed first: a one-time code goes to it
(workflows/accounts/codes.py, purpose «receipt_email»), and the choice is saved when the code
comes back — so a typo never sends the receipt, with its ФИО and address, to a stranger.
"""
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import Invalid
from app.extensions import db
from app.models import AccountLink
from workflows.accounts import codes

CODE_PURPOSE = "receipt_email"
#: set_delivery(): what happened
SAVED, UNCHANGED, CODE_SENT = "saved", "unchanged", "code_sent"

MSG_NO_PROFILE_EMAIL = _l("Адрес электронной почты в профиле не подтвержден. Подтвердите его в профиле "
                          "или укажите другой адрес.")


class DeliveryRefused(Invalid):
    """The choice cannot be saved; `message` goes under the field `field`."""

    category = "danger"

    def __init__(self, message=None, field: str | None = None):
        super().__init__(message)
        self.field = field


def profile_email(user) -> str | None:
    """The profile's email when it is confirmed, else None."""
    return user.email if user.email and user.email_confirmed_at else None


def receipt_address(user, link: AccountLink) -> str | None:
    """Where the electronic receipt of `link` goes now."""
    return link.receipt_email or profile_email(user)


def set_delivery(user, link: AccountLink, *, electronic: bool, other_email: str | None,
                 code: str | None = None) -> str:
    """Save the consumer's choice for the account of `link` (SAVED or UNCHANGED); a new other
    address needs its code first: without one, the code is sent and nothing is saved (CODE_SENT)."""
    email = (other_email or "").strip().lower() or None
    if electronic and email is None and profile_email(user) is None:
        raise DeliveryRefused(MSG_NO_PROFILE_EMAIL, field="other_email")
    if not electronic or (email is not None and email == (profile_email(user) or "").lower()):
        email = None  # paper, or the profile's address: follow the profile
    if email is not None and email != link.receipt_email:
        if not (code or "").strip():
            _send_code(user, link, email)
            return CODE_SENT
        _check_code(email, code)
    before = {"receipt_electronic": link.receipt_electronic, "receipt_email": link.receipt_email}
    after = {"receipt_electronic": bool(electronic), "receipt_email": email}
    if before == after:
        return UNCHANGED
    link.receipt_electronic, link.receipt_email = after["receipt_electronic"], after["receipt_email"]
    db.session.flush()
    audit.record("billing.receipt_delivery", actor=user, object_type="PersonalAccount", object_id=link.account_id,
                 summary=f"Способ получения квитанции по лицевому счету {link.account.number}",
                 before=before, after=after)
    return SAVED


def _send_code(user, link: AccountLink, email: str) -> None:
    try:
        codes.issue_code(purpose=CODE_PURPOSE, channel=codes.EMAIL, destination=email, user=user,
                         payload={"account_id": link.account_id})
    except codes.CodeError as exc:  # sent too often
        raise DeliveryRefused(exc.message, field="other_email") from None


def _check_code(email: str, code: str) -> None:
    """The code sent to `email`; a wrong one is counted even though the request is refused."""
    try:
        codes.verify_code(purpose=CODE_PURPOSE, destination=email, code=code)
    except codes.CodeError as exc:
        raise DeliveryRefused(exc.message, field="code") from None
