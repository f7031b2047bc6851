"""Whose signature is it? The certificate's identifiers against the signing party's own.

A qualified certificate names its owner by СНИЛС, ИНН, ОГРН, ОГРНИП, ИНН ЮЛ in the
subject. The consumer (ИП: ОГРНИП and ИНН; ЮЛ: ОГРН and ИНН) or the organization (its
ОГРН and ИНН from the settings) must be the one named. A certificate naming someone else,
or no one we can compare, is refused with a message naming both — unless an admin allows
a representative's certificate (an employee with a power of attorney), which is then
recorded and shown as a representative's signature.
"""
from flask_babel import gettext as _

from app.core.errors import Invalid
from app.models import LegalForm
from app.core.settings import get_setting

#: what each party is expected to be named by in a certificate, per legal form
CONSUMER_IDENTIFIERS = {
    LegalForm.INDIVIDUAL: (("СНИЛС", "snils"), ("ИНН", "inn")),
    LegalForm.ENTREPRENEUR: (("ОГРНИП", "ogrnip"), ("ИНН", "inn")),
    LegalForm.LEGAL_ENTITY: (("ОГРН", "ogrn"), ("ИНН ЮЛ", "inn")),
}


class IdentityMismatch(Invalid):
    """The certificate names someone other than the signing party."""


def expected_for_consumer(consumer) -> dict[str, str]:
    return {label: getattr(consumer, attr) for label, attr in CONSUMER_IDENTIFIERS[consumer.form]
            if getattr(consumer, attr)}


def expected_for_organization() -> dict[str, str]:
    found = {"ОГРН": get_setting("org_ogrn") or "", "ИНН ЮЛ": get_setting("org_inn") or ""}
    return {label: "".join(ch for ch in value if ch.isdigit()) for label, value in found.items() if value}


def _describe(identifiers: dict[str, str]) -> str:
    return ", ".join(f"{label} {value}" for label, value in identifiers.items()) or _("нет идентификаторов")


def check(certificate_ids: dict[str, str], expected: dict[str, str], *, party: str) -> bool:
    """True if the certificate is the party's own, False if it is an allowed representative's.

    Raises IdentityMismatch when it is someone else's and representatives are not allowed.
    """
    shared = [label for label in expected if label in certificate_ids]
    matches = shared and all(certificate_ids[label] == expected[label] for label in shared)
    if matches:
        return False
    if get_setting("signature_allow_representative"):
        return True
    if not expected:
        raise IdentityMismatch(_("Нельзя сверить сертификат с данными %(party)s: в них нет ОГРН/ИНН. "
                                 "Сертификат: %(cert)s", party=party, cert=_describe(certificate_ids)))
    raise IdentityMismatch(_("Сертификат выдан другому лицу: в сертификате — %(cert)s; у %(party)s — %(own)s",
                             cert=_describe(certificate_ids), party=party, own=_describe(expected)))
