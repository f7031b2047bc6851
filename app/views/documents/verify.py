"""«Проверить подпись» (C5), public: does this signature file belong to this document, and
who signed when. The check itself is workflows/documents/verification.py."""
from datetime import datetime

from flask import Response, current_app
from flask_appbuilder import BaseView, expose

from app.core.formatting import format_datetime
from app.extensions import limiter
from app.views.documents.common import attachment_headers
from forms.documents import VerifyForm
from workflows.documents import evidence, signing
from workflows.documents.verification import UploadTooLarge, verify_upload


def verify_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "20 per minute;200 per hour")


class VerifySignatureView(BaseView):
    """Anyone: does this signature file belong to this document, and who signed when."""

    route_base = "/verify-signature"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @limiter.limit(verify_limit, methods=["POST"])
    def index(self):
        form = VerifyForm()
        result = cms_signers = None
        status = 200
        if form.validate_on_submit():
            try:
                result, cms_signers = verify_upload(form.document.data.stream, form.evidence.data.stream)
            except UploadTooLarge as exc:
                getattr(form, exc.field).errors.append(exc.message)
                status = 400
        return self.render_template("documents/verify.html", form=form, result=result, when=_when(result),
                                    cms_signers=cms_signers, fingerprint=evidence.key_fingerprint(),
                                    method_labels=signing.METHOD_LABELS), status

    @expose("/public-key.pem")
    def public_key(self):
        return Response(evidence.public_key_pem(), mimetype="application/x-pem-file",
                        headers=attachment_headers("kabinet-signature-key.pem"))


def _when(result) -> dict:
    """The evidence times (ISO, UTC) as «DD.MM.YYYY HH:MM» in the portal's time zone."""
    payload = (result.evidence if result else None) or {}
    found = {"signed_at": payload.get("signed_at"), **{k: v for k, v in (payload.get("pep") or {}).items()
                                                        if k.endswith("_at")}}
    out = {}
    for key, value in found.items():
        try:
            out[key] = format_datetime(datetime.fromisoformat(str(value).rstrip("Z")))
        except ValueError:
            out[key] = ""
    return out


def iso_ru_date(value) -> str:
    """The template filter `iso_ru_date`: an ISO date/time string kept in evidence → «DD.MM.YYYY»."""
    try:
        return datetime.fromisoformat(str(value).rstrip("Z")).strftime("%d.%m.%Y")
    except ValueError:
        return str(value or "")
