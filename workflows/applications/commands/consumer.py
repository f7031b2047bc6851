"""Consumer commands (B2–B6): start an application, save and submit it, delete a draft."""
from dataclasses import dataclass

from app.core.errors import KabinetError, NotFound
from app.extensions import db
from app.models import Application, ApplicationKind, ApplicationType
from app.security.access import current_consumer
from workflows.accounts.profile import missing_profile_fields
from workflows.applications import drafts
from workflows.applications.commands.documents import application_for, stale_as_conflict
from workflows.applications.dictionaries import active_types
from workflows.applications.guards import ProfileIncomplete
from workflows.applications.rules import CONSUMER_SIDE


def profile_complete(consumer) -> bool:
    """«Мои данные» hold every field a submission needs."""
    return not missing_profile_fields(consumer)


def types_for(actor) -> list[ApplicationType]:
    """The types the signed-in consumer may apply for (404 for anyone who is not a consumer);
    statements and appeals are filed from their own pages (an account's «Редактировать», «Обращения»)."""
    consumer = current_consumer(actor)
    if consumer is None:
        raise NotFound()
    return [t for t in active_types(legal_form=consumer.legal_form)
            if t.kind not in (ApplicationKind.STATEMENT, ApplicationKind.APPEAL)]


def start_application(actor, type_code: str, *, new: bool = False) -> tuple[Application, bool]:
    """«Подать заявку»: the consumer's last draft of this type (reopened=True) or a new one within
    the limit; refused while «Мои данные» are incomplete."""
    app_type = next((t for t in types_for(actor) if t.code == type_code), None)
    if app_type is None:
        raise NotFound()
    consumer = current_consumer(actor)
    if not profile_complete(consumer):
        raise ProfileIncomplete(drafts.MSG_PROFILE)
    return drafts.open_draft(consumer, app_type, actor, new=new)


@dataclass
class Saved:
    """What «Сохранить черновик» / «Подать заявку» did."""

    application: Application
    submitted: bool = False
    #: why submitting was refused (the values typed are saved all the same), or None
    refusal: KabinetError | None = None


def save_application(application_id: int, actor, values: dict, *, submit: bool = False) -> Saved:
    """«Сохранить черновик», «Подать заявку», «Отправить повторно»: store the values typed, then
    submit when asked. A refused submission keeps the values and says why (`Saved.refusal`)."""
    application = application_for(CONSUMER_SIDE, application_id, actor)
    with stale_as_conflict():
        drafts.save_data(application, values, actor)
        if not submit:
            return Saved(application)
        try:
            with db.session.begin_nested():
                drafts.submit(application, actor)
        except KabinetError as exc:
            return Saved(application, refusal=exc)
    return Saved(application, submitted=True)


def save_typed_values(application_id: int, actor, values: dict) -> Application:
    """The draft form's valid values sent along with another button («Добавить документ»)."""
    application = application_for(CONSUMER_SIDE, application_id, actor)
    with stale_as_conflict():
        drafts.save_data(application, values, actor)
    return application


def delete_application(application_id: int, actor) -> None:
    """«Удалить» a draft with its documents."""
    application = application_for(CONSUMER_SIDE, application_id, actor)
    drafts.delete_draft(application, actor)
