"""Errors of the consumer API as RFC 9457 problem details (application/problem+json), in Russian.

{"type": "about:blank", "title": …, "status": …, "detail": …, "errors": {field: message}}.
Every refusal ends here: a KabinetError from a command (its status and message), an HTTPException
(abort(404) of app.security.access, a rate limit's 429) and a body that fails its schema (422,
with each field's message translated from marshmallow's English).
"""
from flask import jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from app.api.billing import TITLES as BILLING_TITLES
from app.core.errors import KabinetError
from app.web.boundary import refused

MEDIA_TYPE = "application/problem+json"
TITLES = {**BILLING_TITLES, 422: "Неверные данные", 500: "Ошибка сервера"}
DETAILS = {
    401: "Нужен действующий токен доступа в заголовке «Authorization: Bearer …».",
    403: "Недостаточно прав для этого действия.",
    404: "Не найдено.",
    405: "Этот адрес не принимает такой метод.",
    413: "Запрос больше допустимого размера.",
    415: "Тело запроса должно быть в формате JSON.",
    422: "Проверьте данные запроса.",
    429: "Превышен предел запросов, повторите позже.",
}
#: marshmallow's messages as a Russian reader sees them
FIELD_MESSAGES = {
    "Missing data for required field.": "Обязательное поле.",
    "Unknown field.": "Неизвестное поле.",
    "Field may not be null.": "Значение не может быть пустым.",
    "Not a valid string.": "Ожидается строка.",
    "Not a valid integer.": "Ожидается целое число.",
    "Not a valid boolean.": "Ожидается true или false.",
    "Invalid input type.": "Неверный тип значения.",
    "Invalid value.": "Неверное значение.",
}


class ProblemSchema(Schema):
    type = fields.String(required=True, metadata={"description": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "Поле → сообщение (для 400 и 422)"})


def problem(status: int, detail: str | None = None, errors: dict | None = None, headers: dict | None = None):
    body = {"type": "about:blank", "title": TITLES.get(status, TITLES[400]), "status": status,
            "detail": str(detail or DETAILS.get(status, "Запрос не выполнен."))}
    if errors:
        body["errors"] = {str(name): str(message) for name, message in errors.items()}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kabinet"'
    response.headers.update(headers or {})
    return response


def _russian(message) -> str:
    if isinstance(message, (list, tuple)):
        message = message[0] if message else ""
    if isinstance(message, dict):  # a nested field: its first message
        return _russian(next(iter(message.values()), ""))
    return FIELD_MESSAGES.get(str(message), "Неверное значение.")


def _field_errors(messages: dict) -> dict:
    """webargs' {location: {field: [messages]}} as {field: the first message, in Russian}."""
    errors = {}
    for by_field in messages.values():
        if isinstance(by_field, dict):
            errors.update({name: _russian(found) for name, found in by_field.items()})
    return errors


def from_exception(exc: Exception):
    """The problem for a refusal; the request's work is rolled back first (app/web/boundary.py)."""
    if isinstance(exc, KabinetError):
        refused(exc, flash_message=False)
        return problem(exc.status, exc.message, getattr(exc, "field_errors", None))
    refused(KabinetError(), flash_message=False)
    status = exc.code or 400
    data = getattr(exc, "data", None) or {}
    errors = _field_errors(data.get("messages") or {}) if status == 422 else None
    headers = dict(exc.get_headers()) if status in (405, 429) else {}
    headers.pop("Content-Type", None)
    return problem(status, None, errors, headers)


def http_error(error: HTTPException):
    """The blueprint's handler: what is raised before or outside a view (a rate limit, a 405)."""
    return from_exception(error)
