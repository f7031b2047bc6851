"""Passwords (A4): the strength rule, changing, resetting and first-time setup."""
import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from app.core import audit, lifetimes
from app.core.errors import Invalid
from app.extensions import db
from app.core.settings import get_setting
from app.core.users import set_password
from workflows.accounts import codes

PASSWORD_RULE = _l(
    "Пароль должен содержать не менее %(min)s знаков, латинские заглавные и строчные буквы, "
    "цифры, отличающиеся от букв и цифр знаки (например, !, $, #, %%)."
)
MSG_WRONG_CURRENT = _l("Текущий пароль указан неверно")


class WrongPassword(Invalid):
    """«Изменить пароль» with a current password that is not the user's."""

    category = "danger"
    default_message = MSG_WRONG_CURRENT


def password_problem(raw: str | None) -> str | None:
    """The message to show under the password field, or None when the password is good."""
    raw = raw or ""
    minimum = int(get_setting("password_min_length") or 6)
    good = (
        len(raw) >= minimum
        and re.search(r"[a-z]", raw)
        and re.search(r"[A-Z]", raw)
        and re.search(r"\d", raw)
        and re.search(r"[^A-Za-z0-9\s]", raw)
        and not re.search(r"[А-Яа-яЁё]", raw)
    )
    return None if good else str(PASSWORD_RULE) % {"min": minimum}


def check_password(user, raw: str) -> bool:
    return bool(user is not None and user.password and raw and check_password_hash(user.password, raw))


def change_password(user, current: str, new: str) -> None:
    """«Изменить пароль»: needs the current one; ends the user's other sessions."""
    if not check_password(user, current):
        raise WrongPassword()
    set_password(user, new)
    audit.record("account.password_changed", user, summary="Пароль изменен", actor=user)
    _tell_user(user, "«Изменить пароль»")
    db.session.flush()


def reset_password(user, new: str, *, how: str) -> None:
    """Set a new password after a code or link proved the user's phone or email."""
    set_password(user, new)
    audit.record("account.password_reset", user, summary=f"Пароль восстановлен ({how})", actor=user)
    _tell_user(user, HOW_LABELS.get(how))
    db.session.flush()


#: how the password was set, as the notice says it
HOW_LABELS = {"sms": "по коду из SMS", "email": "по коду из письма", "link": "по ссылке из письма",
              "first": "первая установка пароля"}


def _tell_user(user, how: str | None) -> None:
    """A security notice: the password changed (portal, email, SMS per the user's settings)."""
    from app.core.notifications.notify import notify_user

    notify_user(user, "account_password_changed", how=how, important=True)


def recovery_destination(login: str):
    """Where «Забыли пароль?» sends the code for any login of seed 000: (user, channel, address) or None.

    A typed email gets it when confirmed, a typed phone by SMS; СНИЛС, ОГРН, ОГРНИП or a staff
    login send it to the account's confirmed email, else to its confirmed phone.
    """
    from workflows.accounts.login import candidates, channel_of

    found = candidates(login)
    if len(found) != 1:
        return None
    user = found[0]
    email = (codes.EMAIL, user.email.lower()) if user.email and user.email_confirmed_at else None
    phone = (codes.SMS, user.phone) if user.phone and user.phone_confirmed_at else None
    typed = channel_of(login)
    if typed is not None and typed[0] == codes.EMAIL:
        target = email
    elif typed is not None and typed[1] == user.phone:
        target = (codes.SMS, user.phone)  # the SMS reaching the typed phone proves it
    else:
        target = email or phone
    return (user, *target) if target else None


def send_reset_code(login: str) -> None:
    """«Восстановить пароль»: a code (and, by email, a link) to the account behind `login`; silent
    when there is none, and when it asked too often (the same answer as login.send_login_code)."""
    target = recovery_destination(login)
    if target is None:
        return
    user, channel, destination = target
    try:
        codes.issue_code(purpose="reset_password", channel=channel, destination=destination, user=user,
                         with_link=channel == codes.EMAIL, link_lifetime=lifetimes.PASSWORD_RESET_LINK)
    except codes.CodeThrottled:
        pass


def reset_by_code(login: str, code: str, new: str):
    """«Сменить пароль» with the code sent for `login`: the user whose password is now `new`
    (raises CodeError; no account: «Неверный код», the same words as for an account)."""
    from app.models import KabinetUser

    target = recovery_destination(login)
    if target is None:
        raise codes.CodeError(codes.MSG_WRONG)
    row = codes.verify_code(purpose="reset_password", destination=target[2], code=code)
    user = db.session.get(KabinetUser, row.user_id)
    reset_password(user, new, how=row.channel)
    return user


def reset_by_link(purpose: str, token: str, new: str):
    """The password set through an emailed link (reset or first setup); the link reached the
    user's mailbox, so the email is confirmed too. Raises CodeError for a dead link."""
    from app.models import KabinetUser
    from workflows.accounts.registration import mark_email_confirmed

    row = codes.verify_link(purpose=purpose, token=token)
    user = db.session.get(KabinetUser, row.user_id)
    reset_password(user, new, how="link")
    mark_email_confirmed(user)
    return user


def send_password_setup(user) -> None:
    """Email a consumer opened at the office (A6) their login and a link to set a password.

    The link is single use and lives lifetimes.PASSWORD_SETUP_LINK; sending again makes the
    earlier link stop working. Flushes.
    """
    from flask import render_template

    from app.core.notifications.notify import queue_email

    row = codes.issue_code(
        purpose="set_password", channel=codes.EMAIL, destination=user.email, user=user,
        with_link=True, link_lifetime=lifetimes.PASSWORD_SETUP_LINK, ip="", send=False,
    )
    context = {"user": user, "link": row.plain_link, "login": user.email, "app_name": current_app.config.get("APP_NAME"),
               "days": lifetimes.whole(lifetimes.PASSWORD_SETUP_LINK, lifetimes.DAY)}
    subject = render_template("notifications/account_password_setup.subject.j2", **context).strip()
    body = render_template("notifications/account_password_setup.txt.j2", **context).strip()
    queue_email(user.email, subject, body, user_id=user.id, template="account_password_setup",
                expires_at=row.expires_at)
    user.must_set_password = True
    audit.record("account.password_setup_sent", user, summary="Отправлена ссылка для установки пароля")
    db.session.flush()
