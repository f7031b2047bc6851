"""Notifications (B11): portal notice + email + SMS, written in the caller's transaction.

Each message body comes from templates/notifications/<template>.{subject,txt,sms}.j2;
the outbox rows are delivered by jobs after the commit (outbox.py).
"""
from flask import current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import select

from app.core.jobs.queue import enqueue_after_commit
from app.core.notifications.outbox import deliver_outbox_message
from app.core.sealing import seal
from app.extensions import db
from app.models import Notification, NotificationOptOut, OutboxMessage


def _render(template: str, part: str, context: dict) -> str | None:
    try:
        return render_template(f"notifications/{template}.{part}.j2", **context).strip()
    except TemplateNotFound:
        return None


#: templates whose messages carry a one-time code or a password link: sealed while they wait
#: (app.core.sealing), scrubbed once sent, failed or expired (app.core.notifications.outbox)
SECRET_TEMPLATES = frozenset({"account_code", "account_password_setup", "account_confirm_email"})


def queue_email(recipient: str, subject: str, body: str, *, html: str | None = None,
                user_id: int | None = None, template: str | None = None, expires_at=None,
                attachment=None) -> OutboxMessage:
    """Queue an email; `expires_at`: what it carries is useless after that, so it is not sent late;
    `attachment`: a StoredFile sent attached under its original name (app.core.files.store_bytes)."""
    return _queue("email", recipient, body, subject=subject, html=html, user_id=user_id, template=template,
                  expires_at=expires_at, attachment_file_id=getattr(attachment, "id", None))


def queue_sms(phone: str, text: str, *, user_id: int | None = None, template: str | None = None,
              expires_at=None) -> OutboxMessage:
    return _queue("sms", phone, text, user_id=user_id, template=template, expires_at=expires_at)


def _queue(channel: str, recipient: str, body: str, *, html: str | None = None, **fields) -> OutboxMessage:
    secret = fields.get("template") in SECRET_TEMPLATES
    if secret:
        body, html = seal(body), seal(html) if html else None
    message = OutboxMessage(channel=channel, recipient=recipient, body=body, html=html, secret=secret, **fields)
    db.session.add(message)
    db.session.flush()
    enqueue_after_commit(deliver_outbox_message, message.id)
    return message


#: where the notifications area registers its kind_of(template) → kind of event or None
KIND_OF = "kabinet_notification_kind_of"


def channels_off(user, template: str) -> frozenset:
    """The channels `user` switched off for the kind of event `template` belongs to (E7); a
    template of no kind (codes, password messages) has none switched off."""
    kind_of = current_app.extensions.get(KIND_OF)
    kind = kind_of(template) if kind_of is not None else None
    if kind is None:
        return frozenset()
    return frozenset(db.session.scalars(select(NotificationOptOut.channel).where(
        NotificationOptOut.user_id == user.id, NotificationOptOut.kind == kind)))


def notify_user(user, template: str, *, link: str | None = None, sms: bool = True,
                email: bool = True, important: bool = False, **context) -> Notification | None:
    """Tell `user` about an event in the portal, by email and by SMS per their settings; the
    portal notice (None when they switched the portal off for this kind of event)."""
    context = {"user": user, "link": link, **context}
    subject = _render(template, "subject", context) or template
    body = _render(template, "txt", context) or subject
    off = channels_off(user, template)
    notice = None
    if "portal" not in off:
        notice = Notification(user_id=user.id, title=subject, body=body, link=link, is_important=important,
                              template=template)
        db.session.add(notice)
    if email and "email" not in off and user.notify_email and user.email and user.email_confirmed_at:
        queue_email(user.email, subject, body, user_id=user.id, template=template)
    sms_text = _render(template, "sms", context)
    if sms and sms_text and "sms" not in off and user.notify_sms and user.phone and user.phone_confirmed_at:
        queue_sms(user.phone, sms_text, user_id=user.id, template=template)
    return notice


def notify_organization(template: str, **context) -> OutboxMessage | None:
    """Email the organization's address from the settings (A7, B5)."""
    from app.core.settings import get_setting

    address = get_setting("org_email")
    if not address:
        return None
    subject = _render(template, "subject", context) or template
    body = _render(template, "txt", context) or subject
    return queue_email(address, subject, body, template=template)
