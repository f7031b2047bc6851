"""Absolute addresses for whatever leaves the portal: emails, SMS, notices.

They are built from PUBLIC_URL only, never from the request: its Host (and any
X-Forwarded-Host) is whatever the sender wrote, so a password-reset link built from it
would lead to the attacker's site. This module is the only place that makes absolute
links (tests/accounts/test_public_links.py keeps it that way).
"""
from urllib.parse import urlsplit

from flask import current_app


def public_base() -> str:
    """PUBLIC_URL without its trailing slash, e.g. https://lk.example.ru."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def public_link(path: str) -> str:
    """The absolute address of a path inside the portal (a notice's `link`)."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not a path inside the portal: {path!r}")
    return public_base() + path


def absolute_url(endpoint: str, **values) -> str:
    """The absolute address of a route under PUBLIC_URL (the same in a request and in a job)."""
    base = urlsplit(public_base())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def register(app) -> None:
    """Templates (notifications) call public_link(link) and absolute_url(endpoint, …)."""
    app.add_template_global(public_link, "public_link")
    app.add_template_global(absolute_url, "absolute_url")
