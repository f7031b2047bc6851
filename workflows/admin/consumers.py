"""Consumers for staff and admins (F5, A6): find, block and unblock, open at the office."""
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.core import audit
from app.extensions import db
from app.core.identifiers import (
    InvalidIdentifier,
    digits,
    normalize_phone,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_ogrnip,
    validate_snils,
)
from app.core.users import create_consumer
from app.models import ConsumerProfile, KabinetUser, LegalForm
from app.security.access import ensure_consumer_account
from workflows.admin import FieldErrors

PAGE_SIZE = 25


def search_consumers(q: str, *, page: int = 1):
    """Consumers matching a name, email, phone or identifier; returns (rows, total)."""
    query = select(ConsumerProfile).join(KabinetUser, ConsumerProfile.user_id == KabinetUser.id)
    q = (q or "").strip()
    if q:
        conditions = []
        number = digits(q)
        if "@" in q:
            conditions.append(func.lower(KabinetUser.email) == q.lower())
        if number and len(number) >= 5:
            conditions += [ConsumerProfile.snils == number, ConsumerProfile.inn == number,
                           ConsumerProfile.ogrn == number, ConsumerProfile.ogrnip == number]
            try:
                conditions.append(KabinetUser.phone == normalize_phone(q))
            except InvalidIdentifier:
                pass
        words = [w for w in q.replace(",", " ").split() if not any(ch.isdigit() for ch in w) and "@" not in w]
        if words:
            name_conditions = []
            from workflows.admin.auditlog import text_match

            for word in words:
                name_conditions.append(or_(
                    text_match(ConsumerProfile.last_name, word), text_match(ConsumerProfile.first_name, word),
                    text_match(ConsumerProfile.middle_name, word), text_match(ConsumerProfile.org_name, word),
                ))
            from sqlalchemy import and_

            conditions.append(and_(*name_conditions))
        if not conditions:
            return [], 0
        query = query.where(or_(*conditions))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.execute(
        query.options(selectinload(ConsumerProfile.user))
        .order_by(ConsumerProfile.last_name, ConsumerProfile.first_name, ConsumerProfile.id)
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    ).scalars())
    return rows, total


def set_blocked(user: KabinetUser, blocked: bool, *, actor=None) -> None:
    """Block (the user can no longer sign in, sessions end) or unblock a login."""
    if user.active == (not blocked):
        return
    user.active = not blocked
    if blocked:
        user.session_version = (user.session_version or 0) + 1
    # recorded before the flush: the automatic watcher then leaves «active» to this one row
    audit.record("user.block" if blocked else "user.unblock", user, actor=actor,
                 before={"active": blocked}, after={"active": not blocked})
    db.session.flush()


def block_consumer(user_id: int, blocked: bool, *, actor) -> None:
    """Block or unblock a consumer's login; any other login is out of reach (404)."""
    set_blocked(ensure_consumer_account(db.session.get(KabinetUser, user_id)), blocked, actor=actor)


class OpenAccountError(FieldErrors):
    """Field → message for each invalid or taken value."""


#: identifiers asked for per legal form in «Открыть личный кабинет»: field → (validator, required)
IDENTIFIERS = {
    LegalForm.INDIVIDUAL: {"snils": (validate_snils, True), "inn": (lambda v: validate_inn(v, (12,)), False)},
    LegalForm.ENTREPRENEUR: {"inn": (lambda v: validate_inn(v, (12,)), True), "ogrnip": (validate_ogrnip, True)},
    LegalForm.LEGAL_ENTITY: {"inn": (lambda v: validate_inn(v, (10,)), True), "ogrn": (validate_ogrn, True),
                             "kpp": (validate_kpp, True)},
}


def _identifiers(form: LegalForm, values: dict, errors: dict) -> dict[str, str | None]:
    """The legal form's identifiers, checked and normalized; a refusal goes to `errors`."""
    clean: dict[str, str | None] = {}
    for field, (validator, required) in IDENTIFIERS[form].items():
        raw = (values.get(field) or "").strip()
        if not raw:
            if required:
                errors[field] = _("Поле обязательно для заполнения")
            continue
        try:
            clean[field] = validator(raw)
        except InvalidIdentifier as exc:
            errors[field] = str(exc)
    return clean


def _checked(values: dict) -> tuple[LegalForm, dict, str | None, str]:
    """(legal form, identifiers, phone, email) of the form, or OpenAccountError with every
    invalid or taken value."""
    from workflows.accounts.registration import duplicate_errors

    form = LegalForm(values["legal_form"])
    errors: dict[str, str] = {}
    clean = _identifiers(form, values, errors)
    if form is not LegalForm.INDIVIDUAL and not (values.get("org_name") or "").strip():
        errors["org_name"] = _("Поле обязательно для заполнения")
    try:
        phone = normalize_phone(values.get("phone") or "")
    except InvalidIdentifier as exc:
        errors["phone"] = str(exc)
        phone = None
    email = (values.get("email") or "").strip().lower()
    taken = duplicate_errors({"email": email, "phone": phone, **{k: clean.get(k) for k in ("snils", "ogrn", "ogrnip")}})
    for field, message in taken.items():
        errors.setdefault(field, message)
    if errors:
        raise OpenAccountError(errors)
    return form, clean, phone, email


def open_account(values: dict, *, actor=None) -> KabinetUser:
    """A6: create a consumer who came to the office and email the login and a password link.

    Identifiers are checked like at registration (checksums, the same duplicate messages).
    Raises OpenAccountError before anything is written; flushes, the request commits.
    """
    from workflows.accounts.passwords import send_password_setup

    form, clean, phone, email = _checked(values)
    profile = {"legal_form": form.value, "last_name": values["last_name"].strip(),
               "first_name": values["first_name"].strip(),
               "middle_name": (values.get("middle_name") or "").strip() or None, **clean}
    if form is not LegalForm.INDIVIDUAL:
        profile["org_name"] = values["org_name"].strip()
    consumer = create_consumer(
        user_fields={"email": email, "phone": phone, "first_name": profile["first_name"],
                     "last_name": profile["last_name"], "password": None, "confirmed": True},
        profile_fields=profile,
    )
    user = consumer.user
    audit.record("account.opened_at_office", user, actor=actor, summary=consumer.display_name,
                 after={"email": email, "phone": phone, "legal_form": form.value,
                        **{k: v for k, v in clean.items() if v}})
    send_password_setup(user)
    return user
