"""Signature evidence files (C3/C5): JSON sealed with the organization's Ed25519 key.

«Скачать подпись» gives a file of this shape:

    {"format": "kabinet-signature-evidence/1",
     "evidence": "<canonical JSON: document SHA-256, signer, method, times, …>",
     "algorithm": "Ed25519",
     "public_key": "<base64 raw public key>",
     "signature": "<base64 Ed25519 signature of the UTF-8 bytes of `evidence`>"}

Anyone can check it without the portal: verify `signature` over the exact `evidence`
string with the organization's public key (published at /verify-signature/public-key.pem)
and compare the SHA-256 of the document with `evidence.document.sha256`.

The key is generated on first use into the instance directory (or KABINET_SIGNING_KEY);
several instances must share that file.
"""
import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from flask_babel import gettext as _

FORMAT = "kabinet-signature-evidence/1"


def key_path() -> Path:
    configured = current_app.config.get("SIGNING_KEY_FILE") or os.environ.get("KABINET_SIGNING_KEY")
    if configured:
        return Path(configured)
    import config

    return Path(config.INSTANCE_DIR) / "evidence_signing_key.pem"


def _private_key() -> Ed25519PrivateKey:
    path = key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:  # O_EXCL: two processes starting together keep one key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_key_raw() -> bytes:
    return _private_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem() -> bytes:
    return _private_key().public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)


def key_fingerprint() -> str:
    return hashlib.sha256(public_key_raw()).hexdigest()


def canonical(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def seal(payload: dict) -> tuple[str, str]:
    """(canonical JSON, base64 signature) for an evidence payload."""
    text = canonical(payload)
    signature = _private_key().sign(text.encode("utf-8"))
    return text, base64.b64encode(signature).decode()


def evidence_file(evidence_json: str, signature_b64: str) -> bytes:
    """The downloadable evidence file of one signature."""
    body = {
        "format": FORMAT,
        "evidence": evidence_json,
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(public_key_raw()).decode(),
        "signature": signature_b64,
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


@dataclass
class Verification:
    ok: bool
    message: str
    evidence: dict | None = None


def verify(document: bytes, evidence_bytes: bytes) -> Verification:
    """Does this evidence file belong to this document, sealed by this organization?"""
    return verify_digest(hashlib.sha256(document).hexdigest(), evidence_bytes)


def sha256_of_stream(stream, chunk: int = 1024 * 1024) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(chunk), b""):
        digest.update(block)
    return digest.hexdigest()


def verify_digest(document_sha256: str, evidence_bytes: bytes) -> Verification:
    """verify() for a document whose SHA-256 was computed while it streamed in."""
    try:
        body = json.loads(evidence_bytes.decode("utf-8"))
        if body.get("format") != FORMAT or body.get("algorithm") != "Ed25519":
            raise ValueError
        text = body["evidence"]
        signature = base64.b64decode(body["signature"], validate=True)
        public_raw = base64.b64decode(body["public_key"], validate=True)
        payload = json.loads(text)
        expected_sha = payload["document"]["sha256"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return Verification(False, _("Файл подписи повреждён или имеет неизвестный формат"))
    if public_raw != public_key_raw():
        return Verification(False, _("Файл подписи выдан не этой организацией: ключ не совпадает"), payload)
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, text.encode("utf-8"))
    except InvalidSignature:
        return Verification(False, _("Файл подписи изменён: печать организации не сходится"), payload)
    if document_sha256 != expected_sha:
        return Verification(False, _("Документ не совпадает с подписанным: файл изменён или это другой документ"),
                            payload)
    return Verification(True, _("Подпись действительна: документ не изменялся после подписания"), payload)
