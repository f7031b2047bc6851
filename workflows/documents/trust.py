"""Certificate chains checked against the trusted CA certificates admins upload.

With an empty store the chain is not checked, and the panel says so plainly. With a store,
the chain is built from the signer's certificate through the certificates in the CMS file
and the store up to a stored one; each link's signature, validity at the signing moment
and CA flag are checked. Revocation (CRL/OCSP) is not checked: the portal has no network
access to the CAs' lists by design; README says so.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models.documents import TrustedCertificate
from workflows.documents import signature_keys
from workflows.documents.certificates import Certificate, parse_certificate

MAX_DEPTH = 8

#: Chain.status values
TRUSTED, UNTRUSTED, NOT_CHECKED = "trusted", "untrusted", "not_checked"


@dataclass
class Chain:
    status: str
    #: what the panel says: «Сертификат выдан доверенным УЦ: …» or why not
    message: str
    #: subjects from the signer up to the trust anchor
    path: list[str]

    def as_dict(self) -> dict:
        return {"status": self.status, "message": self.message, "path": self.path}


def trust_store() -> list[Certificate]:
    rows = db.session.scalars(select(TrustedCertificate.der).where(TrustedCertificate.active.is_(True))).all()
    return [parse_certificate(der) for der in rows]


def _signed_by(child: Certificate, issuer: Certificate) -> bool:
    """The issuer's key verifies the child's signature; False also where it cannot be computed."""
    kind = signature_keys.SIGNATURE_ALGORITHMS.get(child.signature_algorithm)
    if kind is None:
        return False
    digest = kind[1] if kind[1] not in (None, "pss") else _pss_digest(child)
    try:
        return signature_keys.verify(issuer.key_algorithm, issuer.key_parameters, issuer.public_key,
                                     issuer.spki_der, child.signature_algorithm, child.signature_parameters,
                                     digest, child.tbs_der, child.signature)
    except (signature_keys.UnsupportedAlgorithm, ValueError):
        return False


def _pss_digest(child: Certificate) -> str | None:
    if not child.signature_parameters:
        return None
    from asn1crypto import algos

    return algos.RSASSAPSSParams.load(child.signature_parameters)["hash_algorithm"]["algorithm"].dotted


def _issuer_candidates(cert: Certificate, pool: list[Certificate]) -> list[Certificate]:
    found = []
    for candidate in pool:
        if candidate.subject != cert.issuer or candidate.fingerprint == cert.fingerprint:
            continue
        if cert.authority_key_id and candidate.subject_key_id and cert.authority_key_id != candidate.subject_key_id:
            continue
        found.append(candidate)
    return found


def check_chain(signer: Certificate, embedded: list[Certificate], moment: datetime,
                store: list[Certificate] | None = None) -> Chain:
    """Build and check the signer's chain up to a trusted certificate."""
    store = trust_store() if store is None else store
    if not store:
        return Chain(NOT_CHECKED, _("Цепочка сертификатов не проверялась: администратор портала не загрузил "
                                    "сертификаты доверенных УЦ"), [signer.subject_text])
    anchors = {c.fingerprint for c in store}
    pool = store + embedded
    current, path = signer, [signer.subject_text]
    for _depth in range(MAX_DEPTH):
        if current.fingerprint in anchors:
            return Chain(TRUSTED, _("Сертификат выдан доверенным УЦ: %(name)s", name=current.subject_text), path)
        candidates = _issuer_candidates(current, pool)
        if not candidates:
            return Chain(UNTRUSTED, _("Сертификат не выдан доверенным УЦ: не найден сертификат издателя «%(name)s»",
                                      name=current.issuer_text), path)
        issuer = next((c for c in candidates if _signed_by(current, c)), None)
        if issuer is None:
            return Chain(UNTRUSTED, _("Сертификат не выдан доверенным УЦ: подпись сертификата «%(name)s» "
                                      "издателем не подтверждается", name=current.subject_text), path)
        if not issuer.valid_at(moment):
            return Chain(UNTRUSTED, _("Сертификат УЦ «%(name)s» не действовал в момент подписания",
                                      name=issuer.subject_text), path)
        if issuer.fingerprint not in anchors and issuer.is_ca is not True:
            return Chain(UNTRUSTED, _("Сертификат «%(name)s» не является сертификатом УЦ",
                                      name=issuer.subject_text), path)
        path.append(issuer.subject_text)
        if issuer.fingerprint in anchors:
            return Chain(TRUSTED, _("Сертификат выдан доверенным УЦ: %(name)s", name=issuer.subject_text), path)
        current = issuer
    return Chain(UNTRUSTED, _("Сертификат не выдан доверенным УЦ: цепочка сертификатов слишком длинная"), path)
