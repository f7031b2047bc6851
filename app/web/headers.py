"""Security headers on every response (pages, errors, static files): what a browser may
load and run on the portal, who may frame it, and HTTPS only (HSTS) in production."""
from flask import Flask

#: No inline script anywhere: page code lives in static/js/ and reads its parameters from
#: data- attributes or <script type="application/json"> blocks; FAB's templates with inline
#: script are overridden in templates/appbuilder/. Inline *styles* stay allowed: FAB's
#: templates and its jQuery plugins (select2, datepicker) write style attributes.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    # information pages may show https pictures (workflows/pages/sanitize.py); FAB themes use data:
    "img-src 'self' data: https:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
    "form-action 'self'",
))
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",  # frame-ancestors for browsers without CSP 2
    "Referrer-Policy": "same-origin",
}


def init_security_headers(app: Flask) -> None:
    headers = dict(HEADERS)
    if app.config.get("HSTS_ENABLED"):
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY

    @app.after_request
    def security_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
