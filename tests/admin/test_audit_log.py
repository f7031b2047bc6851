"""F6: the audit log is searchable, exports to CSV and to a verifiable hash chain."""
import json

import pytest

from app.core import audit
from app.extensions import db
from app.models import AuditRecord
from app.security.roles import ORG_ADMIN


@pytest.fixture
def records(ctx, org_admin):
    """Exactly these three records (creating the admin's login was audited too: drop it)."""
    db.session.execute(db.delete(AuditRecord))
    audit.record("settings.update", None, object_type="Settings", object_id="organization", actor=org_admin,
                 summary="Телефон организации", before={"org_phone": ""}, after={"org_phone": "+7 495"})
    audit.record("page.publish", None, object_type="InfoPage", object_id="2", actor=org_admin,
                 summary="Помощь: опубликована версия 2", before={"body_html": "<p>old</p>"},
                 after={"body_html": "<p>new</p>"})
    audit.record("user.block", None, object_type="KabinetUser", object_id="7", actor=org_admin,
                 summary="Иванов Пётр", before={"active": True}, after={"active": False})
    db.session.commit()


def test_list_shows_who_when_what_before_after_and_filters(client, login, org_admin, records):
    login(org_admin)
    body = client.get("/admin/audit/").get_data(as_text=True)
    assert "Записей: 3" in body
    assert "Сотрудникова Анна" in body and "Изменение настроек" in body and "+7 495" in body
    assert "Телефон организации" in body and "Пользователь № 7" in body
    found = client.get("/admin/audit/?q=Помощь").get_data(as_text=True)
    assert "Записей: 1" in found and "Публикация страницы" in found
    assert "Записей: 1" in client.get("/admin/audit/?action=user.").get_data(as_text=True)
    assert "Записей: 1" in client.get("/admin/audit/?action=блокировка").get_data(as_text=True)
    assert "Записей: 1" in client.get("/admin/audit/?object_type=Пользователь").get_data(as_text=True)
    assert "Записей: 0" in client.get("/admin/audit/?date_from=2099-01-01").get_data(as_text=True)
    assert "Записей: 3" in client.get("/admin/audit/?date_from=не-дата").get_data(as_text=True)


def test_csv_export(client, login, org_admin, records):
    login(org_admin)
    response = client.get("/admin/audit/export.csv?object_type=Settings")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("id;Дата и время;Кто")
    assert len(lines) == 2 and "Изменение настроек" in lines[1] and "settings.update" in lines[1]
    assert "Телефон организации: +7 495" in lines[1]


def _export(client):
    response = client.get("/admin/audit/export.jsonl")
    assert response.status_code == 200
    return response.get_data(as_text=True).splitlines(keepends=True)


def test_exported_chain_verifies(client, login, org_admin, records, app):
    login(org_admin)
    lines = _export(client)
    assert len(lines) == 4  # three records and the seal
    assert json.loads(lines[-1])["type"] == "seal"
    with app.app_context():
        assert audit.verify_chain(lines) == 3


def _tampered(lines, how):
    lines = list(lines)
    if how == "edit":
        data = json.loads(lines[1])
        data["after"] = {"body_html": "<p>forged</p>"}
        lines[1] = json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"
    elif how == "edit-text":
        lines[0] = lines[0].replace("+7 495", "+7 999")
    elif how == "delete":
        del lines[1]
    elif how == "delete-last-record":
        del lines[2]
    elif how == "truncate":
        lines = lines[:-1]
    elif how == "swap":
        lines[0], lines[1] = lines[1], lines[0]
    elif how == "append":
        lines.append(lines[0])
    elif how == "recompute-without-key":
        import hashlib

        data = json.loads(lines[1])
        data["summary"] = "подделка"
        data.pop("hash")
        data["hash"] = hashlib.sha256(json.dumps(data).encode()).hexdigest()
        lines[1] = json.dumps(data, ensure_ascii=False) + "\n"
    return lines


@pytest.mark.parametrize("how", ["edit", "edit-text", "delete", "delete-last-record", "truncate", "swap", "append",
                                 "recompute-without-key"])
def test_modified_export_fails_verification(client, login, org_admin, records, app, how):
    login(org_admin)
    lines = _tampered(_export(client), how)
    with app.app_context(), pytest.raises(audit.ChainBroken):
        audit.verify_chain(lines)


def test_audit_verify_command(client, login, org_admin, records, app, tmp_path):
    login(org_admin)
    lines = _export(client)
    good = tmp_path / "audit.jsonl"
    good.write_text("".join(lines), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(_tampered(lines, "edit-text")), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kabinet", "audit-verify", str(good)])
    assert result.exit_code == 0 and "OK: 3 записей" in result.output
    result = runner.invoke(args=["kabinet", "audit-verify", str(bad)])
    assert result.exit_code == 1 and "строка 1" in result.output


def test_every_kind_of_change_appears_in_the_log(client, login, pages, org_admin, consumer, staff):
    """Settings, pages, dictionaries, roles and blocking: each leaves a record with before/after."""
    from app.models import DocumentType
    from app.core.users import find_role

    login(org_admin)
    client.post("/admin/settings/test", data={"channel": "email", "recipient": "a@example.ru"})
    client.post("/admin/document-types/add", data={"code": "passport", "name": "Паспорт", "sort_order": "0",
                                                   "active": "y"})
    doc = db.session.execute(db.select(DocumentType)).scalar_one()
    client.post(f"/admin/document-types/edit/{doc.id}", data={"code": "passport", "name": "Паспорт РФ",
                                                              "sort_order": "0", "active": "y"})
    client.post(f"/admin/consumers/{consumer.id}/block")
    client.post(f"/admin/consumers/{consumer.id}/unblock")
    staff.roles = [find_role(ORG_ADMIN)]
    db.session.commit()
    actions = {r.action: r for r in db.session.execute(db.select(AuditRecord)).scalars()}
    for action in ("settings.test_message", "dictionary.document_type.create", "dictionary.document_type.update",
                   "user.block", "user.unblock", "user.update"):
        assert action in actions, action
    assert actions["dictionary.document_type.update"].before == {"name": "Паспорт"}
    assert actions["dictionary.document_type.update"].after == {"name": "Паспорт РФ"}
    assert actions["user.block"].before == {"active": True} and actions["user.block"].after == {"active": False}
    assert actions["user.update"].after == {"roles": [ORG_ADMIN]}


def test_csv_cells_never_start_a_formula(client, login, org_admin, records):
    audit.record("user.block", None, object_type="KabinetUser", object_id="8", actor=org_admin,
                 summary='=HYPERLINK("https://evil.example","click")')
    db.session.commit()
    login(org_admin)
    text = client.get("/admin/audit/export.csv?action=user.block").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ";=HYPERLINK" not in text
