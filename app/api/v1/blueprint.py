"""How an endpoint of the consumer API is written: ApiBlueprint, its `auth` decorator, cursor pages.

    api = ApiBlueprint("notifications", "Уведомления")          # one per area, url /api/v1/…

    @api.route("/notifications", methods=["GET"])
    @api.auth(consumer_only)                                  # the user is the first argument
    @api.arguments(CursorArgs, location="query")
    @api.response(200, page_schema(NoticeSchema))
    def notifications(user, args):
        return cursor_page(query, (Notification.created_at, Notification.id), args)

`auth` checks the bearer access token (workflows/api/tokens.py) on every request, never a session
cookie (so CSRF cannot reach it), lets only the roles named through (others 403), and turns every
refusal raised below it — a KabinetError of a command, abort(404) of app.security.access, a
rate limit, a body that fails its schema — into problem details (app/api/v1/problems.py),
documenting 401/403/404/422 and the bearer scheme in the OpenAPI.
"""
import functools

from flask import g, request
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from app.api.v1.problems import from_exception, http_error
from app.core.errors import Forbidden, KabinetError
from app.extensions import csrf
from app.security.access import current_consumer, is_organization
from workflows.api import tokens

URL_PREFIX = "/api/v1"


# who may call an endpoint (`api.auth(who)`); the object-level check stays in app.security.access

def consumer_only(user) -> bool:
    """Consumer endpoints: a user with a consumer profile (staff and admins get 403)."""
    return current_consumer(user) is not None


def organization_only(user) -> bool:
    """Staff endpoints (the queue): people acting for the organization (consumers get 403)."""
    return is_organization(user)


def any_user(user) -> bool:
    return True


def with_problems(view):
    """Refusals of `view` as problem details (the auth endpoints, which take no access token)."""

    @functools.wraps(view)
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except (KabinetError, HTTPException) as exc:
            return from_exception(exc)

    return run


class ApiBlueprint(Blueprint):
    """A flask-smorest Blueprint of /api/v1: CSRF exempt (a bearer token, not a cookie, is the
    credential) and answering its errors as problem details."""

    def __init__(self, name: str, description: str):
        super().__init__(f"api_v1_{name}", __name__, url_prefix=URL_PREFIX, description=description)
        csrf.exempt(self)
        # by code too: the portal's own pages for 403/404/429 are registered by code, which Flask
        # looks up before a handler registered by class
        for code in (400, 401, 403, 404, 405, 413, 415, 422, 429):
            self.register_error_handler(code, http_error)
        self.register_error_handler(HTTPException, http_error)

    def public(self, view):
        """An endpoint without an access token (signing in): refusals as problem details."""
        view = self.alt_response(422, response="UNPROCESSABLE_ENTITY")(view)
        return with_problems(self.alt_response(429, response="TOO_MANY_REQUESTS")(view))

    def auth(self, allowed=consumer_only):
        """The view runs with the access token's user as its first argument (its ApiSession in g.api_session)."""

        def decorate(view):
            @functools.wraps(view)
            def run(*args, **kwargs):
                user, g.api_session = tokens.authenticate(request.headers.get("Authorization"))
                if not allowed(user):
                    raise Forbidden()
                return view(user, *args, **kwargs)

            for status, name in ((401, "UNAUTHORIZED"), (403, "FORBIDDEN"), (404, "NOT_FOUND"),
                                 (422, "UNPROCESSABLE_ENTITY")):
                run = self.alt_response(status, response=name)(run)
            run = self.doc(security=[{"bearer": []}])(run)
            return with_problems(run)

        return decorate
