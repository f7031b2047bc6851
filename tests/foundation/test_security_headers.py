"""Security headers on every response (issue 10, point 13): a Content-Security-Policy without
inline script, the frame and type headers, and HSTS in production only."""
import pytest

from app import create_app
from tests.factories import make_consumer, make_staff

HSTS = "max-age=31536000; includeSubDomains"


def policy(response) -> dict[str, list[str]]:
    """The CSP header as directive → sources."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(str.strip, header.split(";")):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_protected(response, where):
    csp = policy(response)
    assert csp.get("script-src") == ["'self'"], (where, csp)  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp.get("default-src") == ["'self'"], where
    assert csp.get("object-src") == ["'none'"], where
    assert csp.get("base-uri") == ["'self'"], where
    assert csp.get("frame-ancestors") == ["'self'"], where
    assert csp.get("form-action") == ["'self'"], where
    assert set(csp.get("img-src", [])) == {"'self'", "data:", "https:"}, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "SAMEORIGIN", where


def test_inline_style_is_the_only_inline_allowance(client):
    csp = policy(client.get("/login/"))
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert [name for name, sources in csp.items() if "'unsafe-inline'" in sources] == ["style-src"]
    assert not any("'unsafe-eval'" in sources or "*" in sources for sources in csp.values())


def test_every_kind_of_response_carries_the_headers(client, login, reference_data):
    pages = {"login page": (None, "/login/"), "not found": (None, "/no-such-page/"),
             "static file": (None, "/static/css/kabinet.css"), "FAB static file": (None, "/static/appbuilder/js/ab.js"),
             "JSON": (None, "/health"), "redirect": (None, "/my/applications/"),
             "consumer page": (make_consumer(), "/my/applications/"), "staff page": (make_staff("Staff"), "/staff/queue/"),
             "admin page": (make_staff("OrgAdmin"), "/admin/settings/"),
             "FAB list": (make_staff("OrgAdmin"), "/admin/statuses/list/")}
    expected = {"not found": 404, "redirect": 302}
    for where, (user, url) in pages.items():
        with client.session_transaction() as session:
            session.clear()
        if user is not None:
            login(user)
        response = client.get(url)
        assert response.status_code == expected.get(where, 200), where
        assert_protected(response, where)
        assert "Strict-Transport-Security" not in response.headers, f"{where}: no HSTS in tests"


def test_a_server_error_carries_the_headers_too(app, client, monkeypatch):
    def boom():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "health.health", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/health")
    assert response.status_code == 500
    assert_protected(response, "500")


@pytest.mark.parametrize("config_name,hsts", [("production", HSTS), ("development", None)])
def test_hsts_in_production_only(app, config_name, hsts):
    other = create_app(config_name, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://")
    client = other.test_client()
    for url in ("/login/", "/static/css/kabinet.css", "/no-such-page/"):
        response = client.get(url)
        assert response.headers.get("Strict-Transport-Security") == hsts, (config_name, url)
        assert_protected(response, f"{config_name} {url}")
