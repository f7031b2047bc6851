"""A tiny OpenID Connect provider for the tests, run on a free local port in a thread:
discovery, authorize (redirects back with a code at once, as if the user agreed), token
(checks the client, the redirect address and the PKCE verifier; answers an RS256-signed
id_token carrying the nonce), JWKS. `tamper` makes the next id_tokens wrong on purpose."""
import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

import pytest
from authlib.jose import JsonWebKey, jwt
from flask import Flask, jsonify, redirect, request
from werkzeug.serving import make_server

CLIENT_ID = "kabinet-test"
CLIENT_SECRET = "s3cret-of-the-test-client"


class LocalProvider:
    def __init__(self):
        self.key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
        #: the same kid, another key: a token it signs is a forgery
        self.forger = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
        self.codes: dict[str, dict] = {}
        self.subject = "local-user-1"
        self.redirect_uri = None
        self.tamper: dict = {}
        self.app = self._app()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def _app(self) -> Flask:
        app = Flask("local_oidc")
        app.add_url_rule("/.well-known/openid-configuration", "discovery", self.discovery)
        app.add_url_rule("/authorize", "authorize", self.authorize)
        app.add_url_rule("/token", "token", self.token, methods=["POST"])
        app.add_url_rule("/jwks", "jwks", lambda: jsonify(JsonWebKey.import_key_set(
            {"keys": [self.key.as_dict()]}).as_dict()))
        return app

    def discovery(self):
        return jsonify(issuer=self.url, authorization_endpoint=self.url + "/authorize",
                       token_endpoint=self.url + "/token", jwks_uri=self.url + "/jwks",
                       response_types_supported=["code"], code_challenge_methods_supported=["S256"],
                       id_token_signing_alg_values_supported=["RS256"], subject_types_supported=["public"])

    def authorize(self):
        args = request.args
        if (args.get("client_id") != CLIENT_ID or args.get("response_type") != "code"
                or args.get("code_challenge_method") != "S256" or "openid" not in args.get("scope", "").split()):
            return "bad request", 400
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": args.get("nonce"), "challenge": args.get("code_challenge"),
                            "redirect_uri": args.get("redirect_uri")}
        self.redirect_uri = args.get("redirect_uri")
        return redirect(args["redirect_uri"] + "?" + urlencode({"code": code, "state": args.get("state", "")}))

    def token(self):
        form = request.form
        auth = request.authorization
        grant = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if (auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET) or grant is None
                or form.get("grant_type") != "authorization_code" or challenge != grant["challenge"]
                or form.get("redirect_uri") != grant["redirect_uri"]):
            return jsonify(error="invalid_grant"), 400
        now = int(time.time())
        claims = {"iss": self.url, "sub": self.subject, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], **{k: v for k, v in self.tamper.items() if k != "key"}}
        key = self.tamper.get("key", self.key)
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key).decode()
        return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer", expires_in=300,
                       id_token=id_token)


@pytest.fixture(scope="session")
def local_provider():
    provider = LocalProvider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    yield provider
    provider.server.shutdown()


@pytest.fixture
def oidc_server(local_provider):
    """The local provider with fresh knobs for one test."""
    local_provider.tamper = {}
    local_provider.subject = f"local-user-{secrets.token_hex(4)}"
    return local_provider
