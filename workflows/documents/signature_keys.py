"""Signature mathematics for every key algorithm the portal accepts — and only those.

RSA (PKCS#1 v1.5 and PSS) and ECDSA through `cryptography`; ГОСТ Р 34.10-2012 (256 and
512 bit) through gostcrypto. Each key algorithm lists the digests that fit it; anything
else — an Ed25519 key, ГОСТ Р 34.10-2001, a ГОСТ digest under an RSA key — is refused
with a message (UnsupportedAlgorithm), never accepted unchecked.
"""
import hashlib

from asn1crypto import core
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from app.core.errors import Invalid

STREEBOG_256 = "1.2.643.7.1.1.2.2"
STREEBOG_512 = "1.2.643.7.1.1.2.3"

#: digest OID → (name shown to people, hashlib name or None for Стрибог)
DIGESTS = {
    "2.16.840.1.101.3.4.2.1": ("SHA-256", "sha256"),
    "2.16.840.1.101.3.4.2.2": ("SHA-384", "sha384"),
    "2.16.840.1.101.3.4.2.3": ("SHA-512", "sha512"),
    "2.16.840.1.101.3.4.2.4": ("SHA-224", "sha224"),
    STREEBOG_256: ("ГОСТ Р 34.11-2012 (256 бит)", None),
    STREEBOG_512: ("ГОСТ Р 34.11-2012 (512 бит)", None),
}
#: SHA-1 is broken for signatures (collisions since 2017): named, but refused
WEAK_DIGESTS = {"1.3.14.3.2.26": "SHA-1", "1.2.840.113549.2.5": "MD5"}

RSA, ECDSA, GOST_256, GOST_512 = "rsa", "ecdsa", "gost256", "gost512"
SHA2 = {"2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.2", "2.16.840.1.101.3.4.2.3", "2.16.840.1.101.3.4.2.4"}

#: key algorithm OID → (kind, name shown to people, digests that fit it)
KEY_ALGORITHMS = {
    "1.2.840.113549.1.1.1": (RSA, "RSA", SHA2),
    "1.2.840.10045.2.1": (ECDSA, "ECDSA", SHA2),
    "1.2.643.7.1.1.1.1": (GOST_256, "ГОСТ Р 34.10-2012 (256 бит)", {STREEBOG_256}),
    "1.2.643.7.1.1.1.2": (GOST_512, "ГОСТ Р 34.10-2012 (512 бит)", {STREEBOG_512}),
}
#: names of key algorithms we recognise but do not accept, for the refusal message
KNOWN_UNSUPPORTED = {
    "1.3.101.112": "Ed25519", "1.3.101.113": "Ed448", "1.2.840.10040.4.1": "DSA",
    "1.2.643.2.2.19": "ГОСТ Р 34.10-2001", "1.2.840.113549.1.1.10": "RSASSA-PSS (ключ)",
}

#: signature algorithm OID → (key kind it belongs to, digest OID it implies or None = any fitting)
SIGNATURE_ALGORITHMS = {
    "1.2.840.113549.1.1.1": (RSA, None),
    "1.2.840.113549.1.1.11": (RSA, "2.16.840.1.101.3.4.2.1"),
    "1.2.840.113549.1.1.12": (RSA, "2.16.840.1.101.3.4.2.2"),
    "1.2.840.113549.1.1.13": (RSA, "2.16.840.1.101.3.4.2.3"),
    "1.2.840.113549.1.1.14": (RSA, "2.16.840.1.101.3.4.2.4"),
    "1.2.840.113549.1.1.10": (RSA, "pss"),
    "1.2.840.10045.2.1": (ECDSA, None),
    "1.2.840.10045.4.3.1": (ECDSA, "2.16.840.1.101.3.4.2.4"),
    "1.2.840.10045.4.3.2": (ECDSA, "2.16.840.1.101.3.4.2.1"),
    "1.2.840.10045.4.3.3": (ECDSA, "2.16.840.1.101.3.4.2.2"),
    "1.2.840.10045.4.3.4": (ECDSA, "2.16.840.1.101.3.4.2.3"),
    "1.2.643.7.1.1.1.1": (GOST_256, None),
    "1.2.643.7.1.1.3.2": (GOST_256, STREEBOG_256),
    "1.2.643.7.1.1.1.2": (GOST_512, None),
    "1.2.643.7.1.1.3.3": (GOST_512, STREEBOG_512),
}

#: ГОСТ curve parameter set OID → gostcrypto's curve name (CryptoPro A/B/C = ТК26 256 B/C/D)
GOST_CURVES = {
    "1.2.643.2.2.35.1": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.2.2.35.2": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.2.2.35.3": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.2.2.36.0": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.2.2.36.1": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.7.1.2.1.1.1": "id-tc26-gost-3410-2012-256-paramSetA",
    "1.2.643.7.1.2.1.1.2": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.7.1.2.1.1.3": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.7.1.2.1.1.4": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.7.1.2.1.2.1": "id-tc26-gost-3410-12-512-paramSetA",
    "1.2.643.7.1.2.1.2.2": "id-tc26-gost-3410-12-512-paramSetB",
    "1.2.643.7.1.2.1.2.3": "id-tc26-gost-3410-2012-512-paramSetC",
}


class UnsupportedAlgorithm(Invalid):
    """The portal cannot check this combination; `message` says which, in words."""


def key_kind(key_algorithm: str) -> tuple[str, str, set]:
    from flask_babel import gettext as _

    if key_algorithm in KEY_ALGORITHMS:
        return KEY_ALGORITHMS[key_algorithm]
    name = KNOWN_UNSUPPORTED.get(key_algorithm, key_algorithm)
    raise UnsupportedAlgorithm(_("Алгоритм ключа сертификата не поддерживается: %(name)s. Подпись не может "
                                 "быть проверена и не принимается.", name=name))


def digest_name(digest_oid: str) -> str:
    return DIGESTS.get(digest_oid, (WEAK_DIGESTS.get(digest_oid, digest_oid),))[0]


def compute_digest(digest_oid: str, data: bytes) -> bytes:
    """The document's digest by the signature's algorithm; UnsupportedAlgorithm for others."""
    from flask_babel import gettext as _

    if digest_oid not in DIGESTS:
        raise UnsupportedAlgorithm(_("Алгоритм хэширования подписи не поддерживается: %(name)s",
                                     name=digest_name(digest_oid)))
    hashlib_name = DIGESTS[digest_oid][1]
    if hashlib_name:
        return hashlib.new(hashlib_name, data).digest()
    import gostcrypto

    name = "streebog256" if digest_oid == STREEBOG_256 else "streebog512"
    return bytes(gostcrypto.gosthash.new(name, data=data).digest())


def check_fit(key_algorithm: str, signature_algorithm: str, digest_oid: str) -> str:
    """Refuse a digest or signature algorithm that does not belong to the key; the key kind."""
    from flask_babel import gettext as _

    kind, key_name, digests = key_kind(key_algorithm)
    if digest_oid not in digests:
        raise UnsupportedAlgorithm(_("Алгоритм хэширования %(digest)s не подходит к ключу %(key)s",
                                     digest=digest_name(digest_oid), key=key_name))
    sig_kind, implied = SIGNATURE_ALGORITHMS.get(signature_algorithm, (None, None))
    if sig_kind != kind or implied not in (None, "pss", digest_oid):
        raise UnsupportedAlgorithm(_("Алгоритм подписи %(algorithm)s не подходит к ключу %(key)s",
                                     algorithm=signature_algorithm, key=key_name))
    return kind


def verify(key_algorithm: str, key_parameters: bytes | None, public_key: bytes, spki_der: bytes,
           signature_algorithm: str, signature_parameters: bytes | None, digest_oid: str,
           signed: bytes, signature: bytes) -> bool:
    """True if `signature` over `signed` is valid under the key; False if it is not.

    Raises UnsupportedAlgorithm where the answer cannot be computed — never a silent yes.
    """
    kind = check_fit(key_algorithm, signature_algorithm, digest_oid)
    if kind in (GOST_256, GOST_512):
        return _verify_gost(kind, key_parameters, public_key, compute_digest(digest_oid, signed), signature)
    key = serialization.load_der_public_key(spki_der)
    hash_algorithm = getattr(hashes, DIGESTS[digest_oid][1].upper())()
    try:
        if kind == RSA and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, _rsa_padding(signature_algorithm, signature_parameters, digest_oid),
                       hash_algorithm)
        elif kind == ECDSA and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed, ec.ECDSA(hash_algorithm))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _rsa_padding(signature_algorithm: str, parameters: bytes | None, digest_oid: str):
    from flask_babel import gettext as _

    if SIGNATURE_ALGORITHMS[signature_algorithm][1] != "pss":
        return padding.PKCS1v15()
    from asn1crypto import algos

    params = algos.RSASSAPSSParams.load(parameters) if parameters else algos.RSASSAPSSParams()
    hash_oid = params["hash_algorithm"]["algorithm"].dotted
    mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].dotted
    if hash_oid != digest_oid or mgf_hash != digest_oid:
        raise UnsupportedAlgorithm(_("Параметры подписи RSASSA-PSS не совпадают с алгоритмом хэширования"))
    mgf_hash_cls = getattr(hashes, DIGESTS[digest_oid][1].upper())
    return padding.PSS(mgf=padding.MGF1(mgf_hash_cls()), salt_length=params["salt_length"].native)


class GostKeyParameters(core.Sequence):
    _fields = [("public_key_param_set", core.ObjectIdentifier),
               ("digest_param_set", core.ObjectIdentifier, {"optional": True}),
               ("encryption_param_set", core.ObjectIdentifier, {"optional": True})]


def _verify_gost(kind: str, key_parameters: bytes | None, public_key: bytes, digest: bytes, signature: bytes) -> bool:
    """ГОСТ Р 34.10-2012 as CMS and X.509 carry it (RFC 4491, RFC 9215): the key is an
    OCTET STRING of little-endian X‖Y, the signature big-endian s‖r, and the digest is read
    as a little-endian number."""
    from flask_babel import gettext as _
    from gostcrypto.gostsignature import gost_34_10_2012 as gost

    size = 32 if kind == GOST_256 else 64
    try:
        param_set = GostKeyParameters.load(key_parameters)["public_key_param_set"].dotted
        point = core.OctetString.load(public_key).native
    except Exception:
        raise UnsupportedAlgorithm(_("Параметры ключа ГОСТ в сертификате не распознаны"))
    curve = GOST_CURVES.get(param_set)
    if curve is None or len(point) != 2 * size:
        raise UnsupportedAlgorithm(_("Набор параметров ключа ГОСТ не поддерживается: %(name)s", name=param_set))
    if len(signature) != 2 * size:
        return False
    mode = gost.MODE_256 if size == 32 else gost.MODE_512
    verifier = gost.new(mode, gost.CURVES_R_1323565_1_024_2019[curve])
    key = point[:size][::-1] + point[size:][::-1]
    try:
        return bool(verifier.verify(bytearray(key), bytearray(digest[::-1]),
                                    bytearray(signature[size:] + signature[:size])))
    except Exception:  # gostcrypto raises on values off the curve: not a valid signature
        return False
