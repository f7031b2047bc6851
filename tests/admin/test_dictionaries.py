"""F3: dictionaries through FAB CRUD — in-use rows are refused and retired, changes audited."""
from app.extensions import db
from app.models import (
    Application,
    ApplicationType,
    AuditRecord,
    Branch,
    Office,
    Status,
    Topic,
    Transition,
)
from app.security.roles import CONSUMER, ORG_ADMIN, STAFF


def _type_with_statuses():
    app_type = ApplicationType(code="tp", name="Заявка на технологическое присоединение")
    db.session.add(app_type)
    db.session.flush()
    draft = Status(application_type_id=app_type.id, code="draft", name="Черновик", is_draft=True, sort_order=0)
    review = Status(application_type_id=app_type.id, code="review", name="На рассмотрении", is_initial=True,
                    sort_order=1)
    refused = Status(application_type_id=app_type.id, code="refused", name="Отказано", is_final=True, sort_order=2)
    db.session.add_all([draft, review, refused])
    db.session.commit()
    return app_type, draft, review, refused


def test_admin_adds_and_edits_a_status_and_it_is_audited(client, login, org_admin):
    app_type, *_ = _type_with_statuses()
    login(org_admin)
    response = client.post("/admin/statuses/add", data={
        "application_type": str(app_type.id), "code": "missing", "name": "Ожидание недостающих сведений",
        "consumer_editable": "y", "document_role": "missing_data", "deadline_working_days": "10",
        "sort_order": "5", "active": "y"})
    assert response.status_code == 302
    status = db.session.execute(db.select(Status).where(Status.code == "missing")).scalar_one()
    assert status.consumer_editable and status.document_role == "missing_data"
    created = db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "dictionary.status.create")
                                 .where(AuditRecord.actor_id == org_admin.id)).scalar_one()
    assert created.actor_id == org_admin.id and created.after["name"] == "Ожидание недостающих сведений"
    assert created.object_id == str(status.id)

    response = client.post(f"/admin/statuses/edit/{status.id}", data={
        "application_type": str(app_type.id), "code": "missing", "name": "Ожидание сведений",
        "consumer_editable": "y", "document_role": "", "deadline_working_days": "15", "sort_order": "5",
        "active": "y"})
    assert response.status_code == 302
    updated = db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "dictionary.status.update")
                                 ).scalar_one()
    assert updated.before == {"name": "Ожидание недостающих сведений", "document_role": "missing_data",
                              "deadline_working_days": 10}
    assert updated.after == {"name": "Ожидание сведений", "document_role": None, "deadline_working_days": 15}


def test_status_in_use_cannot_be_deleted_but_can_be_retired(client, login, org_admin, consumer):
    app_type, draft, review, _refused = _type_with_statuses()
    db.session.add(Application(application_type_id=app_type.id, consumer_id=consumer.consumer.id,
                               status_id=review.id, data={}))
    db.session.commit()
    login(org_admin)
    response = client.post(f"/admin/statuses/delete/{review.id}", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "Запись используется (заявки: 1)" in body
    assert "снимите флажок «Действует»" in body
    db.session.expire_all()
    assert db.session.get(Status, review.id) is not None
    assert db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "dictionary.status.delete")
                              ).first() is None

    client.post(f"/admin/statuses/edit/{review.id}", data={
        "application_type": str(app_type.id), "code": "review", "name": "На рассмотрении", "is_initial": "y",
        "document_role": "", "sort_order": "1"})
    db.session.expire_all()
    assert db.session.get(Status, review.id).active is False


def test_unused_row_is_deleted_and_the_deletion_audited(client, login, org_admin):
    _type_with_statuses()
    topic = Topic(kind="appeal", code="complaint", name="Жалоба")
    db.session.add(topic)
    db.session.commit()
    topic_id = topic.id
    login(org_admin)
    client.post(f"/admin/topics/delete/{topic_id}")
    db.session.expire_all()
    assert db.session.get(Topic, topic_id) is None
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "dictionary.topic.delete")
                                ).scalar_one()
    assert record.before["name"] == "Жалоба" and record.after is None


def test_branch_with_offices_cannot_be_deleted(client, login, org_admin):
    branch = Branch(code="north", name="Северный филиал", reading_day_from=15, reading_day_to=25)
    db.session.add(branch)
    db.session.flush()
    db.session.add(Office(branch_id=branch.id, name="Офис на Ленина", address="ул. Ленина, 1"))
    db.session.commit()
    login(org_admin)
    body = client.post(f"/admin/branches/delete/{branch.id}", follow_redirects=True).get_data(as_text=True)
    assert "офисы: 1" in body
    db.session.expire_all()
    assert db.session.get(Branch, branch.id) is not None


def test_reading_window_must_be_a_day_of_month(client, login, org_admin):
    login(org_admin)
    body = client.post("/admin/branches/add", data={"code": "x", "name": "Филиал", "reading_day_from": "40",
                                                    "sort_order": "0", "active": "y"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Число месяца должно быть от 1 до 31" in body
    assert db.session.execute(db.select(Branch)).first() is None


def test_transition_editor_checks_statuses_and_draws_the_graph(client, login, org_admin):
    app_type, draft, review, refused = _type_with_statuses()
    other, *_rest = (ApplicationType(code="heat", name="Тепло"),)
    db.session.add(other)
    db.session.flush()
    foreign = Status(application_type_id=other.id, code="x", name="Чужой статус")
    db.session.add(foreign)
    db.session.commit()
    login(org_admin)
    form = client.get("/admin/transitions/add").get_data(as_text=True)
    assert "Заявка на технологическое присоединение: На рассмотрении" in form

    bad = client.post("/admin/transitions/add", data={
        "application_type": str(app_type.id), "from_status": str(review.id), "to_status": str(foreign.id),
        "name": "Ошибка", "roles": [STAFF], "sort_order": "0", "active": "y"}, follow_redirects=True)
    assert "Статусы перехода должны относиться к выбранному типу заявки" in bad.get_data(as_text=True)
    assert db.session.execute(db.select(Transition)).first() is None

    for source, target, name, roles in ((draft, review, "Подать заявку", [CONSUMER]),
                                        (review, refused, "Отказать", [STAFF, ORG_ADMIN])):
        response = client.post("/admin/transitions/add", data={
            "application_type": str(app_type.id), "from_status": str(source.id), "to_status": str(target.id),
            "name": name, "roles": roles, "requires_document": "y", "deadline_working_days": "3",
            "sort_order": "0", "active": "y"})
        assert response.status_code == 302
    refuse = db.session.execute(db.select(Transition).where(Transition.name == "Отказать")).scalar_one()
    assert refuse.roles == [STAFF, ORG_ADMIN] and refuse.requires_document

    graph = client.get(f"/admin/graph/{app_type.id}").get_data(as_text=True)
    assert "<svg" in graph and "marker-end" in graph
    for text in ("Черновик", "На рассмотрении", "Отказано", "Подать заявку", "Отказать"):
        assert text in graph
    assert graph.count('marker-end="url(#kb-arrow)"') == 2


def test_graph_escapes_status_names(client, login, org_admin):
    app_type, draft, review, _ = _type_with_statuses()
    draft.name = '<script>alert(1)</script>'
    db.session.commit()
    login(org_admin)
    graph = client.get(f"/admin/graph/{app_type.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in graph and "&lt;script&gt;" in graph


def test_list_fields_are_edited_as_lists(client, login, org_admin):
    app_type, *_ = _type_with_statuses()
    login(org_admin)
    response = client.post("/admin/form-fields/add", data={
        "application_type": str(app_type.id), "code": "voltage", "label": "Уровень напряжения",
        "field_type": "select", "choices": "0,4 кВ\n6 кВ\n10 кВ", "legal_forms": ["legal_entity", "entrepreneur"],
        "required": "y", "sort_order": "1", "active": "y"})
    assert response.status_code == 302
    from app.models import FormField

    field = db.session.execute(db.select(FormField)).scalar_one()
    assert field.choices == ["0,4 кВ", "6 кВ", "10 кВ"]
    assert field.legal_forms == ["legal_entity", "entrepreneur"]
    edit = client.get(f"/admin/form-fields/edit/{field.id}").get_data(as_text=True)
    assert "0,4 кВ\n6 кВ\n10 кВ" in edit
    assert 'name="status"' not in edit


def test_role_change_through_fab_is_audited(client, login, org_admin, staff):
    from app.core.users import find_role

    staff.roles = [find_role(STAFF), find_role(ORG_ADMIN)]
    db.session.commit()
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "user.update")
                                .where(AuditRecord.object_id == str(staff.id))).scalar_one()
    assert record.before == {"roles": [STAFF]}
    assert record.after == {"roles": [ORG_ADMIN, STAFF]}


def test_default_topics_are_seeded_once(ctx):
    from app.models import TopicKind
    from workflows.admin.defaults import STATEMENT_TOPICS, seed_topics

    seed_topics()
    seed_topics()
    db.session.commit()
    statements = db.session.execute(db.select(Topic).where(Topic.kind == TopicKind.STATEMENT)).scalars().all()
    assert len(statements) == 18 == len(STATEMENT_TOPICS)
    assert "Заявление на смену тарифа (зоны суток)" in {t.name for t in statements}
    appeals = {t.name for t in db.session.execute(db.select(Topic).where(Topic.kind == TopicKind.APPEAL)).scalars()}
    assert appeals == {"Консультация", "Жалоба", "Сообщение"}


def test_retire_action_takes_rows_out_of_use(client, login, org_admin):
    from app.models import DocumentType

    docs = [DocumentType(code=f"d{n}", name=f"Документ {n}") for n in range(3)]
    db.session.add_all(docs)
    db.session.commit()
    ids = [d.id for d in docs]
    login(org_admin)
    response = client.post("/admin/document-types/action_post",
                           data={"action": "retire", "rowid": [str(ids[0]), str(ids[1])]})
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(DocumentType, i).active for i in ids] == [False, False, True]
    records = db.session.execute(db.select(AuditRecord).where(
        AuditRecord.action == "dictionary.document_type.update")).scalars().all()
    assert len(records) == 2 and all(r.after == {"active": False} for r in records)


def test_a_refused_edit_changes_nothing(client, login, org_admin):
    """FAB flashes a refusal of pre_update and answers normally; the request boundary then
    commits, so the refused values must not be left in the row."""
    branch = Branch(code="south", name="Южный филиал", reading_day_from=15, reading_day_to=25)
    db.session.add(branch)
    app_type, draft, review, refused = _type_with_statuses()
    transition = Transition(application_type_id=app_type.id, from_status_id=draft.id, to_status_id=review.id,
                            name="Подать заявку", roles=[CONSUMER])
    db.session.add(transition)
    db.session.commit()
    login(org_admin)
    body = client.post(f"/admin/branches/edit/{branch.id}", data={
        "code": "south", "name": "Переименован", "reading_day_from": "40", "sort_order": "0", "active": "y"},
        follow_redirects=True).get_data(as_text=True)
    assert "Число месяца должно быть от 1 до 31" in body
    body = client.post(f"/admin/transitions/edit/{transition.id}", data={
        "application_type": str(app_type.id), "from_status": str(review.id), "to_status": str(review.id),
        "name": "Переименован", "roles": [CONSUMER], "sort_order": "0", "active": "y"},
        follow_redirects=True).get_data(as_text=True)
    assert "не может совпадать" in body
    db.session.expire_all()
    assert (db.session.get(Branch, branch.id).name, db.session.get(Branch, branch.id).reading_day_from) == (
        "Южный филиал", 15)
    kept = db.session.get(Transition, transition.id)
    assert (kept.name, kept.to_status_id) == ("Подать заявку", review.id)
