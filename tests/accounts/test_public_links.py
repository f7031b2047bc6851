"""Issue 10.2: links that leave the portal are built from PUBLIC_URL, never from the request's Host."""
import re
from pathlib import Path

import pytest

from app.extensions import db
from app.core.jobs.queue import dispatch_ready
from tests.factories import make_consumer

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://lk.example.ru"


@pytest.fixture
def public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC + "/")
    return PUBLIC


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.get_content())


@pytest.mark.parametrize("headers", [
    {"Host": "evil.example"},
    {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
])
def test_reset_link_ignores_a_forged_host_header(client, ctx, sent, public_url, headers):
    user = make_consumer()
    client.post("/password/forgot/", data={"destination": user.email}, headers=headers)
    links = _links(sent.emails[-1])
    assert links and all(link.startswith(PUBLIC + "/password/reset/") for link in links), links
    assert "evil.example" not in sent.emails[-1].get_content()


def test_setup_link_sent_by_staff_uses_public_url(app, ctx, sent, public_url):
    from workflows.accounts.passwords import send_password_setup

    user = make_consumer(confirmed=False)
    with app.test_request_context("/", headers={"Host": "evil.example"}):  # staff opened the account
        send_password_setup(user)
        db.session.commit()
    dispatch_ready()
    assert _links(sent.emails[-1])[0].startswith(PUBLIC + "/password/set/")


def test_absolute_url_builds_routes_under_public_url(app, public_url):
    from app.core.urls import absolute_url, public_link

    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert absolute_url("KabinetAuthView.forgot_password") == PUBLIC + "/password/forgot/"
        assert public_link("/my/applications/5") == PUBLIC + "/my/applications/5"
    with app.app_context():  # a job has no request at all
        assert absolute_url("KabinetAuthView.forgot_password") == PUBLIC + "/password/forgot/"
    with app.app_context():
        with pytest.raises(ValueError):
            public_link("https://evil.example/x")  # only paths inside the portal


#: what builds a URL from the request: only app/core/urls.py may build absolute links at all
HOST_DERIVED = re.compile(r"_external\s*=\s*True|host_url|url_root|PUBLIC_URL")


def test_no_code_builds_absolute_links_outside_the_helper():
    offenders = []
    for folder in ("app", "workflows", "forms", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html", ".j2") or path == ROOT / "app" / "core" / "urls.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if HOST_DERIVED.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
