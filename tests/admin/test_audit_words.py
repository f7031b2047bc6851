"""Issue 12: the audit log speaks to a non-programmer — every object named, references by
name, fields by their labels, actions in words — and says it once."""
import ast
import json
import re
from html import unescape
from pathlib import Path

import pytest

from app.core import audit
from app.extensions import db
from app.models import ApplicationType, AuditRecord, DocumentType, Status
from app.security.roles import STAFF

ROOT = Path(__file__).resolve().parents[2]
RAW = ("<app.", " object at 0x", "_id:")


def _visible(html: str) -> str:
    """The text of the log table as a reader sees it (tags dropped, entities decoded)."""
    table = html.split('data-test="audit"', 1)[1].split("</table>", 1)[0]
    text = re.sub(r"<[^>]+>", "", re.sub(r"<(br|/?t[dhr])\b[^>]*>", " ", table))
    return unescape(re.sub(r"\s+", " ", text))


def _log(client, **query) -> str:
    return _visible(client.get("/admin/audit/", query_string=query).get_data(as_text=True))


def _count(client, **query) -> int:
    body = client.get("/admin/audit/", query_string=query).get_data(as_text=True)
    return int(re.search(r"Записей: (\d+)", body).group(1))


@pytest.fixture
def tp_type(ctx):
    app_type = ApplicationType(code="tp", name="Заявка на технологическое присоединение")
    db.session.add(app_type)
    db.session.flush()
    statuses = {code: Status(application_type_id=app_type.id, code=code, name=name, sort_order=n)
                for n, (code, name) in enumerate((("draft", "Черновик"), ("review", "На рассмотрении"),
                                                  ("visit", "Выезд на объект")))}
    db.session.add_all(statuses.values())
    db.session.commit()
    _clear_log()
    return app_type, statuses


def _clear_log() -> None:
    """Start from an empty log (setting up the test was audited too)."""
    db.session.execute(db.delete(AuditRecord))
    db.session.commit()


def _no_raw(text: str) -> None:
    for raw in RAW:
        assert raw not in text, raw


def test_transition_is_logged_by_name_and_found_by_its_status(client, login, org_admin, tp_type):
    from app.models import Transition

    app_type, statuses = tp_type
    login(org_admin)
    form = {"application_type": str(app_type.id), "from_status": str(statuses["draft"].id),
            "to_status": str(statuses["review"].id), "name": "Принять в работу", "roles": [STAFF],
            "sort_order": "0", "active": "y"}
    assert client.post("/admin/transitions/add", data=form).status_code == 302
    transition = db.session.execute(db.select(Transition)).scalar_one()
    form.update(to_status=str(statuses["visit"].id))
    assert client.post(f"/admin/transitions/edit/{transition.id}", data=form).status_code == 302

    text = _log(client)
    _no_raw(text)
    assert "Добавление перехода" in text and "Изменение перехода" in text
    assert ("Переход «Принять в работу»: Черновик → На рассмотрении "
            "(Заявка на технологическое присоединение)") in text
    assert "Из статуса: Черновик" in text and "В статус: Выезд на объект" in text
    assert "Кто может: Сотрудник" in text and "Действует: Да" in text
    # the change of the target status is found by either name, in any letter case
    assert _count(client, q="Выезд на объект") == 1
    assert _count(client, q="выезд на объект") == 1
    assert "Переход «Принять в работу»" in _log(client, q="Выезд на объект")
    update = db.session.execute(db.select(AuditRecord).where(
        AuditRecord.action == "dictionary.transition.update")).scalar_one()
    assert update.before == {"to_status": "На рассмотрении"} and update.after == {"to_status": "Выезд на объект"}


def test_calendar_day_is_logged_with_its_date(client, login, org_admin):
    login(org_admin)
    response = client.post("/admin/calendar/add", data={"day": "2027-03-08", "note": "Международный женский день"})
    assert response.status_code == 302
    text = _log(client)
    _no_raw(text)
    assert "Добавление дня календаря" in text
    assert "Нерабочий день 08.03.2027" in text
    assert "Дата: 08.03.2027" in text and "Рабочий день: Нет" in text
    assert "2027-03-08" not in text


def test_required_document_is_logged_by_names(client, login, org_admin, tp_type):
    app_type, _statuses = tp_type
    plan = DocumentType(code="plan", name="План расположения")
    db.session.add(plan)
    db.session.commit()
    _clear_log()
    login(org_admin)
    response = client.post("/admin/document-requirements/add", data={
        "application_type": str(app_type.id), "document_type": str(plan.id), "legal_forms": ["individual"],
        "required": "y"})
    assert response.status_code == 302
    text = _log(client)
    _no_raw(text)
    assert ("Обязательный документ «План расположения» для «Заявка на технологическое присоединение»") in text
    assert "Документ: План расположения" in text and "Обязателен: Да" in text
    assert _count(client, q="план расположения") == 1


def test_block_is_logged_once_in_words(client, login, org_admin, consumer):
    _clear_log()
    login(org_admin)
    assert client.post(f"/admin/consumers/{consumer.id}/block").status_code == 302
    rows = db.session.execute(db.select(AuditRecord).where(AuditRecord.object_id == str(consumer.id))).scalars().all()
    assert [r.action for r in rows] == ["user.block"]
    text = _log(client)
    assert "Блокировка пользователя" in text and "user.block" not in text
    assert f"Пользователь {consumer.display_name} ({consumer.email})" in text
    assert "KabinetUser" not in text
    assert _count(client, q="Блокировка") == 1


def test_explicit_records_name_their_object(client, login, org_admin, consumer):
    """A record written by a service (not the watcher) names its object too, as it was then."""
    audit.record("account.login", consumer, actor=consumer, summary="Вход в личный кабинет")
    db.session.commit()
    name = consumer.display_name
    consumer.consumer.last_name = "Петров"
    db.session.commit()
    login(org_admin)
    text = _log(client, action="account.login")
    assert "Вход в личный кабинет" in text and f"Пользователь {name}" in text and "KabinetUser" not in text
    assert "Вход в личный кабинет" in _log(client, q=name.split()[0])


def test_chain_covers_the_object_name(client, login, org_admin, consumer, app):
    db.session.execute(db.delete(AuditRecord))
    audit.record("user.block", None, object_type="KabinetUser", object_id="7", actor=org_admin)  # an old-style row
    audit.record("user.unblock", consumer, actor=org_admin)
    db.session.commit()
    login(org_admin)
    lines = client.get("/admin/audit/export.jsonl").get_data(as_text=True).splitlines(keepends=True)
    with app.app_context():
        assert audit.verify_chain(lines) == 2
    data = json.loads(lines[1])
    assert data["object_label"].startswith("Пользователь ")
    data["object_label"] = "Пользователь Подменённый"
    lines[1] = json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"
    with app.app_context(), pytest.raises(audit.ChainBroken):
        audit.verify_chain(lines)


# ---- every action code has a label ----------------------------------------------------

CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def _codes_in_source() -> tuple[set[str], set[str], list[str]]:
    """(literal codes, f-string patterns, calls whose code could not be read) of every
    audit.record(...) call (and settings' _audit helper) under app/ and workflows/."""
    codes, patterns, unreadable = set(), set(), []
    for path in [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("workflows").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            is_record = name == "record" and getattr(node.func, "value", None) is not None and getattr(
                node.func.value, "id", None) == "audit"
            if not (is_record or name == "_audit" and path.name == "settings.py"):
                continue
            found = False
            for part in ast.walk(node.args[0]):
                if isinstance(part, ast.Constant) and isinstance(part.value, str) and CODE.match(part.value):
                    codes.add(part.value)
                    found = True
                elif isinstance(part, ast.JoinedStr):
                    patterns.add("".join(re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z_]+"
                                         for v in part.values))
                    found = True
            if not found and not (path.name == "settings.py" and isinstance(node.args[0], ast.Name)):
                unreadable.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return codes, patterns, unreadable


def test_every_action_code_has_a_label(app):
    from app.core.audit_labels import ACTION_LABELS

    codes, patterns, unreadable = _codes_in_source()
    assert not unreadable, f"audit.record() with a code the test cannot read: {unreadable}"
    assert len(codes) > 40 and "user.block" in codes and "settings.gateway_update" in codes
    watched = {f"{spec.action}.{kind}" for spec in audit.WATCHED.values() for kind in ("create", "update", "delete")}
    assert "dictionary.transition.update" in watched
    missing = sorted(code for code in codes | watched if code not in ACTION_LABELS)
    assert not missing, f"no label for: {missing}"
    for pattern in patterns:
        assert any(re.fullmatch(pattern, code) for code in ACTION_LABELS), pattern
    with app.test_request_context():
        assert all(str(label) and not CODE.match(str(label)) for label in ACTION_LABELS.values())
