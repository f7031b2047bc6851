"""Signing in through an external OpenID Connect provider (A9): the authorization code flow
with PKCE, `state` and `nonce` checked, the id_token's signature checked against the
provider's JWKS; then the identity's link to a portal account.

An unknown identity is never linked by its email: the user proves the portal account first
(with its password or a one-time code on the linking page). The redirect address is built from
the configured public address (app/core/urls.py), never from the request's Host.
"""
import hmac
import time

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import audit
from app.core.errors import Invalid, NotFound
from app.core.sealing import unseal
from app.core.urls import absolute_url
from app.extensions import db
from app.models import KabinetUser, OidcIdentity, OidcProvider
from app.models.base import utcnow
from workflows.accounts import login as login_flow

MSG_FAILED = _l("Не удалось войти через внешний сервис. Повторите попытку.")
MSG_ALREADY_LINKED = _l("К этой учетной записи уже привязан другой вход через этот сервис.")
MSG_TAKEN = _l("Этот вход через внешний сервис уже привязан к другой учетной записи.")
#: seconds a started sign-in may take at the provider
FLOW_SECONDS = 600
#: seconds to wait for the provider
TIMEOUT = 10
#: only asymmetric signatures: a client secret must not sign tokens we trust
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]


class OidcRefused(Invalid):
    default_message = MSG_FAILED


def enabled_providers() -> list[OidcProvider]:
    """The providers the login page offers."""
    return list(db.session.scalars(select(OidcProvider).where(OidcProvider.enabled).order_by(OidcProvider.name)))


def enabled_provider(provider_id) -> OidcProvider:
    """An enabled provider, else 404 (a disabled one is as good as absent)."""
    provider = db.session.get(OidcProvider, provider_id) if isinstance(provider_id, int) else None
    if provider is None or not provider.enabled:
        raise NotFound()
    return provider


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcRefused() from exc


def provider_metadata(provider: OidcProvider) -> dict:
    """The provider's endpoints: from its discovery document, or as the admin entered them."""
    if provider.discovery_url:
        return _get_json(provider.discovery_url)
    return {"issuer": provider.issuer, "authorization_endpoint": provider.authorization_endpoint,
            "token_endpoint": provider.token_endpoint, "jwks_uri": provider.jwks_uri}


def redirect_uri() -> str:
    return absolute_url("OidcSignInView.callback")


def _client(provider: OidcProvider) -> OAuth2Session:
    return OAuth2Session(provider.client_id, unseal(provider.client_secret or "") or None, scope=provider.scopes,
                         redirect_uri=redirect_uri(), code_challenge_method="S256")


def start(provider: OidcProvider) -> tuple[str, dict]:
    """(the provider's authorization address, the flow to keep in the session until the callback)."""
    metadata = provider_metadata(provider)
    flow = {"provider": provider.id, "state": generate_token(32), "nonce": generate_token(32),
            "verifier": generate_token(64), "at": int(time.time())}
    url, _state = _client(provider).create_authorization_url(
        metadata["authorization_endpoint"], state=flow["state"], nonce=flow["nonce"], code_verifier=flow["verifier"])
    return url, flow


def _same(given, expected) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


def _verified_claims(id_token: str, provider: OidcProvider, metadata: dict, nonce: str) -> dict:
    """The id_token's claims, if the provider signed it for us, for this sign-in, and it is current."""
    if not id_token or not metadata.get("issuer") or not metadata.get("jwks_uri"):
        raise OidcRefused()
    options = {"iss": {"essential": True, "value": metadata["issuer"]},
               "aud": {"essential": True, "value": provider.client_id},
               "sub": {"essential": True}, "exp": {"essential": True}}
    try:
        keys = JsonWebKey.import_key_set(_get_json(metadata["jwks_uri"]))
        claims = JsonWebToken(ID_TOKEN_ALGORITHMS).decode(id_token, keys, claims_options=options)
        claims.validate(leeway=30)
    except (JoseError, ValueError, KeyError) as exc:
        raise OidcRefused() from exc
    if not _same(claims.get("nonce"), nonce):
        raise OidcRefused()
    return dict(claims)


def finish(flow: dict | None, args: dict) -> tuple[OidcProvider, str]:
    """(provider, subject) the provider vouches for, after the redirect back; raises OidcRefused
    for another sign-in's state, an old flow, a refusal at the provider or a bad id_token."""
    if not flow or not _same(args.get("state"), flow.get("state")) or args.get("error") or not args.get("code"):
        raise OidcRefused()
    if time.time() - flow.get("at", 0) > FLOW_SECONDS:
        raise OidcRefused()
    provider = enabled_provider(flow.get("provider"))
    metadata = provider_metadata(provider)
    try:
        token = _client(provider).fetch_token(metadata["token_endpoint"], code=args["code"],
                                              code_verifier=flow["verifier"], timeout=TIMEOUT)
    except (OAuthError, requests.RequestException, ValueError, KeyError) as exc:
        raise OidcRefused() from exc
    claims = _verified_claims(token.get("id_token"), provider, metadata, flow["nonce"])
    return provider, str(claims["sub"])


def linked_user(provider: OidcProvider, subject: str) -> KabinetUser | None:
    """The active account the identity is linked to (its last sign-in noted), or None."""
    identity = db.session.scalar(select(OidcIdentity).where(OidcIdentity.provider_id == provider.id,
                                                            OidcIdentity.subject == subject))
    if identity is None:
        return None
    user = db.session.get(KabinetUser, identity.user_id)
    if user is None or not user.is_active:
        raise OidcRefused()
    identity.last_login_at = utcnow()
    audit.record("account.oidc_login", user, actor=user, summary=f"Вход через {provider.name}")
    return user


def _link(provider: OidcProvider, subject: str, user: KabinetUser) -> KabinetUser:
    """Link the identity to the account just proven (one identity per provider and account)."""
    taken = db.session.scalar(select(OidcIdentity).where(OidcIdentity.provider_id == provider.id,
                                                         OidcIdentity.subject == subject))
    if taken is not None:
        raise OidcRefused(MSG_TAKEN)
    if db.session.scalar(select(OidcIdentity).where(OidcIdentity.provider_id == provider.id,
                                                    OidcIdentity.user_id == user.id)) is not None:
        raise OidcRefused(MSG_ALREADY_LINKED)
    db.session.add(OidcIdentity(provider_id=provider.id, subject=subject, user_id=user.id, last_login_at=utcnow()))
    audit.record("account.oidc_linked", user, actor=user, summary=f"Привязан вход через {provider.name}")
    db.session.flush()
    return user


def link_after_proof(provider_id: int, subject: str, login: str, password: str):
    """(user, None) once the login and password prove the account and the identity is linked to it;
    (None, message) for a wrong login or password — the failed-login counters stay."""
    provider = enabled_provider(provider_id)
    user, error = login_flow.authenticate(login, password)
    if user is None:
        return None, error
    return _link(provider, subject, user), None


def link_after_code(provider_id: int, subject: str, destination: str, code: str) -> KabinetUser:
    """The account a right login code (sent by workflows.accounts.login.send_login_code) proves,
    with the identity linked to it; raises CodeError for a wrong or old code."""
    provider = enabled_provider(provider_id)
    return _link(provider, subject, login_flow.login_by_code(destination, code))


def identities_of(user) -> list[OidcIdentity]:
    return list(db.session.scalars(select(OidcIdentity).where(OidcIdentity.user_id == user.id)
                                   .order_by(OidcIdentity.linked_at)))


def unlink(user, identity: OidcIdentity) -> None:
    """«Отвязать»: the identity no longer signs `user` in (access checked by the caller)."""
    audit.record("account.oidc_unlinked", user, actor=user, summary=f"Отвязан вход через {identity.provider.name}")
    db.session.delete(identity)
    db.session.flush()
