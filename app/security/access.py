"""The one place that decides who may see and change which object.

Views and FAB actions call these helpers; they never compare owners themselves.
Object routes answer 404 to anyone outside the object's scope, so that the existence of
another consumer's application is not revealed.
"""
from flask import abort
from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    AccountLink,
    Appeal,
    Application,
    Appointment,
    Attachment,
    ConsumerProfile,
    Meter,
    MeterReading,
    Notification,
    OidcIdentity,
    Payment,
    PersonalAccount,
    ReceiptSending,
    Survey,
    SurveyResponse,
)
from app.models.surveys import SurveyStatus, Target
from app.security.roles import ADMIN, ORGANIZATION_ROLES


def is_organization(user) -> bool:
    """Staff, organization admins and FAB admins act for the organization."""
    return bool(user and user.is_authenticated and user.role_names & ORGANIZATION_ROLES)


def current_consumer(user) -> ConsumerProfile | None:
    if user is None or not user.is_authenticated:
        return None
    return user.consumer


def scope_applications(query: Select, user) -> Select:
    """Restrict an Application query to what `user` may see."""
    if is_organization(user):
        return query
    consumer = current_consumer(user)
    if consumer is None:
        return query.where(Application.id.is_(None))
    return query.where(Application.consumer_id == consumer.id)


def can_see_application(user, application: Application) -> bool:
    if is_organization(user):
        return True
    consumer = current_consumer(user)
    return consumer is not None and application.consumer_id == consumer.id


def ensure_can_see_application(user, application: Application | None) -> Application:
    if application is None or not can_see_application(user, application):
        abort(404)
    return application


def ensure_owns_application(user, application: Application | None) -> Application:
    """Consumer-side routes (/my/…): only the consumer who filed it, everyone else 404."""
    consumer = current_consumer(user)
    if application is None or consumer is None or application.consumer_id != consumer.id:
        abort(404)
    return application


def ensure_organization_application(user, application: Application | None) -> Application:
    """Staff-side routes (/staff/…): submitted items, for people acting for the organization."""
    if application is None or not is_organization(user) or application.submitted_at is None:
        abort(404)
    return application


def ensure_attachment_of(application: Application, attachment):
    """An attachment addressed through an application must belong to it (else 404)."""
    if attachment is None or attachment.application_id != application.id:
        abort(404)
    return attachment


# ---- documents (C1–C5) -------------------------------------------------------------

#: the right to sign documents for the organization (documents area ROLE_PERMISSIONS)
SIGN_PERMISSION = ("can_sign", "DocumentSigning")


def can_sign_for_organization(user) -> bool:
    """Staff holding the signing right (FAB's Admin holds every right)."""
    if not is_organization(user):
        return False
    if ADMIN in user.role_names:
        return True
    return any((pv.permission.name, pv.view_menu.name) == SIGN_PERMISSION
               for role in user.roles for pv in role.permissions)


def can_see_application_documents(user, application) -> bool:
    """Statement, bundle and signatures: the consumer who filed it; staff once it is submitted."""
    if application is None:
        return False
    if is_organization(user):
        return application.submitted_at is not None
    consumer = current_consumer(user)
    return consumer is not None and application.consumer_id == consumer.id


def ensure_can_see_application_documents(user, application):
    if not can_see_application_documents(user, application):
        abort(404)
    return application


def can_see_attachment(user, attachment) -> bool:
    """A document of an application the user may see, not deleted for the consumer."""
    if attachment is None or not can_see_application_documents(user, attachment.application):
        return False
    return attachment.deleted_at is None or is_organization(user)


def ensure_can_see_attachment(user, attachment):
    if not can_see_attachment(user, attachment):
        abort(404)
    return attachment


def scope_copy_requests(query: Select, user) -> Select:
    """Copy requests (C4): staff see all, a consumer their own."""
    from app.models import CopyRequest

    if is_organization(user):
        return query
    consumer = current_consumer(user)
    if consumer is None:
        return query.where(CopyRequest.id.is_(None))
    return query.where(CopyRequest.consumer_id == consumer.id)


def ensure_can_see_copy_request(user, copy_request):
    consumer = current_consumer(user)
    if copy_request is None or not (
        is_organization(user) or (consumer is not None and copy_request.consumer_id == consumer.id)
    ):
        abort(404)
    return copy_request


# ---- admin area (F5): whose login an organization admin or staff member may manage ----

def can_manage_staff_account(actor, user) -> bool:
    """Organization admins manage Staff/OrgAdmin logins — never FAB admins, consumers or themselves."""
    from app.security.roles import ADMIN, ORG_ADMIN, STAFF

    return bool(
        actor is not None and actor.is_authenticated and user is not None and user.consumer is None
        and user.id != actor.id and user.role_names & {STAFF, ORG_ADMIN} and ADMIN not in user.role_names
    )


def ensure_consumer_account(user):
    """Consumer search, blocking and accounts opened at the office act on consumer logins only."""
    if user is None or user.consumer is None:
        abort(404)
    return user


def active_link(user, account_id: int) -> AccountLink | None:
    """The signed-in consumer's live link to the account, or None."""
    consumer = current_consumer(user)
    if consumer is None:
        return None
    return db.session.scalar(select(AccountLink).where(
        AccountLink.account_id == account_id, AccountLink.consumer_id == consumer.id,
        AccountLink.unlinked_at.is_(None)))


def ensure_linked_account(user, account_id: int) -> AccountLink:
    """Consumer-side account routes: only a consumer who linked the account (each co-owner
    through their own link); everyone else, staff included, 404."""
    link = active_link(user, account_id)
    if link is None:
        abort(404)
    return link


def ensure_organization_account(user, account: PersonalAccount | None) -> PersonalAccount:
    """Staff-side account routes: any account, for people acting for the organization."""
    if account is None or not is_organization(user):
        abort(404)
    return account


def ensure_linked_meter(user, account_id: int, meter_id: int) -> tuple[AccountLink, Meter]:
    """The consumer's link and a meter of that account (removed meters too); anything else 404."""
    link = ensure_linked_account(user, account_id)
    meter = db.session.get(Meter, meter_id)
    if meter is None or meter.account_id != account_id:
        abort(404)
    return link, meter


def ensure_linked_reading(user, account_id: int, reading_id: int) -> MeterReading:
    """A reading of a meter of an account the consumer linked; anything else 404."""
    ensure_linked_account(user, account_id)
    reading = db.session.get(MeterReading, reading_id)
    if reading is None or reading.meter.account_id != account_id:
        abort(404)
    return reading


def ensure_organization_meter(user, account_id: int, meter_id: int) -> tuple[PersonalAccount, Meter]:
    """Staff-side meter routes: the account and a meter of it (removed ones too); anything else 404."""
    account = ensure_organization_account(user, db.session.get(PersonalAccount, account_id))
    meter = db.session.get(Meter, meter_id)
    if meter is None or meter.account_id != account.id:
        abort(404)
    return account, meter


def ensure_organization_reading(user, account_id: int, reading_id: int) -> tuple[PersonalAccount, MeterReading]:
    """Staff-side reading routes: the account and a reading of a meter of it; anything else 404."""
    account = ensure_organization_account(user, db.session.get(PersonalAccount, account_id))
    reading = db.session.get(MeterReading, reading_id)
    if reading is None or reading.meter.account_id != account.id:
        abort(404)
    return account, reading


def ensure_own_payment(user, payment_id: int):
    """A payment's page (D6): only the consumer who made it; everyone else, staff included, 404."""
    consumer = current_consumer(user)
    payment = db.session.get(Payment, payment_id)
    if consumer is None or payment is None or payment.consumer_id != consumer.id:
        abort(404)
    return payment


def latest_own_payment(user):
    """The signed-in consumer's most recent payment (where a provider sends them back), or None."""
    consumer = current_consumer(user)
    if consumer is None:
        return None
    return db.session.scalar(select(Payment).where(Payment.consumer_id == consumer.id)
                             .order_by(Payment.created_at.desc(), Payment.id.desc()).limit(1))



# ---- surveys (E5) ------------------------------------------------------------------------
# A survey addresses every consumer, the consumers of a branch (a linked personal account of it)
# or those who submitted an application of a type; a consumer sees it while it is published and
# within its period, and for good once they answered it. Everyone else: 404.

def survey_targets(consumer_id: int):
    """SQL: the survey addresses this consumer (whatever its status and period)."""
    in_branch = exists(select(AccountLink.id).join(PersonalAccount, PersonalAccount.id == AccountLink.account_id)
                       .where(AccountLink.consumer_id == consumer_id, AccountLink.unlinked_at.is_(None),
                              PersonalAccount.branch_id == Survey.target_branch_id))
    applied = exists(select(Application.id).where(
        Application.consumer_id == consumer_id, Application.submitted_at.is_not(None),
        Application.application_type_id == Survey.target_application_type_id))
    return or_(Survey.target == Target.ALL, and_(Survey.target == Target.BRANCH, in_branch),
               and_(Survey.target == Target.APPLICATION_TYPE, applied))


def survey_open(on):
    """SQL: published and the day `on` within its period."""
    return and_(Survey.status == SurveyStatus.PUBLISHED, Survey.starts_on <= on, Survey.ends_on >= on)


def survey_visible_to(consumer_id: int, on):
    """SQL: open and addressed to the consumer, or answered by them."""



    response = aliased(SurveyResponse)  # the caller may join SurveyResponse itself
    answered = exists(select(response.id).where(response.survey_id == Survey.id, response.consumer_id == consumer_id))
    return or_(and_(survey_open(on), survey_targets(consumer_id)), answered)


def ensure_consumer_survey(user, survey_id: int, on):
    """«Опросы» routes (/my/surveys/…): (consumer, survey) when the survey is visible to the
    signed-in consumer on the day `on`; everyone else, staff included, 404."""
    consumer = current_consumer(user)
    if consumer is None:
        abort(404)
    survey = db.session.scalar(select(Survey).where(Survey.id == survey_id, survey_visible_to(consumer.id, on)))
    if survey is None:
        abort(404)
    return consumer, survey


def ensure_organization_survey(user, survey_id: int):
    """Admin survey routes: any survey, for people acting for the organization; else 404."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not is_organization(user):
        abort(404)
    return survey


# ---- notifications (E7) ----------------------------------------------------------------------------

def ensure_own_notification(user, notice_id: int):
    """A notice of «Уведомления»: only its addressee; everyone else, staff included, 404."""
    notice = db.session.get(Notification, notice_id)
    if notice is None or getattr(user, "id", None) is None or notice.user_id != user.id:
        abort(404)
    return notice


# ---- appeals (E1) ----------------------------------------------------------------------------------

def ensure_own_appeal(user, appeal_id: int | None = None, *, application_id: int | None = None):
    """«Обращения» (/my/appeals/…), by the appeal's id or its application's: only the consumer who
    wrote it; everyone else, staff included (they answer on /staff/applications/…), 404."""
    consumer = current_consumer(user)
    appeal = db.session.scalar(select(Appeal).where(
        Appeal.id == appeal_id if application_id is None else Appeal.application_id == application_id))
    if appeal is None or consumer is None or appeal.consumer_id != consumer.id:
        abort(404)
    return appeal


def ensure_own_appeal_attachment(user, appeal_id: int, attachment_id: int):
    """A live file of the consumer's own appeal (theirs or the organization's); anything else 404."""
    appeal, attachment = ensure_own_appeal(user, appeal_id), db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != appeal.application_id or attachment.deleted_at:
        abort(404)
    return attachment


# ---- appointments (E4): «Запись на прием», «Заказ обратного звонка» --------------------------

def ensure_consumer(user):
    """Consumer-side pages of one's own things: the signed-in consumer's profile, else 404."""
    consumer = current_consumer(user)
    if consumer is None:
        abort(404)
    return consumer


def ensure_organization_user(user):
    """Staff-side lists: people acting for the organization, else 404."""
    if not is_organization(user):
        abort(404)
    return user


def ensure_own_appointment(user, appointment_id: int):
    """An appointment of the signed-in consumer; anyone else (staff included) 404."""
    consumer = current_consumer(user)
    appointment = db.session.get(Appointment, appointment_id)
    if consumer is None or appointment is None or appointment.consumer_id != consumer.id:
        abort(404)
    return appointment


def ensure_organization_row(user, row):
    """An appointment, a callback request or an office's schedule, for people acting for the
    organization; anyone else (and a missing row) 404."""
    if row is None or not is_organization(user):
        abort(404)
    return row


# ---- documents: «Мои документы» (E3) ----------------------------------------------------------------

def ensure_own_mailed_receipt(user, sending_id: int):
    """A receipt mailed to the signed-in consumer through their own link; everyone else, staff too, 404."""
    consumer, sending = current_consumer(user), db.session.get(ReceiptSending, sending_id)
    link = db.session.get(AccountLink, sending.link_id) if sending is not None and sending.sent else None
    if consumer is None or link is None or link.consumer_id != consumer.id or sending.file_id is None:
        abort(404)
    return sending


# ---- accounts: sign-in through external providers (A9) ------------------------------------------

def ensure_own_oidc_identity(user, identity_id: int):
    """A sign-in through an external provider linked to the signed-in user; anyone else's 404."""
    identity = db.session.get(OidcIdentity, identity_id)
    if identity is None or user is None or not user.is_authenticated or identity.user_id != user.id:
        abort(404)
    return identity
