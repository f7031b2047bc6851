"""The one place that decides who may see and change which object.

Views and FAB actions call these helpers; they never compare owners themselves.
Object routes answer 404 to anyone outside the object's scope, so that the existence of
another consumer's application is not revealed.
"""
from flask import abort
from sqlalchemy import Select, select

from app.extensions import db
from app.models import AccountLink, Application, ConsumerProfile, Meter, MeterReading, Payment, PersonalAccount
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

