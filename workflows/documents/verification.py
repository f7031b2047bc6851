"""«Проверить подпись» (C5): does a signature file belong to a document, and who signed when.

Anyone may ask. The signature file is either the portal's evidence file («Скачать подпись»)
or a detached CMS signature (.sig/.p7s) made with the signer's own tools.
"""
from flask_babel import gettext as _

from app.core.errors import Invalid
from app.core.files import max_file_bytes
from workflows.documents import cms, evidence
from workflows.documents.bounded import TooLarge, read_at_most, sha256_at_most

#: a detached signature or an evidence file is a few kilobytes; nothing real comes near this
SIGNATURE_FILE_BYTES = 1024 * 1024


class UploadTooLarge(Invalid):
    """One of the two files is over its cap; `field` is the form field it was sent in."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def verify_upload(document_stream, signature_stream) -> tuple[evidence.Verification, list | None]:
    """Check the signature file against the document: the verdict and, for CMS, the signers.

    Both files are read in chunks and refused past their caps: the signature file at 1 MB,
    the document at the portal's upload limit (hashed as it streams when only its hash is needed).
    """
    try:
        signature_file = read_at_most(signature_stream, SIGNATURE_FILE_BYTES)
    except TooLarge as exc:
        raise UploadTooLarge("evidence", _("Файл подписи слишком большой: не более %(mb)s МБ",
                                           mb=exc.megabytes)) from None
    try:
        if signature_file.lstrip()[:1] == b"{":
            digest = sha256_at_most(document_stream, max_file_bytes())
            return evidence.verify_digest(digest, signature_file), None
        # a detached CMS signature (.sig/.p7s): its digest algorithm decides how to hash the document
        return _verify_cms(read_at_most(document_stream, max_file_bytes()), signature_file)
    except TooLarge as exc:
        raise UploadTooLarge("document", _("Документ слишком большой: не более %(mb)s МБ",
                                           mb=exc.megabytes)) from None


def _verify_cms(document: bytes, signature_file: bytes):
    try:
        signers = cms.check_detached(signature_file, document)
    except cms.SignatureRejected as exc:
        return evidence.Verification(False, exc.message), None
    return evidence.Verification(True, _("Электронная подпись CMS соответствует документу")), signers
