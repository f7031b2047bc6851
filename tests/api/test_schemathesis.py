"""The API tested against its own OpenAPI: schemathesis reads /api/v1/openapi.json from the live app
and sends generated requests to every operation with a signed-in consumer's access token. No answer
may be a 500, have an undocumented status or content type, or break its documented schema.

Bounded to stay fast: a few examples per operation, no shrinking. Each example has its own access
token (issued by the command, not by the rate-limited sign-in), so /auth/logout revoking one spoils
no other example. (schemathesis' pytest plugin does not run under pytest 9: the operations are
walked here.)"""
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from app.extensions import db
from app.models import KabinetUser
from tests.api.conftest import bearer
from workflows.api import tokens

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 8


def _access(app, user_id: int) -> str:
    with app.test_request_context():
        pair = tokens.issue(db.session.get(KabinetUser, user_id))
        db.session.commit()
        return pair.access_token


def _run(operation, app, people):
    known = {"account_id": people.account.id, "notice_id": people.notices[0].id}

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate], derandomize=True,
              suppress_health_check=list(HealthCheck), database=None)
    def one(case):
        if case.path_parameters:  # half the time the owner's own objects, not only ids that find nothing
            case.path_parameters = {name: known.get(name, value) if len(str(value)) % 2 else value
                                    for name, value in case.path_parameters.items()}
        case.call_and_validate(headers=bearer(_access(app, people.owner.id)), checks=CHECKS)

    one()


def test_api_keeps_its_own_openapi(app, live_server, people):
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:
        _run(operation, app, people)
