"""Notifications (B11): how the portal tells a person something, in one package.

    notify.py      what callers use, inside their own transaction: notify_user() writes the
                   portal notice and queues the email/SMS the user's settings ask for;
                   notify_organization() emails the organization; queue_email()/queue_sms()
                   write one outbox row (sealed when it carries a code or a link, SECRET_TEMPLATES)
                   and enqueue its delivery for after the commit
    outbox.py      delivery, as jobs (app.core.jobs): deliver_outbox_message() claims one row,
                   hands it to a transport and records the outcome (retry with back-off, expiry,
                   «never twice»); sweep_outbox() is the periodic catch-up after outages
    transports.py  the gateways: send_email() (smtp, file, console, memory) and send_sms()
                   (http, file, console, memory), with the settings an admin may override

Texts come from templates/notifications/<key>.{subject,txt,sms}.j2; each area lists the keys it
sends in its AREA.notifications. Nothing here imports an area: the areas call notify.
"""
