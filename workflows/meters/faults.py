"""«Уведомить о неисправности» (D8, seed 004 §2.9): the consumer files a statement about a meter of
a linked account, with an optional photo; staff answer it in their queue through the applications
workflow. The meter is marked while its statement is in no final status; one open report per meter.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.errors import NotFound
from app.core.files import UploadRejected, extension_of
from app.core.formatting import format_date
from app.extensions import db
from app.models import Application, ApplicationKind, ApplicationType, Meter, MeterFault, PersonalAccount, Status
from app.security.access import ensure_linked_meter
from workflows.accounts.profile import missing_profile_fields
from workflows.applications.defaults import BY_CONSUMER, BY_STAFF, _seed_type
from workflows.applications.drafts import MSG_PROFILE
from workflows.applications.guards import ProfileIncomplete
from workflows.applications.rules import CONSUMER_SIDE
from workflows.applications.service import (
    ApplicationError,
    add_attachment,
    assign_number,
    open_draft,
    save_data,
    submit,
)
from workflows.documents.templates import seed_default_templates

TYPE_CODE = "meter_fault"
TYPE_NAME = "Заявление о неисправности прибора учета"
#: seed 004 §2.11: what the consumer sees once a statement is sent
MSG_ACCEPTED = "Ваше обращение принято в работу."
MSG_REQUIRED = "Поле обязательно для заполнения"
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png")
PHOTO_TITLE = "Фотография прибора учета"

STATUSES = [
    ("draft", "Черновик", dict(is_draft=True)),
    ("accepted", "Принято в работу", dict(is_initial=True, deadline_working_days=5)),
    ("in_review", "На рассмотрении", dict(deadline_working_days=10)),
    ("done", "Рассмотрено", dict(is_final=True)),
    ("refused", "Отказано", dict(is_final=True)),
]
TRANSITIONS = [
    ("draft", "accepted", "Отправить заявление", BY_CONSUMER, {}),
    ("accepted", "in_review", "Взять на рассмотрение", BY_STAFF, {}),
    ("accepted", "done", "Рассмотрено", BY_STAFF, {}),
    ("accepted", "refused", "Отказать", BY_STAFF, dict(requires_comment=True)),
    ("in_review", "done", "Рассмотрено", BY_STAFF, {}),
    ("in_review", "refused", "Отказать", BY_STAFF, dict(requires_comment=True)),
]
FIELDS = [
    dict(code="branch", label="Филиал", field_type="string"),
    dict(code="account_number", label="Лицевой счет", field_type="string"),
    dict(code="address", label="Адрес объекта", field_type="string", is_object_address=True),
    dict(code="service", label="Услуга", field_type="string"),
    dict(code="meter", label="Прибор учета", field_type="string"),
    dict(code="description", label="Описание неисправности", field_type="text", required=True),
]
TYPE_SPEC = dict(code=TYPE_CODE, name=TYPE_NAME, kind=ApplicationKind.STATEMENT, number_pattern="ПУ-{year}-{seq:05d}",
                 sort_order=110, description="Уведомление потребителя о неисправности прибора учета",
                 fields=FIELDS, statuses=STATUSES, transitions=TRANSITIONS, requirements=[])


def seed_meter_fault_type() -> None:
    """The statement type with its fields, statuses and transitions, and the built-in statement
    template like every type's (idempotent; admins may edit them)."""
    _seed_type(TYPE_SPEC, {})
    seed_default_templates()


class FaultRefused(ApplicationError):
    """The report is refused; `field_errors` name the fields, or the message concerns the form."""

    category = "warning"


@dataclass(frozen=True)
class FaultForm:
    """What «Уведомить о неисправности» shows before the form."""

    account: PersonalAccount
    meter: Meter
    #: when the report still open was sent (None: a report may be sent)
    open_since: datetime | None
    #: labels of «Мои данные» still empty (a statement needs them)
    missing_profile: list[str]


def open_faults(meter_ids: list[int]) -> dict[int, datetime]:
    """Meter id → when its report still open was sent; one indexed query for all meters."""
    if not meter_ids:
        return {}
    rows = db.session.execute(
        select(MeterFault.meter_id, MeterFault.reported_at)
        .join(Application, Application.id == MeterFault.application_id)
        .join(Status, Status.id == Application.status_id)
        .where(MeterFault.meter_id.in_(meter_ids), Status.is_final.is_(False))
        .order_by(MeterFault.reported_at))
    return {meter_id: reported_at for meter_id, reported_at in rows}


def describe(meter: Meter) -> str:
    """«№ 01234567, Меркурий 201.5, Лестничная площадка»."""
    return ", ".join(part for part in (f"№ {meter.serial}", meter.model, meter.location) if part)


def fault_form(actor, account_id: int, meter_id: int) -> FaultForm:
    """«Уведомить о неисправности» for a meter of a linked account."""
    link, meter = ensure_linked_meter(actor, account_id, meter_id)
    return FaultForm(link.account, meter, open_faults([meter.id]).get(meter.id),
                     missing_profile_fields(link.consumer))


def fault_type() -> ApplicationType:
    app_type = db.session.scalar(select(ApplicationType).where(ApplicationType.code == TYPE_CODE,
                                                               ApplicationType.active.is_(True)))
    if app_type is None:
        raise NotFound(_("Прием уведомлений о неисправности временно не ведется"))
    return app_type


def _check(meter: Meter, description: str, photo) -> None:
    """Every refusal at once, under its field; nothing is filed while one remains."""
    errors = {}
    if meter.removed_on is not None:
        raise FaultRefused(_("Прибор учета снят: уведомление о неисправности по нему не направляется"))
    if not (description or "").strip():
        errors["description"] = _(MSG_REQUIRED)
    elif len(description) > 2000:
        errors["description"] = _("Не более 2000 символов")
    if photo is not None and extension_of(getattr(photo, "filename", "") or "") not in PHOTO_EXTENSIONS:
        errors["photo"] = _("Приложите фотографию в формате JPEG или PNG")
    if errors:
        raise FaultRefused(_("Проверьте правильность заполнения полей"), errors)
    since = open_faults([meter.id]).get(meter.id)
    if since is not None:
        raise FaultRefused(_("По этому прибору учета уже направлено уведомление о неисправности %(day)s; "
                             "дождитесь ответа", day=format_date(since)))


def file_fault(actor, account_id: int, meter_id: int, description: str, photo=None) -> Application:
    """«Отправить»: a statement about the meter (with its photo), submitted and numbered, in the
    staff queue, and the meter marked until staff finish it."""
    link, meter = ensure_linked_meter(actor, account_id, meter_id)
    db.session.scalar(select(Meter.id).where(Meter.id == meter.id).with_for_update())  # one report at a time
    _check(meter, description, photo)
    account = link.account
    application, _reopened = open_draft(link.consumer, fault_type(), actor, new=True)
    save_data(application, {"branch": account.branch.name, "account_number": account.number,
                            "address": account.address, "service": meter.service.name, "meter": describe(meter),
                            "description": description.strip()}, actor)
    if missing_profile_fields(link.consumer):  # refused before a photo is written to disk
        raise ProfileIncomplete(_(MSG_PROFILE))
    if photo is not None:
        try:
            add_attachment(application, photo, actor, side=CONSUMER_SIDE, title=_(PHOTO_TITLE), notify=False)
        except UploadRejected as exc:
            raise FaultRefused(exc.message, {"photo": exc.message}) from exc
    submit(application, actor)
    assign_number(application, None, actor)
    db.session.add(MeterFault(meter_id=meter.id, application_id=application.id, reported_by_id=actor.id))
    db.session.flush()
    return application
