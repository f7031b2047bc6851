"""The consumer REST API (G2), /api/v1/: OpenAPI 3 from the code, problem details, cursor pages.

Library: flask-smorest (pinned in requirements.txt) on apispec + marshmallow, which FAB already
brings. It builds the OpenAPI document from the same marshmallow schemas that parse requests
(webargs) and serialize responses, so the document cannot drift from the code; FAB's own REST API
(ModelRestApi) is CRUD over models and would bypass the workflow commands, which every endpoint
here must call. Two of flask-smorest's defaults are changed (KabinetApi): it registers no
app-wide error handler (the portal keeps its HTML error pages; each ApiBlueprint answers its own
errors as problem details), and its documented error responses are problem+json.

Layout: one module per area beside this one (auth, accounts, billing, notifications, …), each
declaring one `api = ApiBlueprint(...)` (app/api/v1/blueprint.py has the conventions); AREAS
lists them. `consumer_api` is what app/api/__init__.py registers: registering it installs the
rest (the factory registers plain blueprints only).
"""
import http

from flask import Blueprint, current_app, jsonify, render_template
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.api.v1 import accounts, auth, billing, notifications
from app.api.v1.problems import MEDIA_TYPE, ProblemSchema

AREAS = (auth, accounts, billing, notifications)
TITLE = "API личного кабинета"
VERSION = "1.0"


class KabinetApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """None app-wide: the portal's pages keep theirs (see the module's docstring)."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            if 400 <= status < 600:
                response = {"description": status.phrase, "schema": ProblemSchema}
                prepare_response(response, self.spec, MEDIA_TYPE)
                self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Ошибка (RFC 9457)", "schema": ProblemSchema}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


docs = Blueprint("api_v1_docs", __name__, url_prefix="/api/v1")
consumer_api = Blueprint("api_v1", __name__)


@consumer_api.record_once
def install(state) -> None:
    app = state.app
    api = KabinetApi(config_prefix="KABINET_API_", spec_kwargs={
        "title": TITLE, "version": VERSION, "openapi_version": "3.0.3",
        "info": {"description": "Мобильное приложение потребителя: вход, профиль, лицевые счета, уведомления. "
                                "Ошибки — RFC 9457 (application/problem+json), списки — по курсору."}})
    api.init_app(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                                   "description": "Токен доступа из POST /api/v1/auth/token"})
    for area in AREAS:
        api.register_blueprint(area.api)
    app.extensions["kabinet_api_v1"] = api
    app.register_blueprint(docs)


@docs.get("/openapi.json")
def openapi_json():
    return jsonify(current_app.extensions["kabinet_api_v1"].spec.to_dict())


@docs.get("/docs")
def api_docs():
    return render_template("api/docs.html")
