"""A local stand-in for the ЮKassa API (https://yookassa.ru/developers/api), served over HTTP in a
thread, so the ЮKassa provider is tested through the official SDK and a real socket.

It speaks the documented subset the portal uses: POST /v3/payments (Basic auth shop_id:secret_key,
the Idempotence-Key header: the same key returns the same payment and creates no second one),
GET /v3/payments/{id}, POST /v3/refunds, GET /v3/refunds/{id}; errors as the API returns them ({"type": "error",
"code", "description"}). Two control endpoints outside /v3 play the payer and the bank:
POST /control/{id}/succeed and POST /control/{id}/cancel {"party", "reason"}.

Fixtures: `standin` (the server, its state emptied per test, the app configured to use it) and
`standin_down` (the app pointed at a port nobody listens on). Import both into a test module.
"""
import base64
import itertools
import socket
import threading
import uuid
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

import pytest
from flask import Flask, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

SHOP_ID = "506751"
SECRET_KEY = "test_standin_secret"
CONFIG_KEYS = ("YOOKASSA_API_URL", "YOOKASSA_SHOP_ID", "YOOKASSA_SECRET_KEY")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _error(status: int, code: str, description: str, parameter: str | None = None):
    body = {"type": "error", "id": str(uuid.uuid4()), "code": code, "description": description}
    if parameter:
        body["parameter"] = parameter
    return jsonify(body), status


class StandIn:
    """The API's state: payments by id, answers by idempotence key, every request seen."""

    def __init__(self):
        self.base_url = ""
        self.reset()
        self.app = self._build()

    def reset(self):
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.answered: dict[tuple[str, str], tuple] = {}
        self.seen: list[dict] = []
        self._ids = itertools.count(1)
        #: the next /v3 request is answered (status, content type, body) instead
        self.fail_next: tuple[int, str, str] | None = None
        #: while set, /v3 requests wait for it (at most 5 s): an API that does not answer
        self.hold: threading.Event | None = None

    # ---- the API ------------------------------------------------------------------------------

    def _authorized(self) -> bool:
        expected = base64.b64encode(f"{SHOP_ID}:{SECRET_KEY}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def _guarded(self, kind: str, make):
        """Auth, the Idempotence-Key, and one answer per key (a retry gets the first answer)."""
        self.seen.append({"method": request.method, "path": request.path, "headers": dict(request.headers),
                          "json": request.get_json(silent=True)})
        if not self._authorized():
            return _error(401, "invalid_credentials", "Authentication by given credentials failed")
        key = request.headers.get("Idempotence-Key")
        if request.method == "POST" and not key:
            return _error(400, "invalid_request", "Idempotence key is empty", "Idempotence-Key")
        if (kind, key) in self.answered:
            return self.answered[(kind, key)]
        answer = make(request.get_json(silent=True) or {})
        self.answered[(kind, key)] = answer
        return answer

    def _amount(self, data) -> dict | None:
        try:
            value = Decimal(str(data["value"]))
        except (KeyError, TypeError, InvalidOperation):
            return None
        if value <= 0 or data.get("currency") != "RUB":
            return None
        return {"value": f"{value:.2f}", "currency": "RUB"}

    def _new_payment(self, body: dict):
        amount = self._amount(body.get("amount") or {})
        if amount is None:
            return _error(400, "invalid_request", "Invalid amount", "amount")
        pid = f"2f{next(self._ids):06d}-000f-5000-9000-{uuid.uuid4().hex[:12]}"
        asked = body.get("confirmation") or {}
        if asked.get("type") == "qr":
            confirmation = {"type": "qr", "confirmation_data": f"https://qr.nspk.ru/AS{uuid.uuid4().hex[:30].upper()}"}
        else:
            confirmation = {"type": "redirect", "return_url": asked.get("return_url"),
                            "confirmation_url": f"{self.base_url}/checkout/{pid}"}
        method = (body.get("payment_method_data") or {}).get("type", "bank_card")
        payment = {"id": pid, "status": "pending", "paid": False, "amount": amount, "confirmation": confirmation,
                   "created_at": _now(), "description": body.get("description"), "metadata": body.get("metadata"),
                   "payment_method": {"type": method, "id": pid, "saved": False},
                   "recipient": {"account_id": SHOP_ID, "gateway_id": "1000000"},
                   "refundable": False, "test": True}
        self.payments[pid] = payment
        return jsonify(payment), 200

    def _new_refund(self, body: dict):
        payment = self.payments.get(body.get("payment_id") or "")
        amount = self._amount(body.get("amount") or {})
        if payment is None or payment["status"] != "succeeded" or amount is None:
            return _error(400, "invalid_request", "Payment can't be refunded", "payment_id")
        refunded = Decimal((payment.get("refunded_amount") or {}).get("value", "0")) + Decimal(amount["value"])
        if refunded > Decimal(payment["amount"]["value"]):
            return _error(400, "invalid_request", "Refund amount exceeds the payment amount", "amount")
        payment["refunded_amount"] = {"value": f"{refunded:.2f}", "currency": "RUB"}
        refund = {"id": str(uuid.uuid4()), "payment_id": payment["id"], "status": "succeeded",
                  "amount": amount, "created_at": _now()}
        self.refunds[refund["id"]] = refund
        return jsonify(refund), 200

    def _find(self, pid: str, kind: str = "payment"):
        self.seen.append({"method": request.method, "path": request.path, "headers": dict(request.headers)})
        if not self._authorized():
            return _error(401, "invalid_credentials", "Authentication by given credentials failed")
        found = (self.payments if kind == "payment" else self.refunds).get(pid)
        if found is None:
            return _error(404, "not_found", f"Incorrect {kind}_id. It doesn't exist or access denied.")
        return jsonify(found), 200

    # ---- playing the payer and the bank -------------------------------------------------------

    def succeed(self, pid: str) -> dict:
        payment = self.payments[pid]
        payment.update(status="succeeded", paid=True, refundable=True, captured_at=_now(),
                       income_amount=payment["amount"])
        return payment

    def cancel(self, pid: str, reason: str = "insufficient_funds", party: str = "payment_network") -> dict:
        payment = self.payments[pid]
        payment.update(status="canceled", cancellation_details={"party": party, "reason": reason})
        return payment

    def created(self) -> list[dict]:
        """The payment creations the API received (retries included)."""
        return [r for r in self.seen if r["method"] == "POST" and r["path"] == "/v3/payments"]

    def _build(self) -> Flask:
        app = Flask("yookassa_standin")

        @app.before_request
        def misbehave():
            if not request.path.startswith("/v3/"):
                return None
            if self.hold is not None:
                self.hold.wait(5)
            if self.fail_next is not None:
                (status, kind, body), self.fail_next = self.fail_next, None
                return app.response_class(body, status=status, content_type=kind)
            return None

        app.add_url_rule("/v3/payments", "create", methods=["POST"],
                         view_func=lambda: self._guarded("payment", self._new_payment))
        app.add_url_rule("/v3/payments/<pid>", "find", view_func=self._find)
        app.add_url_rule("/v3/refunds/<pid>", "find_refund", view_func=lambda pid: self._find(pid, "refund"))
        app.add_url_rule("/v3/refunds", "refund", methods=["POST"],
                         view_func=lambda: self._guarded("refund", self._new_refund))

        @app.post("/control/<pid>/<outcome>")
        def control(pid, outcome):
            if pid not in self.payments:
                return _error(404, "not_found", "no such payment")
            body = request.get_json(silent=True) or {}
            return jsonify(self.succeed(pid) if outcome == "succeed" else self.cancel(pid, **body))

        return app


def _configure(app, url: str, shop_id: str = SHOP_ID, secret_key: str = SECRET_KEY):
    saved = {key: app.config.get(key) for key in CONFIG_KEYS}
    app.config.update(YOOKASSA_API_URL=url, YOOKASSA_SHOP_ID=shop_id, YOOKASSA_SECRET_KEY=secret_key)
    return saved


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # no access log line per request in the test output
        pass


_SERVER: list[StandIn] = []


def _server() -> StandIn:
    """The one stand-in of the test process, started on first use on a free port (a daemon thread
    serves it until the process ends)."""
    if not _SERVER:
        standin = StandIn()
        server = make_server("127.0.0.1", 0, standin.app, threaded=True, request_handler=_Quiet)
        standin.base_url = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        _SERVER.append(standin)
    return _SERVER[0]


@pytest.fixture
def standin(app):
    """The stand-in, emptied, and the app's ЮKassa settings pointing at it."""
    server = _server()
    server.reset()
    saved = _configure(app, f"{server.base_url}/v3")
    yield server
    if server.hold is not None:
        server.hold.set()
    app.config.update(saved)


@pytest.fixture
def standin_down(app):
    """The app's ЮKassa settings pointing at a local port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = _configure(app, f"http://127.0.0.1:{port}/v3")
    yield
    app.config.update(saved)
