"""Issue 12: notifications say which application before it has a number (its type and the object's
address), carry their link alone on a line, from PUBLIC_URL, and write dates as DD.MM.YYYY."""
import re
from datetime import date
from pathlib import Path

import pytest
from flask import current_app, render_template
from sqlalchemy import select

from app.extensions import db
from app.core.jobs.queue import dispatch_ready
from app.models import Notification
from app.core.settings import set_setting
from tests.applications.conftest import TP_DATA, make_submitted, move, pdf
from workflows.applications import service
from workflows.applications.tracker import STAGE_BY_CODE

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "notifications"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ADDRESS = TP_DATA["object_address"]

#: every notification about one application (its templates use `application.`)
APPLICATION_TEMPLATES = sorted({
    path.name.split(".")[0] for path in TEMPLATES.glob("*.j2")
    if not path.name.startswith("_") and "application." in path.read_text(encoding="utf-8")
})


def context_for(application, user):
    tracker = {"1": {"date": "2026-03-01"}, "4": {"state": "в стадии выполнения"}}
    return {"application": application, "user": user, "link": f"/my/applications/{application.id}",
            "title": "Договор", "note": "Ведется проектирование", "status_name": "На рассмотрении",
            "comment": None, "text": "Добрый день", "stages": [STAGE_BY_CODE["1"], STAGE_BY_CODE["4"]],
            "tracker": tracker, "copy_request": None}


def rendered(key, context):
    parts = {}
    for part in ("subject", "txt", "sms"):
        if (TEMPLATES / f"{key}.{part}.j2").exists():
            parts[part] = render_template(f"notifications/{key}.{part}.j2", **context)
    return parts


def test_the_list_of_application_notifications_is_complete():
    assert {"application_status", "application_stage", "application_tracker", "message_from_organization",
            "document_sign_requested", "application_invoice"} <= set(APPLICATION_TEMPLATES)


@pytest.mark.parametrize("key", [k for k in APPLICATION_TEMPLATES if k != "application_number"])
def test_before_a_number_every_notification_names_the_type_and_the_object_address(consumer, key):
    application = make_submitted(consumer)
    assert application.number is None and application.object_address == ADDRESS
    parts = rendered(key, context_for(application, consumer))
    type_name = application.application_type.name
    assert "txt" in parts
    for part, text in parts.items():
        if (key, part) == ("application_submitted", "subject"):
            assert type_name.lower() in text  # the organization's subject names the type; the body the object
            continue
        assert type_name in text and ADDRESS in text, f"{key}.{part}: {text!r}"


def test_once_numbered_a_notification_names_the_number(consumer, staff):
    application = make_submitted(consumer)
    service.assign_number(application, "ТП-2026-00007", staff)
    db.session.commit()
    for key in ("application_status", "application_number", "message_from_organization"):
        parts = rendered(key, context_for(application, consumer))
        assert "ТП-2026-00007" in parts["subject"] + parts["txt"], key


def test_the_stage_update_email_shows_dates_as_dd_mm_yyyy(consumer, staff, sent):
    application = make_submitted(consumer)
    dispatch_ready()
    sent.clear()
    service.update_tracker(application, {"2": {"date": date(2026, 3, 1)}}, staff)
    db.session.commit()
    dispatch_ready()
    (message,) = [m for m in sent.emails if m["To"] == consumer.email]
    assert "01.03.2026" in message.get_content()
    assert not ISO_DATE.search(message.get_content() + message["Subject"])


def links_alone_on_their_lines(text: str) -> bool:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    for match in re.finditer(r"https?://\S+", text):
        line = text[text.rfind("\n", 0, match.start()) + 1: (text.find("\n", match.end()) + 1 or len(text) + 1) - 1]
        if line.strip() != match.group(0) or not match.group(0).startswith(base + "/"):
            return False
    return True


def test_a_full_journey_sends_no_iso_date_and_every_link_alone_on_its_line(consumer, staff, sent):
    set_setting("org_email", "office@seti.example")
    db.session.commit()
    application = make_submitted(consumer)
    move(application, "review", "offer", staff, comment="Готовим договор")
    service.add_stage_note(application, "Ведется проектирование", staff)
    service.update_tracker(application, {"2": {"date": date(2026, 3, 1)}, "4": {"state": "в стадии выполнения"}},
                           staff)
    service.add_attachment(application, pdf("offer.pdf"), staff, side=service.ORGANIZATION_SIDE, title="Оферта")
    service.add_attachment(application, pdf("bill.pdf"), staff, side=service.ORGANIZATION_SIDE, title="Счет",
                           purpose="invoice")
    service.post_message(application, "<p>Уточните мощность</p>", staff, from_organization=True)
    service.post_message(application, "<p>15 кВт</p>", consumer, from_organization=False)
    service.add_attachment(application, pdf("plan.pdf"), consumer, side=service.CONSUMER_SIDE, title="План")
    service.assign_number(application, None, staff)
    db.session.commit()
    move(application, "offer", "contract", staff)
    dispatch_ready()
    texts = [m["Subject"] + "\n" + m.get_content() for m in sent.emails] + [text for _, text in sent.sms]
    texts += [n.title + "\n" + n.body for n in db.session.scalars(select(Notification))]
    assert len(sent.emails) >= 10 and sent.sms
    assert [t for t in texts if ISO_DATE.search(t)] == []
    assert [t for t in texts if not links_alone_on_their_lines(t)] == []
    assert any("01.03.2026" in t for t in texts)


def test_the_notices_page_makes_the_link_in_a_notice_clickable(client, login, consumer, staff):
    application = make_submitted(consumer)
    move(application, "review", "offer", staff)
    login(consumer)
    page = client.get("/my/notifications/").text
    url = current_app.config["PUBLIC_URL"].rstrip("/") + f"/my/applications/{application.id}"
    assert f'<a href="{url}">{url}</a>' in page
