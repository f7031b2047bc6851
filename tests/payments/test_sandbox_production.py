"""Fail closed: the sandbox «pays» without money, so where the server has not turned it on
(PAYMENT_SANDBOX, off in production) no payment goes to it and no sandbox notification is taken."""
from decimal import Decimal

import pytest

from app.core.errors import Invalid
from app.core.urls import public_link
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.payments import callbacks, commands
from workflows.payments.providers import base, sandbox


@pytest.fixture
def production(app):
    app.config["PAYMENT_SANDBOX"] = False
    with app.test_request_context():
        yield
    app.config["PAYMENT_SANDBOX"] = True


def test_production_defaults_refuse_the_sandbox():
    from config import Config, DevelopmentConfig

    assert Config.PAYMENT_SANDBOX is False and DevelopmentConfig.PAYMENT_SANDBOX is True


def test_no_payment_goes_to_the_sandbox(production):
    owner, account = make_consumer(), b.account()
    b.link(owner, account)
    with pytest.raises(Invalid, match="песочница платежей работает только"):
        commands.create_payment(owner, [(account.id, b.supplier().id, Decimal("100.00"))], "card",
                                return_url=public_link("/payments/returned"))


def test_a_sandbox_notification_is_refused(production):
    with pytest.raises(Invalid):
        base.provider_for(sandbox.NAME)
    body = b'{"event": "x"}'
    with pytest.raises(Invalid):
        callbacks.handle(sandbox.NAME, {sandbox.SIGNATURE_HEADER: "forged"}, body)


def test_the_callback_route_refuses_it_without_crediting(app, client):
    app.config["PAYMENT_SANDBOX"] = False
    try:
        response = client.post("/payments/callback/sandbox", data=b'{"event": "x"}',
                               headers={sandbox.SIGNATURE_HEADER: "forged", "Content-Type": "application/json"})
    finally:
        app.config["PAYMENT_SANDBOX"] = True
    assert 400 <= response.status_code < 500
