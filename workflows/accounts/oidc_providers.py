"""The admins' list of OpenID Connect providers (A9): add, change, switch on and off. The
client secret is sealed at rest (app/core/sealing.py) and never shown back: an empty secret
in the form keeps the stored one."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core import audit
from app.core.sealing import seal
from app.extensions import db
from app.models import OidcProvider
from workflows.admin import FieldErrors

MSG_NAME_TAKEN = _l("Провайдер с таким названием уже есть")
MSG_ENDPOINT_REQUIRED = _l("Укажите адрес discovery или этот адрес")
MSG_OPENID_SCOPE = _l("Области доступа должны включать openid")
#: given one by one when there is no discovery address
ENDPOINTS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
PLAIN_FIELDS = ("name", "discovery_url", *ENDPOINTS, "client_id", "scopes", "enabled")


def provider_list() -> list[OidcProvider]:
    return list(db.session.scalars(select(OidcProvider).order_by(OidcProvider.name)))


def _errors(provider: OidcProvider | None, values: dict) -> dict:
    errors = {}
    same_name = select(OidcProvider.id).where(func.lower(OidcProvider.name) == (values["name"] or "").lower())
    if provider is not None:
        same_name = same_name.where(OidcProvider.id != provider.id)
    if db.session.scalar(same_name) is not None:
        errors["name"] = MSG_NAME_TAKEN
    if not values.get("discovery_url"):
        errors.update({name: MSG_ENDPOINT_REQUIRED for name in ENDPOINTS if not values.get(name)})
    if "openid" not in (values.get("scopes") or "").split():
        errors["scopes"] = MSG_OPENID_SCOPE
    return errors


def save_provider(provider: OidcProvider | None, values: dict, actor) -> OidcProvider:
    """A new provider (`provider` None) or the changed one; raises FieldErrors field by field."""
    errors = _errors(provider, values)
    if errors:
        raise FieldErrors(errors)
    created = provider is None
    if created:
        provider = OidcProvider(client_secret="")
        db.session.add(provider)
    for name in PLAIN_FIELDS:
        setattr(provider, name, values.get(name) or (False if name == "enabled" else None))
    if values.get("client_secret"):
        provider.client_secret = seal(values["client_secret"])
    db.session.flush()
    audit.record("oidc.provider_created" if created else "oidc.provider_changed", provider, actor=actor,
                 summary=f"Вход через внешний сервис: {provider.name}")
    return provider
