"""The exchange API for billing systems (D1), /api/v1/billing/, with an integration token in
`Authorization: Bearer …` (workflows/billing/tokens.py; «Токены интеграции» issues them).

- POST imports/<kind> — a file as multipart (`file`) or as the raw body with ?filename=;
  answers 202 with the run's progress and its address;
- GET imports/<id> — the run's progress (state, total, processed, created, updated, unchanged,
  errors, percent, failure);
- GET imports/<id>/errors — the error file (CSV);
- GET exports/<kind>?after=<cursor>&limit=&format=json|csv — {"items": [...], "next_cursor": N}
  or CSV with the next cursor in the X-Next-Cursor header (docs/billing/export.md).

No session and no CSRF token: the bearer token is the credential. Every request runs in the
request boundary's one transaction; a refusal is rolled back and answered as JSON
{"title", "detail", "status"} (Russian). Each use of a token is in the audit log, except the
progress polls (a billing system may ask every second).
"""
import functools

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from app.core.audit import record as audit
from app.core.errors import KabinetError, NotFound
from app.extensions import csrf, limiter
from app.models.billing import IMPORT_KIND_LABELS
from app.views.admin.common import send_spooled
from app.web.boundary import refused
from workflows.billing import exports, imports, runs, tokens
from workflows.billing.imports.upload import MB, max_bytes as max_import_bytes

billing_api = Blueprint("billing_api", __name__, url_prefix="/api/v1/billing")
csrf.exempt(billing_api)

DEFAULT_RATE_LIMIT = "300 per minute"

#: status → the error's title
TITLES = {
    400: "Запрос не выполнен",
    401: "Нужна авторизация",
    403: "Доступ запрещен",
    404: "Не найдено",
    405: "Метод не поддерживается",
    409: "Конфликт",
    413: "Файл слишком большой",
    429: "Слишком много запросов",
}


def problem(status: int, detail: str):
    response = jsonify({"title": TITLES.get(status, TITLES[400]), "detail": detail, "status": status})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="billing"'
    return response


def rate_limit() -> str:
    return current_app.config.get("BILLING_API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def with_token(audited: bool = True):
    """The view runs with the request's live token (its first argument); a refusal becomes JSON."""

    def decorate(view):
        @functools.wraps(view)
        def run(*args, **kwargs):
            try:
                token = tokens.authenticate(request.headers.get("Authorization"))
                if audited:
                    audit("integration_token.used", token, summary=f"{request.method} {request.path}")
                return view(token, *args, **kwargs)
            except KabinetError as exc:
                refused(exc, flash_message=False)
                return problem(exc.status, exc.message)

        return run

    return decorate


def _http_error(error: HTTPException):
    details = {413: "Файл больше допустимого размера.", 429: "Превышен предел запросов, повторите позже.",
               405: "Этот адрес не принимает такой метод."}
    return problem(error.code or 400, details.get(error.code, "Запрос не выполнен. Проверьте данные."))


# by code too: the portal's own pages for 403/404/429 are registered by code, which Flask
# looks up before a handler registered by class
for _code in (400, 403, 404, 405, 413, 429):
    billing_api.register_error_handler(_code, _http_error)
billing_api.register_error_handler(HTTPException, _http_error)


def _upload(kind: str):
    """The file of a push: multipart `file`, or the raw body named by ?filename=."""
    if "file" in request.files:
        return request.files["file"]
    name = request.args.get("filename") or f"{kind}.csv"
    return name, request.stream


@billing_api.post("/imports/<kind>")
@limiter.limit(rate_limit)
@with_token()
def start_import(token, kind):
    if kind not in IMPORT_KIND_LABELS:
        raise NotFound("Неизвестный вид данных для загрузки.")
    # an import file may be far larger than an attachment (MAX_CONTENT_LENGTH): its own limit,
    # BILLING_IMPORT_MAX_MB, checked again while it is received; a megabyte for multipart's own lines
    request.max_content_length = max_import_bytes() + MB
    run = imports.start_import(kind, _upload(kind), token=token)
    body = dict(imports.progress(run), id=run.id, url=url_for(".import_progress", run_id=run.id))
    return jsonify(body), 202


@billing_api.get("/imports/<int:run_id>")
@limiter.limit(rate_limit)
@with_token(audited=False)
def import_progress(token, run_id):
    run = runs.get(run_id)
    return jsonify(dict(imports.progress(run), id=run.id))


@billing_api.get("/imports/<int:run_id>/errors")
@limiter.limit(rate_limit)
@with_token()
def import_errors(token, run_id):
    run = runs.get(run_id)
    return send_spooled(imports.error_file_csv(run), f"errors_{run.id}.csv", "text/csv; charset=utf-8")


@billing_api.get("/exports/<kind>")
@limiter.limit(rate_limit)
@with_token()
def export(token, kind):
    result = exports.download(kind, request.args.get("after"), request.args.get("limit"),
                              request.args.get("format", "json"), token=token)
    return Response(result.body, mimetype=result.media_type, headers={"X-Next-Cursor": str(result.next_cursor)})
